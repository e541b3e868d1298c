using FaceAttr.Onnx.Writing;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Onnx.Export;

/// <summary>
/// The ONNX nodes of the layer types a trained network is made of, written through <see cref="OnnxGraphBuilder"/> (the
/// same graph writer the TF.js importer uses). Tensors are NCHW; every method returns the name of its output.
/// </summary>
public static class OnnxLayers
{
    /// <summary>A 2-D convolution with square kernel, symmetric padding and a bias.</summary>
    public static string Conv(
        this OnnxGraphBuilder g, string input, string name, float[] weights, float[] bias,
        long outChannels, long inChannels, long kernel, long stride, long padding)
    {
        if (weights.Length != outChannels * inChannels * kernel * kernel)
        {
            throw new ArgumentException($"{name}: {weights.Length} weights for [{outChannels}, {inChannels}, {kernel}, {kernel}]");
        }

        var w = g.Initializer($"{name}.weight", weights, outChannels, inChannels, kernel, kernel);
        var b = g.Initializer($"{name}.bias", bias, outChannels);
        return g.Node("Conv", [input, w, b], name,
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));
    }

    /// <summary>PReLU with one slope per channel (broadcast as [C, 1, 1] over NCHW) or one shared slope.</summary>
    public static string PRelu(this OnnxGraphBuilder g, string input, string name, float[] slopes, bool spatial)
    {
        var dims = spatial && slopes.Length > 1 ? new long[] { slopes.Length, 1, 1 } : new long[] { slopes.Length };
        var s = g.Initializer($"{name}.weight", slopes, dims);
        return g.Node("PRelu", [input, s], name);
    }

    /// <summary>Max pooling with a square window and stride equal to it (PyTorch's default stride).</summary>
    public static string MaxPool(this OnnxGraphBuilder g, string input, string name, long kernel, long stride) =>
        g.Node("MaxPool", [input], name, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));

    /// <summary>Global average pooling to [N, C] (GlobalAveragePool then Flatten).</summary>
    public static string GlobalAveragePoolFlat(this OnnxGraphBuilder g, string input, string name)
    {
        var pooled = g.Node("GlobalAveragePool", [input], name);
        return g.Node("Flatten", [pooled], $"{name}.flat", Int("axis", 1));
    }

    /// <summary>A fully connected layer <c>x·Wᵀ + b</c> with PyTorch's [out, in] weight layout (Gemm transB = 1).</summary>
    public static string Linear(this OnnxGraphBuilder g, string input, string name, float[] weights, float[] bias, long outFeatures, long inFeatures)
    {
        if (weights.Length != outFeatures * inFeatures || bias.Length != outFeatures)
        {
            throw new ArgumentException($"{name}: {weights.Length} weights / {bias.Length} biases for [{outFeatures}, {inFeatures}]");
        }

        var w = g.Initializer($"{name}.weight", weights, outFeatures, inFeatures);
        var b = g.Initializer($"{name}.bias", bias, outFeatures);
        return g.Node("Gemm", [input, w, b], name, Int("transB", 1));
    }

    /// <summary>
    /// The input normalisation <c>(x·scale − mean[c]) / std[c]</c> as one Mul and one Add over NCHW
    /// (<c>x·(scale/std) + (−mean/std)</c>), so a device can feed raw 0–255 RGB.
    /// </summary>
    public static string Normalise(this OnnxGraphBuilder g, string input, float scale, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count != std.Count || mean.Count == 0)
        {
            throw new ArgumentException("mean and std need one value per channel");
        }

        var mul = new float[mean.Count];
        var add = new float[mean.Count];
        for (var c = 0; c < mean.Count; c++)
        {
            mul[c] = scale / std[c];
            add[c] = -mean[c] / std[c];
        }

        var m = g.Initializer("normalise.scale", mul, 1, mean.Count, 1, 1);
        var a = g.Initializer("normalise.shift", add, 1, mean.Count, 1, 1);
        var scaled = g.Node("Mul", [input, m], "normalise.mul");
        return g.Node("Add", [scaled, a], "normalise");
    }

    /// <summary>
    /// Stagewise age decode (SSR-Net style) from the stage logits: softmax each stage, then
    /// <c>Σₖ Σᵢ pₖ(i)·i·binYears[k] + offset</c>, written as one MatMul of the concatenated probabilities with a
    /// constant column. Output [N, 1] years into <paramref name="outputName"/>, a name the caller reserved with
    /// <see cref="OnnxGraphBuilder.UniqueName"/> (a graph output, or one network's age in an averaged export).
    /// </summary>
    public static string StagewiseAge(this OnnxGraphBuilder g, IReadOnlyList<string> stageLogits, IReadOnlyList<float> binYears, int binsPerStage, float offsetYears, string outputName)
    {
        if (stageLogits.Count != binYears.Count)
        {
            throw new ArgumentException($"{stageLogits.Count} stages but {binYears.Count} bin widths");
        }

        var probabilities = new List<string>();
        var column = new float[stageLogits.Count * binsPerStage];
        for (var k = 0; k < stageLogits.Count; k++)
        {
            probabilities.Add(g.Node("Softmax", [stageLogits[k]], $"age.stage{k + 1}.p", Int("axis", 1)));
            for (var i = 0; i < binsPerStage; i++)
            {
                column[(k * binsPerStage) + i] = i * binYears[k];
            }
        }

        var joined = g.Node("Concat", probabilities, "age.stages", Int("axis", 1));
        var values = g.Initializer("age.bin_years", column, column.Length, 1);
        var years = g.Node("MatMul", [joined, values], "age.expected");
        var offset = g.Initializer("age.offset", [offsetYears], 1);
        g.NodeTo("Add", [years, offset], outputName);
        return outputName;
    }
}
