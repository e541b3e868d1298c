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
        return Export([net], options);
    }

    /// <summary>
    /// Builds one ONNX graph that runs every network of <paramref name="members"/> on the same input and answers with the
    /// mean of their outputs, head by head: probabilities for the softmax and sigmoid heads, years for age. One member is
    /// exactly <see cref="Export(FaceAttrNet, ExportOptions)"/>. Members must agree on everything the device sees: input
    /// size, framing and the list of binary attributes.
    /// </summary>
    /// <exception cref="UnsupportedModuleException">A module of a network has no translation.</exception>
    /// <exception cref="ArgumentException">No members.</exception>
    /// <exception cref="IncompatibleNetworksException">Members that disagree on the input contract or the heads.</exception>
    public static ExportedNetwork Export(IReadOnlyList<FaceAttrNet> members, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(options);
        RequireCompatible(members);
        var first = members[0].Options;
        var size = first.InputSize;
        var g = new OnnxGraphBuilder("faceattr_net");
        g.Input(InputName, [-1, 3, size, size]);
        var x = options.BakeNormalisation
            ? g.Normalise(InputName, InputNormalisation.Scale, InputNormalisation.Mean, InputNormalisation.Std)
            : InputName;
        if (options.FlipAverage)
        {
            x = FlipAverage.StackWithMirror(g, x);
        }

        // One member writes its heads straight into the outputs; several write their own tensors, averaged below.
        var single = members.Count == 1;
        var heads = members
            .Select((net, k) => EmitMember(g, net, options, x, head => single ? Reserve(g, head) : g.UniqueName($"member{k + 1}.{head}")))
            .ToList();
        var outputs = new List<ModelOutput>();
        void Softmax(string head, Func<MemberHeads, string> tensor, IReadOnlyList<string> labels)
        {
            MeanInto(g, head, [.. heads.Select(tensor)]);
            g.Output(head, [-1, labels.Count]);
            outputs.Add(new ModelOutput { Name = head, Kind = OutputKind.Softmax, Head = head, Labels = [.. labels], Size = labels.Count });
        }

        Softmax("gender", h => h.Gender, Taxonomy.Genders);
        MeanInto(g, "age", [.. heads.Select(h => h.Age)]);
        g.Output("age", [-1, 1]);
        outputs.Add(new ModelOutput { Name = "age", Kind = OutputKind.StagewiseAge, Head = "age", Size = 1 });
        Softmax("expression", h => h.Expression, Taxonomy.Expressions);
        Softmax("eyewear", h => h.Eyewear, Taxonomy.Eyewear);

        var attributes = first.BinaryAttributes;
        var probabilities = single ? heads[0].Attributes : g.Node("Mean", heads.Select(h => h.Attributes), "attributes.p.mean");
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
        model.MetadataProps.AddRange(Metadata(members, options, ConvWidths(model)).Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        var entry = new ModelEntry
        {
            Id = options.ModelId,
            Role = ModelRole.Attributes,
            File = $"{options.ModelId}.onnx",
            Sha256 = new string('0', 64),
            Precision = ModelPrecision.Fp32,
            Upstream = single
                ? "FaceAttr: trained with 'faceattr train' (tools/FaceAttr.Training)"
                : $"FaceAttr: the mean of {members.Count} networks trained with 'faceattr train' (tools/FaceAttr.Training)",
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
                CropScale = options.CropScale ?? first.CropScale,
                DynamicBatch = true,
            },
            Outputs = outputs,
        };
        return new ExportedNetwork(model, entry);
    }

    /// <summary>The final tensor of every head of one member: probabilities, years, and the [N, A] attribute probabilities.</summary>
    private sealed record MemberHeads(string Gender, string Age, string Expression, string Eyewear, string Attributes);

    /// <summary>
    /// Emits one network's backbone and heads on <paramref name="input"/> (normalised, and stacked with its mirror when
    /// flip averaging); <paramref name="name"/> gives the tensor name of each head's final output.
    /// </summary>
    private static MemberHeads EmitMember(OnnxGraphBuilder g, FaceAttrNet net, ExportOptions options, string input, Func<string, string> name)
    {
        var children = net.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        nn.Module Child(string child) => children.TryGetValue(child, out var m)
            ? m
            : throw new UnsupportedModuleException(child, "missing", $"FaceAttrNet has no child '{child}' (children: {string.Join(", ", children.Keys)})");

        var x = ModuleEmitter.Emit(g, "stem", Child("stem"), input, rank: 4);
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

        var map = x;
        x = ModuleEmitter.Emit(g, "gap", Child("gap"), x, rank: 4);
        x = g.Node("Flatten", [x], "gap.flat", Int("axis", 1));
        x = ModuleEmitter.Emit(g, "fc", Child("fc"), x, rank: 2);
        x = ModuleEmitter.Emit(g, "fc_act", Child("fc_act"), x, rank: 2);
        var features = ModuleEmitter.Emit(g, "dropout", Child("dropout"), x, rank: 2);
        if (options.FlipAverage)
        {
            features = FlipAverage.MeanOverMirror(g, features, net.Options.FeatureSize);
        }

        var genderInput = features;
        if (net.Options.GenderBranch is int branch)
        {
            // The private gender branch reads the pooled map as it lies: Flatten keeps NCHW order, as torch's flatten(1) does.
            var hidden = g.Node("Flatten", [map], "gender_branch.flat", Int("axis", 1));
            hidden = ModuleEmitter.Emit(g, "gender_fc", Child("gender_fc"), hidden, rank: 2);
            hidden = ModuleEmitter.Emit(g, "gender_act", Child("gender_act"), hidden, rank: 2);
            genderInput = options.FlipAverage ? FlipAverage.MeanOverMirror(g, hidden, branch) : hidden;
        }

        string Head(string module, string input) => ModuleEmitter.Emit(g, module, Child(module), input, rank: 2);
        string Softmax(string head, string module, string input)
        {
            var output = name(head);
            g.NodeTo("Softmax", [Head(module, input)], output, Int("axis", 1));
            return output;
        }

        var gender = Softmax("gender", "head_gender", genderInput);
        string[] stages = [Head("head_age1", features), Head("head_age2", features), Head("head_age3", features)];
        var binYears = Enumerable.Range(0, AgeStages.Stages).Select(AgeStages.BinYears).ToArray();
        var age = g.StagewiseAge(stages, binYears, AgeStages.Bins, AgeStages.BinYears(AgeStages.Stages - 1) / 2f, name("age"));
        var expression = Softmax("expression", "head_expression", features);
        var eyewear = Softmax("eyewear", "head_eyewear", features);
        var attributes = g.Node("Sigmoid", [Head("head_attributes", features)], "attributes.p");
        return new MemberHeads(gender, age, expression, eyewear, attributes);
    }

    /// <summary>Writes the mean of <paramref name="tensors"/> into the output <paramref name="head"/>; a single network already wrote it there.</summary>
    private static void MeanInto(OnnxGraphBuilder g, string head, IReadOnlyList<string> tensors)
    {
        if (tensors.Count > 1)
        {
            g.NodeTo("Mean", tensors, Reserve(g, head));
        }
    }

    private static void RequireCompatible(IReadOnlyList<FaceAttrNet> members)
    {
        if (members.Count == 0)
        {
            throw new ArgumentException("no network to export", nameof(members));
        }

        var first = members[0].Options;
        for (var k = 1; k < members.Count; k++)
        {
            var o = members[k].Options;
            string? difference = o.InputSize != first.InputSize ? $"input size {o.InputSize} against {first.InputSize}"
                : o.CropScale != first.CropScale
                    ? string.Create(CultureInfo.InvariantCulture, $"crop scale {o.CropScale} against {first.CropScale}")
                : !o.BinaryAttributes.SequenceEqual(first.BinaryAttributes, StringComparer.Ordinal)
                    ? $"attributes [{string.Join(", ", o.BinaryAttributes)}] against [{string.Join(", ", first.BinaryAttributes)}]"
                : null;
            if (difference is not null)
            {
                throw new IncompatibleNetworksException($"network {k + 1} cannot be averaged with network 1: {difference} (every network must see the same face crop and answer the same heads)");
            }
        }
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

    private static IEnumerable<KeyValuePair<string, string>> Metadata(IReadOnlyList<FaceAttrNet> members, ExportOptions options, IEnumerable<long> convWidths)
    {
        var o = members[0].Options;
        yield return new("faceattr.network", "FaceAttrNet");
        yield return new("faceattr.widths", string.Join(",", convWidths));
        yield return new("faceattr.input_size", o.InputSize.ToString(CultureInfo.InvariantCulture));
        yield return new("faceattr.activation", string.Join(",", members.Select(m => m.Options.Activation).Distinct()));
        yield return new("faceattr.normalisation", options.BakeNormalisation ? "baked: input is raw 0-255 RGB" : "manifest: (x/255 - 0.5)/0.5");
        yield return new("faceattr.flip_average", options.FlipAverage ? "on: each face is averaged with its mirror image" : "off");
        yield return new("faceattr.members", members.Count == 1
            ? "1"
            : $"{members.Count.ToString(CultureInfo.InvariantCulture)}: every output is the mean of the networks' outputs (the widths list all of them)");
        yield return new("faceattr.taxonomy_version", Taxonomy.Version.ToString(CultureInfo.InvariantCulture));
    }
}
