using FaceAttr.Onnx.Export;
using FaceAttr.Onnx.Writing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceAttr.Training.Export;

/// <summary>
/// Writes the ONNX nodes of one TorchSharp module (eval-mode semantics) and returns the name of its output tensor.
/// Each supported module type has its translation here; any other type is an <see cref="UnsupportedModuleException"/>
/// naming it, never a silently wrong graph.
/// </summary>
public static class ModuleEmitter
{
    /// <summary>The module types that have a translation (for error messages and docs).</summary>
    public const string SupportedTypes = "ConvBnAct (conv+bn folded), Conv2d, BatchNorm2d, PReLU, ReLU, MaxPool2d, AdaptiveAvgPool2d(1), Linear, Dropout, Flatten, Sequential";

    /// <summary>Emits <paramref name="module"/> applied to <paramref name="input"/> of rank <paramref name="rank"/>.</summary>
    public static string Emit(OnnxGraphBuilder g, string path, nn.Module module, string input, int rank)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(module);
        return module switch
        {
            Network.ConvBnAct block => ConvBnAct(g, path, block, input, rank),
            Conv2d conv => Conv(g, path, conv, input, rank, null),
            BatchNorm2d bn => BatchNorm(g, path, bn, input, rank),
            PReLU prelu => g.PRelu(input, path, Values(prelu.weight!), spatial: rank == 4),
            ReLU => g.Node("Relu", [input], path),
            MaxPool2d pool => MaxPool(g, path, pool, input, rank),
            AdaptiveAvgPool2d gap => GlobalAverage(g, path, gap, input, rank),
            Linear linear => Linear(g, path, linear, input, rank),
            Dropout => input,
            Flatten flatten => Flatten(g, path, flatten, input, rank),
            Sequential sequential => EmitChildren(g, path, sequential, input, rank),
            _ => throw new UnsupportedModuleException(path, module.GetType().Name, null),
        };
    }

    /// <summary>A tensor's values as a float array (detached, contiguous, on the CPU).</summary>
    public static float[] Values(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }

    private static string ConvBnAct(OnnxGraphBuilder g, string path, Network.ConvBnAct block, string input, int rank)
    {
        var convolved = ConvBn(g, path, block, input, rank);
        return Emit(g, $"{path}.act", Activation(path, block), convolved, rank);
    }

    /// <summary>The convolution of a conv block with its batch norm folded in, without the activation.</summary>
    public static string ConvBn(OnnxGraphBuilder g, string path, Network.ConvBnAct block, string input, int rank)
    {
        ArgumentNullException.ThrowIfNull(block);
        var children = Children(block);
        if (children.GetValueOrDefault("conv") is not Conv2d conv || children.GetValueOrDefault("bn") is not BatchNorm2d bn)
        {
            throw new UnsupportedModuleException(path, nameof(Network.ConvBnAct), "expected children conv (Conv2d), bn (BatchNorm2d) and act");
        }

        return Conv(g, path, conv, input, rank, bn);
    }

    /// <summary>The activation module of a conv block.</summary>
    public static nn.Module Activation(string path, Network.ConvBnAct block) =>
        Children(block).TryGetValue("act", out var act)
            ? act
            : throw new UnsupportedModuleException(path, nameof(Network.ConvBnAct), "expected children conv (Conv2d), bn (BatchNorm2d) and act");

    /// <summary>
    /// Whether <paramref name="activation"/> is monotone non-decreasing (ReLU, or PReLU with every slope ≥ 0), so that
    /// max-pooling commutes with it: <c>max(f(a), f(b)) = f(max(a, b))</c>.
    /// </summary>
    public static bool IsMonotone(nn.Module activation) => activation switch
    {
        ReLU => true,
        PReLU prelu => Values(prelu.weight!).All(slope => slope >= 0),
        _ => false,
    };

    private static Dictionary<string, nn.Module> Children(nn.Module module) =>
        module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);

    private static string Conv(OnnxGraphBuilder g, string path, Conv2d conv, string input, int rank, BatchNorm2d? foldedBn)
    {
        RequireRank(path, "Conv2d", rank, 4);
        var w = conv.weight!;
        var (outC, inC, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3]);
        var stride = conv.stride;
        var padding = conv.padding ?? throw new UnsupportedModuleException(path, "Conv2d", "string padding modes ('same') are not translated");
        if (kh != kw || stride.Length != 2 || stride[0] != stride[1] || padding.Length != 2 || padding[0] != padding[1]
            || conv.dilation.Any(d => d != 1) || conv.groups != 1 || conv.padding_mode != PaddingModes.Zeros)
        {
            throw new UnsupportedModuleException(path, "Conv2d", "only square kernels, equal strides/padding, no dilation, one group and zero padding are translated");
        }

        var weights = Values(w);
        var bias = conv.bias is { } b ? Values(b) : new float[outC];
        if (foldedBn is not null)
        {
            (weights, bias) = BatchNormFolding.Fold(weights, conv.bias is null ? [] : bias, Values(foldedBn.weight!), Values(foldedBn.bias!),
                Values(foldedBn.running_mean!), Values(foldedBn.running_var!), foldedBn.eps);
        }

        return g.Conv(input, path, weights, bias, outC, inC, kh, stride[0], padding[0]);
    }

    private static string BatchNorm(OnnxGraphBuilder g, string path, BatchNorm2d bn, string input, int rank)
    {
        RequireRank(path, "BatchNorm2d", rank, 4);
        var c = bn.weight!.shape[0];
        var scale = g.Initializer($"{path}.weight", Values(bn.weight!), c);
        var shift = g.Initializer($"{path}.bias", Values(bn.bias!), c);
        var mean = g.Initializer($"{path}.running_mean", Values(bn.running_mean!), c);
        var variance = g.Initializer($"{path}.running_var", Values(bn.running_var!), c);
        return g.Node("BatchNormalization", [input, scale, shift, mean, variance], path, OnnxAttributes.Float("epsilon", (float)bn.eps));
    }

    private static string MaxPool(OnnxGraphBuilder g, string path, MaxPool2d pool, string input, int rank)
    {
        RequireRank(path, "MaxPool2d", rank, 4);
        var kernel = pool.kernel_size;
        var stride = pool.stride ?? kernel;
        if (kernel.Length != 2 || kernel[0] != kernel[1] || stride[0] != stride[1]
            || (pool.padding is { } p && p.Any(v => v != 0)) || (pool.dilation is { } d && d.Any(v => v != 1)) || pool.ceil_mode)
        {
            throw new UnsupportedModuleException(path, "MaxPool2d", "only square windows without padding, dilation or ceil mode are translated");
        }

        return g.MaxPool(input, path, kernel[0], stride[0]);
    }

    private static string GlobalAverage(OnnxGraphBuilder g, string path, AdaptiveAvgPool2d gap, string input, int rank)
    {
        RequireRank(path, "AdaptiveAvgPool2d", rank, 4);
        if (gap.output_size.Any(s => s != 1))
        {
            throw new UnsupportedModuleException(path, "AdaptiveAvgPool2d", $"only output size 1 (global pooling) is translated, not [{string.Join(", ", gap.output_size)}]");
        }

        return g.Node("GlobalAveragePool", [input], path);
    }

    private static string Flatten(OnnxGraphBuilder g, string path, Flatten flatten, string input, int rank)
    {
        if (flatten.start_dim != 1 || (flatten.end_dim != -1 && flatten.end_dim != rank - 1))
        {
            throw new UnsupportedModuleException(path, "Flatten", "only flattening everything after the batch dimension is translated");
        }

        return g.Node("Flatten", [input], path, OnnxAttributes.Int("axis", 1));
    }

    private static string Linear(OnnxGraphBuilder g, string path, Linear linear, string input, int rank)
    {
        RequireRank(path, "Linear", rank, 2);
        var w = linear.weight!;
        var bias = linear.bias is { } b ? Values(b) : new float[w.shape[0]];
        return g.Linear(input, path, Values(w), bias, w.shape[0], w.shape[1]);
    }

    private static string EmitChildren(OnnxGraphBuilder g, string path, Sequential sequential, string input, int rank)
    {
        var x = input;
        foreach (var (name, child) in sequential.named_children())
        {
            var childPath = $"{path}.{name}";
            x = Emit(g, childPath, child, x, rank);
            if (child is Flatten)
            {
                rank = 2;
            }
        }

        return x;
    }

    private static void RequireRank(string path, string type, int rank, int expected)
    {
        if (rank != expected)
        {
            throw new UnsupportedModuleException(path, type, $"expects a rank-{expected} input here, the graph has rank {rank}");
        }
    }
}
