using System.Globalization;
using FaceAttr.Core;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Export;
using FaceAttr.Onnx.Writing;
using FaceAttr.Training.Network;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Training.Export;

/// <summary>The exported graph and the manifest entry that describes it (sha256 still empty until the file is written).</summary>
/// <param name="Model">The ONNX model (IR 8, opset 17).</param>
/// <param name="Entry">The manifest entry: input contract, one output per head.</param>
public sealed record ExportedNetwork(ModelProto Model, ModelEntry Entry);

/// <summary>
/// Translates a trained <see cref="FaceAttrNet"/> into ONNX in its eval-mode semantics: every conv block's batch norm
/// folded into its convolution, PReLU/ReLU, max-pooling, global average pooling, the shared layer and one output per head
/// the runtime reads — gender and expression and eyewear as softmax probabilities, age decoded stagewise to years, each
/// binary attribute as its own sigmoid. The coarse expression head only guides training and is not exported.
/// Input <c>[N, 3, S, S]</c> RGB with a dynamic batch; raw 0–255 when the normalisation is baked in.
/// </summary>
public static class FaceAttrNetExporter
{
    /// <summary>Name of the graph input.</summary>
    public const string InputName = "image";

    /// <summary>Builds the ONNX graph and manifest entry of <paramref name="net"/>.</summary>
    /// <exception cref="UnsupportedModuleException">A module of the network has no translation.</exception>
    public static ExportedNetwork Export(FaceAttrNet net, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(options);
        var children = net.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        nn.Module Child(string name) => children.TryGetValue(name, out var m)
            ? m
            : throw new UnsupportedModuleException(name, "missing", $"FaceAttrNet has no child '{name}' (children: {string.Join(", ", children.Keys)})");

        var size = net.Options.InputSize;
        var g = new OnnxGraphBuilder("faceattr_net");
        g.Input(InputName, [-1, 3, size, size]);
        var x = options.BakeNormalisation
            ? g.Normalise(InputName, InputNormalisation.Scale, InputNormalisation.Mean, InputNormalisation.Std)
            : InputName;
        if (options.FlipAverage)
        {
            x = FlipAverage.StackWithMirror(g, x);
        }

        x = ModuleEmitter.Emit(g, "stem", Child("stem"), x, rank: 4);
        var blocks = Child("blocks").named_children().ToList();
        if (blocks.Count % 2 != 0)
        {
            throw new UnsupportedModuleException("blocks", "ModuleList", $"expected pairs of conv blocks per stage, found {blocks.Count}");
        }

        var pool = Child("pool");
        for (var i = 0; i < blocks.Count; i += 2)
        {
            x = ModuleEmitter.Emit(g, $"blocks.{blocks[i].name}", blocks[i].module, x, rank: 4);
            var path = $"blocks.{blocks[i + 1].name}";
            var poolPath = $"pool{(i / 2) + 1}";
            if (blocks[i + 1].module is ConvBnAct last && ModuleEmitter.IsMonotone(ModuleEmitter.Activation(path, last)))
            {
                // Pool first, then activate: exact for a monotone activation, 4× fewer activations to compute, and the
                // max-pool reads the convolution's output directly, so an int8 graph keeps it in int8 (ONNX Runtime has
                // no int8 PReLU, which would otherwise sit between the convolution and the pool in float).
                x = ModuleEmitter.ConvBn(g, path, last, x, rank: 4);
                x = ModuleEmitter.Emit(g, poolPath, pool, x, rank: 4);
                x = ModuleEmitter.Emit(g, $"{path}.act", ModuleEmitter.Activation(path, last), x, rank: 4);
            }
            else
            {
                x = ModuleEmitter.Emit(g, path, blocks[i + 1].module, x, rank: 4);
                x = ModuleEmitter.Emit(g, poolPath, pool, x, rank: 4);
            }
        }

        x = ModuleEmitter.Emit(g, "gap", Child("gap"), x, rank: 4);
        x = g.Node("Flatten", [x], "gap.flat", Int("axis", 1));
        x = ModuleEmitter.Emit(g, "fc", Child("fc"), x, rank: 2);
        x = ModuleEmitter.Emit(g, "fc_act", Child("fc_act"), x, rank: 2);
        var features = ModuleEmitter.Emit(g, "dropout", Child("dropout"), x, rank: 2);
        if (options.FlipAverage)
        {
            features = FlipAverage.MeanOverMirror(g, features, net.Options.FeatureSize);
        }

        var outputs = new List<ModelOutput>();
        string Head(string module) => ModuleEmitter.Emit(g, module, Child(module), features, rank: 2);

        void Softmax(string head, string module, IReadOnlyList<string> labels)
        {
            Declare(g, "Softmax", [Head(module)], head, labels.Count, Int("axis", 1));
            outputs.Add(new ModelOutput { Name = head, Kind = OutputKind.Softmax, Head = head, Labels = [.. labels], Size = labels.Count });
        }

        Softmax("gender", "head_gender", Taxonomy.Genders);

        string[] stages = [Head("head_age1"), Head("head_age2"), Head("head_age3")];
        var binYears = Enumerable.Range(0, AgeStages.Stages).Select(AgeStages.BinYears).ToArray();
        g.StagewiseAge(stages, binYears, AgeStages.Bins, AgeStages.BinYears(AgeStages.Stages - 1) / 2f, "age");
        g.Output("age", [-1, 1]);
        outputs.Add(new ModelOutput { Name = "age", Kind = OutputKind.StagewiseAge, Head = "age", Size = 1 });

        Softmax("expression", "head_expression", Taxonomy.Expressions);
        Softmax("eyewear", "head_eyewear", Taxonomy.Eyewear);

        var attributes = net.Options.BinaryAttributes;
        var probabilities = g.Node("Sigmoid", [Head("head_attributes")], "attributes.p");
        var split = g.Int64s("attributes.split", [.. Enumerable.Repeat(1L, attributes.Count)]);
        var splitNode = new NodeProto { OpType = "Split", Name = g.UniqueName("attributes/Split") };
        splitNode.Input.AddRange([probabilities, split]);
        splitNode.Attribute.Add(Int("axis", 1));
        foreach (var attribute in attributes)
        {
            splitNode.Output.Add(Reserve(g, attribute));
            g.Output(attribute, [-1, 1]);
            outputs.Add(new ModelOutput { Name = attribute, Kind = OutputKind.Sigmoid, Head = attribute, Labels = [attribute], Size = 1 });
        }

        g.AddNode(splitNode);

        var model = g.Build(typeof(FaceAttrNetExporter).Assembly.GetName().Version?.ToString() ?? "0", []);
        model.MetadataProps.AddRange(Metadata(net, options, ConvWidths(model)).Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        var entry = new ModelEntry
        {
            Id = options.ModelId,
            Role = ModelRole.Attributes,
            File = $"{options.ModelId}.onnx",
            Sha256 = new string('0', 64),
            Precision = ModelPrecision.Fp32,
            Upstream = "FaceAttr: trained with 'faceattr train' (tools/FaceAttr.Training)",
            License = options.License,
            TrainingData = options.TrainingData,
            Input = new ModelInput
            {
                Name = InputName,
                Layout = TensorLayout.Nchw,
                Width = size,
                Height = size,
                Color = ColorOrder.Rgb,
                Scale = options.BakeNormalisation ? 1f : InputNormalisation.Scale,
                Mean = options.BakeNormalisation ? [0f] : [.. InputNormalisation.Mean],
                Std = options.BakeNormalisation ? [1f] : [.. InputNormalisation.Std],
                CropScale = options.CropScale ?? net.Options.CropScale,
                DynamicBatch = true,
            },
            Outputs = outputs,
        };
        return new ExportedNetwork(model, entry);
    }

    private static void Declare(OnnxGraphBuilder g, string op, string[] inputs, string name, int size, params AttributeProto[] attributes)
    {
        g.NodeTo(op, inputs, Reserve(g, name), attributes);
        g.Output(name, [-1, size]);
    }

    private static string Reserve(OnnxGraphBuilder g, string name)
    {
        var reserved = g.UniqueName(name);
        return reserved == name
            ? name
            : throw new UnsupportedModuleException(name, "output", $"output name '{name}' collides with another tensor of the graph");
    }

    /// <summary>Output channels of every convolution, read back from the graph (so a pruned network reports its real widths).</summary>
    private static IEnumerable<long> ConvWidths(ModelProto model)
    {
        var initializers = model.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        return model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => initializers[n.Input[1]].Dims[0]);
    }

    private static IEnumerable<KeyValuePair<string, string>> Metadata(FaceAttrNet net, ExportOptions options, IEnumerable<long> convWidths)
    {
        var o = net.Options;
        yield return new("faceattr.network", "FaceAttrNet");
        yield return new("faceattr.widths", string.Join(",", convWidths));
        yield return new("faceattr.input_size", o.InputSize.ToString(CultureInfo.InvariantCulture));
        yield return new("faceattr.activation", o.Activation.ToString());
        yield return new("faceattr.normalisation", options.BakeNormalisation ? "baked: input is raw 0-255 RGB" : "manifest: (x/255 - 0.5)/0.5");
        yield return new("faceattr.flip_average", options.FlipAverage ? "on: each face is averaged with its mirror image" : "off");
        yield return new("faceattr.taxonomy_version", Taxonomy.Version.ToString(CultureInfo.InvariantCulture));
    }
}
