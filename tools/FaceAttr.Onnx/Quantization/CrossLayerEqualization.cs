using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Cross-layer equalization (Nagel et al., "Data-Free Quantization", 2019): for a Conv whose output feeds only a 1×1-or-larger
/// ungrouped Conv, directly or through a Relu, output channel i of the first is divided by s_i and input channel i of the
/// second multiplied by s_i, with s_i = √(r1_i / r2_i) (r1_i, r2_i the largest |weight| of that channel in each). Exact in
/// float, since Relu(x / s) = Relu(x) / s for s &gt; 0.
/// <para>
/// Why: converters such as BlazeFace's leave depthwise convolutions un-normalised (the batch norm went into the next 1×1
/// conv), so a few of their output channels span hundreds while the rest span units, and one uint8 scale for the tensor
/// then leaves those few a handful of levels for everything else. Equalizing the weights evens out the channels.
/// </para>
/// </summary>
internal static class CrossLayerEqualization
{
    /// <summary>Scales are kept within this factor of 1 so that no channel's weights end up in float's denormals.</summary>
    private const float MaxScale = 1e4f;

    /// <summary>Equalizes every such pair of <paramref name="graph"/> in place; returns how many pairs.</summary>
    public static int Apply(GraphProto graph)
    {
        var pairs = 0;
        var index = new GraphIndex(graph);
        foreach (var first in graph.Node.Where(n => n.OpType == "Conv").ToList())
        {
            if (Weight(first, index) is not { } w1 || index.SoleConsumer(first.Output[0]) is not { } next)
            {
                continue;
            }

            var second = next.OpType == "Relu" ? index.SoleConsumer(next.Output[0]) : next;
            if (second is not { OpType: "Conv" } || second.Input[0] != (next == second ? first.Output[0] : next.Output[0])
                || GraphIndex.IntAttribute(second, "group", 1) != 1 || Weight(second, index) is not { } w2
                || w2.Dims[1] != w1.Dims[0] || index.Consumers(first.Input[1]).Count != 1 || index.Consumers(second.Input[1]).Count != 1)
            {
                continue;
            }

            Equalize(graph, index, first, w1, second, w2);
            pairs++;
        }

        return pairs;
    }

    private static void Equalize(GraphProto graph, GraphIndex index, NodeProto first, TensorProto w1, NodeProto second, TensorProto w2)
    {
        var channels = (int)w1.Dims[0];
        var outputs = (int)w2.Dims[0];
        var a = TensorProtoData.ReadFloats(w1);
        var b = TensorProtoData.ReadFloats(w2);
        var perOutput1 = a.Length / channels;
        var kernel2 = b.Length / (outputs * channels);
        var scales = new float[channels];
        for (var i = 0; i < channels; i++)
        {
            var r1 = 0f;
            for (var j = 0; j < perOutput1; j++)
            {
                r1 = MathF.Max(r1, MathF.Abs(a[(i * perOutput1) + j]));
            }

            var r2 = 0f;
            for (var o = 0; o < outputs; o++)
            {
                for (var k = 0; k < kernel2; k++)
                {
                    r2 = MathF.Max(r2, MathF.Abs(b[(((o * channels) + i) * kernel2) + k]));
                }
            }

            scales[i] = r1 > 0 && r2 > 0 ? Math.Clamp(MathF.Sqrt(r1 / r2), 1 / MaxScale, MaxScale) : 1f;
        }

        for (var i = 0; i < channels; i++)
        {
            for (var j = 0; j < perOutput1; j++)
            {
                a[(i * perOutput1) + j] /= scales[i];
            }

            for (var o = 0; o < outputs; o++)
            {
                for (var k = 0; k < kernel2; k++)
                {
                    b[(((o * channels) + i) * kernel2) + k] *= scales[i];
                }
            }
        }

        Replace(graph, w1, a);
        Replace(graph, w2, b);
        if (first.Input.Count > 2 && first.Input[2].Length > 0 && index.Initializers.TryGetValue(first.Input[2], out var bias)
            && index.Consumers(bias.Name).Count == 1)
        {
            var values = TensorProtoData.ReadFloats(bias);
            for (var i = 0; i < values.Length && i < channels; i++)
            {
                values[i] /= scales[i];
            }

            Replace(graph, bias, values);
        }
    }

    private static TensorProto? Weight(NodeProto conv, GraphIndex index) =>
        conv.Input.Count >= 2 && index.Initializers.TryGetValue(conv.Input[1], out var w) && w.DataType == TensorProtoData.Float && w.Dims.Count >= 3
            && (conv.Input.Count < 3 || conv.Input[2].Length == 0 || index.IsInitializer(conv.Input[2]))
            ? w
            : null;

    private static void Replace(GraphProto graph, TensorProto old, float[] values)
    {
        var replacement = TensorProtoData.Floats(old.Name, values, [.. old.Dims]);
        graph.Initializer[graph.Initializer.IndexOf(old)] = replacement;
    }
}
