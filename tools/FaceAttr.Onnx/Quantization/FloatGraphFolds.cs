using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Exact float rewrites done before quantizing, so that each quantized op covers what its int8 kernel can: converters
/// often leave batch norm as a per-channel Mul and Add after the Conv (faceres), and Relu6 as Relu → Min(6) → Max(0). Left
/// alone, each of those would sit between a dequantize and a quantize in float, with a rounding at every step.
/// </summary>
internal static class FloatGraphFolds
{
    /// <summary>Folds a per-channel constant Mul or Add that alone consumes a Conv's output into the Conv's weights and bias.</summary>
    /// <returns>How many Mul/Add nodes were folded away.</returns>
    public static int FoldChannelAffineIntoConv(GraphProto graph)
    {
        var folded = 0;
        while (TryFoldOne(graph))
        {
            folded++;
        }

        return folded;
    }

    /// <summary>Merges chains of Relu, constant Clip, and Min/Max with a constant scalar into one Clip.</summary>
    /// <returns>How many nodes were merged away.</returns>
    public static int MergeClampChains(GraphProto graph)
    {
        var merged = 0;
        while (TryMergeOne(graph))
        {
            merged++;
        }

        return merged;
    }

    /// <summary>Drops initializers no node reads and no graph output names.</summary>
    public static void RemoveUnusedInitializers(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer.Where(t => !used.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(tensor);
            if (graph.Input.FirstOrDefault(i => i.Name == tensor.Name) is { } input)
            {
                graph.Input.Remove(input);
            }
        }
    }

    private static bool TryFoldOne(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv" && n.Input.Count >= 2))
        {
            if (!index.Initializers.TryGetValue(conv.Input[1], out var weight) || weight.DataType != TensorProtoData.Float || weight.Dims.Count < 3)
            {
                continue;
            }

            var y = conv.Output[0];
            if (index.SoleConsumer(y) is not { OpType: "Mul" or "Add" } next || next.Input.Count != 2 || next.Input[0] == next.Input[1])
            {
                continue;
            }

            var other = next.Input[0] == y ? next.Input[1] : next.Input[0];
            if (!index.Initializers.TryGetValue(other, out var constant) || constant.DataType != TensorProtoData.Float
                || PerChannel(constant, (int)weight.Dims[0], weight.Dims.Count) is not { } k)
            {
                continue;
            }

            var channels = (int)weight.Dims[0];
            float[] bias = conv.Input.Count > 2 && conv.Input[2].Length > 0
                ? TensorProtoData.ReadFloats(index.Initializers[conv.Input[2]])
                : new float[channels];
            if (next.OpType == "Mul")
            {
                var w = TensorProtoData.ReadFloats(weight);
                var perChannel = w.Length / channels;
                for (var m = 0; m < channels; m++)
                {
                    for (var j = 0; j < perChannel; j++)
                    {
                        w[(m * perChannel) + j] *= k[m];
                    }

                    bias[m] *= k[m];
                }

                conv.Input[1] = Replace(graph, index, conv.Input[1], TensorProtoData.Floats($"{next.Output[0]}/weights", w, [.. weight.Dims]));
            }
            else
            {
                for (var m = 0; m < channels; m++)
                {
                    bias[m] += k[m];
                }
            }

            var biasTensor = TensorProtoData.Floats($"{next.Output[0]}/bias", bias, channels);
            if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
            {
                conv.Input[2] = Replace(graph, index, conv.Input[2], biasTensor);
            }
            else
            {
                graph.Initializer.Add(biasTensor);
                while (conv.Input.Count < 3)
                {
                    conv.Input.Add(string.Empty);
                }

                conv.Input[2] = biasTensor.Name;
            }

            conv.Output[0] = next.Output[0];
            graph.Node.Remove(next);
            return true;
        }

        return false;
    }

