using FaceAttr.Onnx.Writing;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Rewrites the prepared float graph into QDQ form following a <see cref="QdqPlan"/>: int8 weights behind
/// DequantizeLinear (per channel with <c>axis</c>), int32 biases, and a QuantizeLinear → DequantizeLinear pair after every
/// planned activation, with every reader of that activation reading the dequantized value. Nodes keep graph order (Q/DQ
/// right after the producer), so the result stays topologically sorted as the ONNX checker requires.
/// </summary>
internal sealed class QdqGraphWriter
{
    private readonly GraphProto _graph;
    private readonly GraphIndex _index;
    private readonly QdqPlan _plan;
    private readonly QuantizationOptions _options;
    private readonly HashSet<string> _names;
    private readonly Dictionary<string, ActivationQuantization> _activations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Scale, string ZeroPoint)> _activationInitializers = new(StringComparer.Ordinal);

    private QdqGraphWriter(ModelProto model, GraphIndex index, QdqPlan plan, IReadOnlyDictionary<string, (float Lo, float Hi)> ranges, QuantizationOptions options)
    {
        _graph = model.Graph;
        _index = index;
        _plan = plan;
        _options = options;
        _names = _graph.Node.SelectMany(n => n.Input.Concat(n.Output).Append(n.Name))
            .Concat(_graph.Initializer.Select(t => t.Name))
            .Concat(_graph.Input.Select(i => i.Name))
            .Concat(_graph.Output.Select(o => o.Name))
            .Concat(_graph.ValueInfo.Select(v => v.Name))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in plan.Tensors.Keys)
        {
            var root = plan.Root(tensor);
            var range = ranges.TryGetValue(root, out var r) ? r : (0f, 0f);
            _activations[tensor] = ActivationQuantization.FromRange(range.Item1, range.Item2, plan.Tensors[root].Clamp);
        }
    }

    /// <summary>Rewrites <paramref name="model"/> in place; <paramref name="index"/> must describe its graph as planned.</summary>
    public static void Write(ModelProto model, GraphIndex index, QdqPlan plan, IReadOnlyDictionary<string, (float Lo, float Hi)> ranges, QuantizationOptions options) =>
        new QdqGraphWriter(model, index, plan, ranges, options).Write();

    private void Write()
    {
        var original = _graph.Node.ToList();
        var nodes = new List<NodeProto>(original.Count * 3);
        foreach (var weighted in _plan.Weighted)
        {
            QuantizeWeights(weighted, nodes);
        }

        foreach (var input in _index.GraphInputs.Where(_plan.Tensors.ContainsKey))
        {
            AddPair(input, nodes);
        }

        foreach (var node in original)
        {
            nodes.Add(node);
            foreach (var output in node.Output.Where(_plan.Tensors.ContainsKey).ToList())
            {
                AddPair(output, nodes);
            }
        }

        _graph.Node.Clear();
        _graph.Node.AddRange(nodes);
        FloatGraphFolds.RemoveUnusedInitializers(_graph);
    }

    private void QuantizeWeights(WeightedNode weighted, List<NodeProto> nodes)
    {
        var node = weighted.Node;
        var weight = _index.Initializers[weighted.Weight];
        var values = TensorProtoData.ReadFloats(weight);
        var channels = _options.PerChannel ? (int)weight.Dims[weighted.Axis] : 1;
        float[]? bias = weighted.Bias is { } b && !weighted.WeightOnly ? TensorProtoData.ReadFloats(_index.Initializers[b]) : null;
        var inputScale = weighted.WeightOnly ? 0f : _activations[weighted.Activation].Scale;
        var minScales = bias is null ? null : WeightQuantization.MinScalesForBias(bias, inputScale, channels);
        var quantized = WeightQuantization.Quantize(values, weight.Dims, weighted.Axis, _options.PerChannel, _options.ReduceRange, minScales);

        long[] paramDims = _options.PerChannel ? [channels] : [];
        var q = Initializer(TensorProtoData.SBytes(Unique($"{Short(weight.Name)}_quantized"), quantized.Values, [.. weight.Dims]));
        var scale = Initializer(TensorProtoData.Floats(Unique($"{Short(weight.Name)}_scale"), quantized.Scales, paramDims));
        var zero = Initializer(TensorProtoData.SBytes(Unique($"{Short(weight.Name)}_zero_point"), new sbyte[channels], paramDims));
        node.Input[1] = Dequantize(q, scale, zero, _options.PerChannel ? weighted.Axis : null, $"{Short(weight.Name)}_dequantized", nodes);

        if (bias is null)
        {
            return;
        }

        // The fused kernels (QLinearConv, QGemm) take the bias only as int32 on the accumulator's scale, input scale ×
        // weight scale: ORT fuses DQ(x), DQ(w), DQ(b) → op → Q when every input comes from a DequantizeLinear and the bias's
        // is int32. A float bias would leave the Conv unfused, running in float on dequantized tensors.
        var biasScales = quantized.Scales.Select(s => inputScale * s).ToArray();
        var biasQ = Initializer(TensorProtoData.Int32s(Unique($"{Short(weighted.Bias!)}_quantized"),
            WeightQuantization.QuantizeBias(bias, inputScale, quantized.Scales), bias.Length));
        var biasScale = Initializer(TensorProtoData.Floats(Unique($"{Short(weighted.Bias!)}_scale"), biasScales, paramDims));
        var biasZero = Initializer(TensorProtoData.Int32s(Unique($"{Short(weighted.Bias!)}_zero_point"), new int[channels], paramDims));
        node.Input[2] = Dequantize(biasQ, biasScale, biasZero, _options.PerChannel ? 0 : null, $"{Short(weighted.Bias!)}_dequantized", nodes);
    }

    /// <summary>Adds Q → DQ after <paramref name="tensor"/>; its readers read the dequantized value from then on.</summary>
    private void AddPair(string tensor, List<NodeProto> nodes)
    {
        var root = _plan.Root(tensor);
        if (!_activationInitializers.TryGetValue(root, out var names))
        {
            var p = _activations[root];
            names = (Initializer(TensorProtoData.Floats(Unique($"{Short(root)}_scale"), [p.Scale])),
                Initializer(TensorProtoData.Bytes(Unique($"{Short(root)}_zero_point"), [p.ZeroPoint])));
            _activationInitializers[root] = names;
        }

        var quantized = Unique($"{Short(tensor)}_quantized");
        if (_index.GraphOutputs.Contains(tensor))
        {
            // A graph output keeps its name, now on the DequantizeLinear, so that the producer's output feeds only the
            // QuantizeLinear: ORT fuses an op with its Q only when nothing else reads the op's output.
            var floatName = Unique($"{Short(tensor)}_float");
            var producer = _index.Producer(tensor)!;
            producer.Output[producer.Output.IndexOf(tensor)] = floatName;
            nodes.Add(Node("QuantizeLinear", [floatName, names.Scale, names.ZeroPoint], quantized, $"{Short(tensor)}_QuantizeLinear"));
            nodes.Add(Node("DequantizeLinear", [quantized, names.Scale, names.ZeroPoint], tensor, $"{Short(tensor)}_DequantizeLinear"));
            return;
        }

        var readers = _index.Consumers(tensor);
        nodes.Add(Node("QuantizeLinear", [tensor, names.Scale, names.ZeroPoint], quantized, $"{Short(tensor)}_QuantizeLinear"));
        var dequantized = Dequantize(quantized, names.Scale, names.ZeroPoint, null, $"{Short(tensor)}_dequantized", nodes);
        foreach (var reader in readers.Where(r => !_plan.FloatReaders.Contains(r)))
        {
            for (var i = 0; i < reader.Input.Count; i++)
            {
                if (reader.Input[i] == tensor)
                {
                    reader.Input[i] = dequantized;
                }
            }
        }
    }

    private string Dequantize(string input, string scale, string zeroPoint, int? axis, string outputHint, List<NodeProto> nodes)
    {
        var output = Unique(outputHint);
        var node = Node("DequantizeLinear", [input, scale, zeroPoint], output, $"{output}/DequantizeLinear");
        if (axis is { } a)
        {
            node.Attribute.Add(OnnxAttributes.Int("axis", a));
        }

        nodes.Add(node);
        return output;
    }

    private NodeProto Node(string opType, string[] inputs, string output, string nameHint)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(nameHint) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private string Initializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>
    /// The last two path segments of a converter's tensor name: new names are derived from it, and repeating the full
    /// <c>StatefulPartitionedCall/model_1/…</c> paths on every Q/DQ node, scale and zero point would add more bytes to a small
    /// model's file than its int8 weights save.
    /// </summary>
    private static string Short(string name)
    {
        var last = name.LastIndexOf('/');
        var previous = last > 0 ? name.LastIndexOf('/', last - 1) : -1;
        return previous >= 0 ? name[(previous + 1)..] : name;
    }

    private string Unique(string hint)
    {
        if (_names.Add(hint))
        {
            return hint;
        }

        for (var i = 1; ; i++)
        {
            var candidate = $"{hint}__{i}";
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