    /// <summary>Adds <paramref name="replacement"/> and drops the old initializer when nothing else reads it.</summary>
    private static string Replace(GraphProto graph, GraphIndex index, string old, TensorProto replacement)
    {
        if (index.Consumers(old).Count == 1 && !index.GraphOutputs.Contains(old))
        {
            graph.Initializer.Remove(index.Initializers[old]);
        }

        if (graph.Initializer.Any(t => t.Name == replacement.Name))
        {
            replacement.Name += "__folded";
        }

        graph.Initializer.Add(replacement);
        return replacement.Name;
    }

    /// <summary>The constant as one value per output channel of a Conv whose output has <paramref name="rank"/> dims, or null.</summary>
    private static float[]? PerChannel(TensorProto constant, int channels, int rank)
    {
        var dims = constant.Dims;
        if (dims.Count > rank)
        {
            return null;
        }

        for (var i = 0; i < dims.Count; i++)
        {
            var axis = rank - dims.Count + i;
            if (dims[i] != 1 && !(axis == 1 && dims[i] == channels))
            {
                return null;
            }
        }

        var values = TensorProtoData.ReadFloats(constant);
        return values.Length == 1 ? Enumerable.Repeat(values[0], channels).ToArray() : values.Length == channels ? values : null;
    }

    private static bool TryMergeOne(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        foreach (var first in graph.Node)
        {
            if (Clamp(first, index) is not { } a)
            {
                continue;
            }

            var y = first.Output[0];
            if (index.SoleConsumer(y) is not { } second || Clamp(second, index) is not { } b || b.Data != y)
            {
                continue;
            }

            var lo = Math.Clamp(a.Lo, b.Lo, b.Hi);
            var hi = Math.Clamp(a.Hi, b.Lo, b.Hi);
            var output = second.Output[0];
            var clip = new NodeProto { OpType = "Clip", Name = $"{output}/Clip" };
            clip.Input.Add(a.Data);
            clip.Input.Add(float.IsNegativeInfinity(lo) ? string.Empty : AddScalar(graph, $"{output}/clip_min", lo));
            if (!float.IsPositiveInfinity(hi))
            {
                clip.Input.Add(AddScalar(graph, $"{output}/clip_max", hi));
            }

            clip.Output.Add(output);
            var at = graph.Node.IndexOf(first);
            graph.Node.Remove(second);
            graph.Node[at] = clip;
            return true;
        }

        return false;
    }

    private static string AddScalar(GraphProto graph, string name, float value)
    {
        graph.Initializer.Add(TensorProtoData.Floats(name, [value]));
        return name;
    }

    /// <summary>The node as a clamp of its data input to [Lo, Hi], or null when it is not one with constant bounds.</summary>
    private static (string Data, float Lo, float Hi)? Clamp(NodeProto node, GraphIndex index)
    {
        switch (node.OpType)
        {
            case "Relu" when node.Input.Count == 1:
                return (node.Input[0], 0f, float.PositiveInfinity);
            case "Clip" when node.Input.Count >= 1:
                var lo = node.Input.Count > 1 && node.Input[1].Length > 0 ? Scalar(node.Input[1], index) : float.NegativeInfinity;
                var hi = node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node.Input[2], index) : float.PositiveInfinity;
                return lo is { } l && hi is { } h && l <= h ? (node.Input[0], l, h) : null;
            case "Min" or "Max" when node.Input.Count == 2:
                var (data, bound) = Scalar(node.Input[1], index) is { } c1 ? (node.Input[0], c1)
                    : Scalar(node.Input[0], index) is { } c0 ? (node.Input[1], c0)
                    : (null, 0f);
                if (data is null || index.IsConstant(data))
                {
                    return null;
                }

                return node.OpType == "Min" ? (data, float.NegativeInfinity, bound) : (data, bound, float.PositiveInfinity);
            default:
                return null;
        }
    }

    private static float? Scalar(string name, GraphIndex index) =>
        index.Initializers.TryGetValue(name, out var t) && t.DataType == TensorProtoData.Float && t.Dims.Count <= 1
        && TensorProtoData.ElementCount(t) == 1
            ? TensorProtoData.ReadFloats(t)[0]
            : null;
}
