using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Decides, on the float graph, which nodes run in int8 under ONNX Runtime's QDQ fusions and so which tensors need a
/// QuantizeLinear → DequantizeLinear pair:
/// <list type="bullet">
/// <item>Conv, Gemm, MatMul with constant weights (QLinearConv, QGemm, QLinearMatMul), Add of two activations
/// (QLinearAdd), Concat (QLinearConcat), GlobalAveragePool and AveragePool: their float inputs and their output.</item>
/// <item>A Relu or constant Clip that alone follows such a node is folded into its output range: the pair goes after the
/// activation, whose range then starts at its lower bound, and ORT removes the activation.</item>
/// <item>MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze after a quantized tensor: ORT runs them on int8 data only
/// when the pairs before and after them have the same scale and zero point, so their output borrows the input's.</item>
/// </list>
/// Everything else (PRelu, Sigmoid, ReduceMean, …) stays float between a dequantize and the next quantize.
/// </summary>
internal static class QdqPlanner
{
    private static readonly HashSet<string> OwnRangeOps = new(StringComparer.Ordinal) { "Add", "Concat", "GlobalAveragePool", "AveragePool" };
    private static readonly HashSet<string> SharedRangeOps = new(StringComparer.Ordinal) { "MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze" };

    /// <summary>Ops that move data without computing on it, and the cheap tail of a classifier or regressor after its last weighted layer.</summary>
    private static readonly HashSet<string> HeadTailOps = new(StringComparer.Ordinal)
    {
        "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Concat", "Sigmoid", "Softmax", "LogSoftmax", "Tanh", "Relu", "Clip",
    };

    /// <summary>Element-wise ops that belong to a head's tail when their other operand is a constant (a bias, a scale).</summary>
    private static readonly HashSet<string> ConstantOperandOps = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div" };

    public static QdqPlan Plan(GraphIndex index, IReadOnlyDictionary<string, TensorInfo> types, QuantizationOptions options)
    {
        var plan = new QdqPlan();
        var keep = options.KeepFloat.ToHashSet(StringComparer.Ordinal);
        bool Kept(NodeProto n) => keep.Contains(n.Name) || keep.Contains(n.OpType);
        bool Activation(string t) => t.Length > 0 && !index.IsInitializer(t) && types.TryGetValue(t, out var info) && info.IsFloat;

        foreach (var node in index.Graph.Node.Where(n => n.Domain is ("" or "ai.onnx") && !Kept(n)))
        {
            var weightAxis = WeightAxis(node, index);
            var weighted = weightAxis is not null && Activation(node.Input[0]) && !index.IsConstant(node.Input[0]);
            if (!weighted && !(OwnRangeOps.Contains(node.OpType) && node.Output.Count == 1 && node.Input.Count > 0 && node.Input.All(Activation)
                && (node.OpType != "Add" || (node.Input.Count == 2 && !node.Input.Any(index.IsConstant)))))
            {
                continue;
            }

            var output = EffectiveOutput(node, index, keep, out var clamp, out var folded);
            if (options.KeepOutputHeadsFloat && ReachesGraphOutput(output, index))
            {
                // No fused int8 kernel without a quantized output; a large weighted head still stores its weights as int8.
                if (weighted && TensorProtoData.ByteSize(index.Initializers[node.Input[1]]) >= options.MinHeadWeightBytes)
                {
                    plan.Weighted.Add(new WeightedNode(node, weightAxis!.Value, WeightOnly: true));
                    plan.WeightOnlyNodes.Add(node);
                }

                continue;
            }

            if (weighted)
            {
                plan.Weighted.Add(new WeightedNode(node, weightAxis!.Value, WeightOnly: false));
            }

            plan.QuantizedNodes.Add(node);
            if (folded is not null)
            {
                plan.QuantizedNodes.Add(folded);
            }

            foreach (var input in weighted ? [node.Input[0]] : node.Input.ToArray())
            {
                plan.Add(input);
            }

            plan.Add(output).Clamp = clamp;
        }

        // Float Conv/Gemm nodes and weight-only heads read activations before their pair (see QdqPlan.FloatReaders).
        var planned = plan.Weighted.Where(w => !w.WeightOnly).Select(w => w.Node).ToHashSet();
        foreach (var node in index.Graph.Node.Where(n => (n.OpType is "Conv" or "ConvTranspose" or "Gemm" && !planned.Contains(n))
            || plan.Weighted.Any(w => w.WeightOnly && w.Node == n)))
        {
            plan.FloatReaders.Add(node);
        }

        // Graph order is topological, so a chain of layout ops after a quantized tensor is followed in one pass.
        foreach (var node in index.Graph.Node.Where(n => SharedRangeOps.Contains(n.OpType) && n.Domain is ("" or "ai.onnx") && !Kept(n)))
        {
            var input = node.Input[0];
            var output = node.Output[0];
            if (node.Output.Count != 1 || !plan.Tensors.ContainsKey(input) || !Activation(output)
                || (options.KeepOutputHeadsFloat && ReachesGraphOutput(output, index)))
            {
                continue;
            }

            plan.QuantizedNodes.Add(node);
            var shared = plan.Add(output);
            shared.ShareWith = input;
            shared.Clamp = null;
        }

        // A tensor with a float reader besides its QuantizeLinear keeps its producer (and the op a folded activation
        // follows) from fusing: ORT fuses an op with its Q only when the Q is the op's sole reader. Count them as float;
        // except Gemm, which ORT also fuses without a Q (QGemm with a float output).
        foreach (var tensor in plan.Tensors.Keys.Where(t => index.Consumers(t).Any(plan.FloatReaders.Contains)))
        {
            if (index.Producer(tensor) is { } producer && plan.QuantizedNodes.Remove(producer)
                && producer.OpType is "Relu" or "Clip" && index.Producer(producer.Input[0]) is { OpType: not "Gemm" } before)
            {
                plan.QuantizedNodes.Remove(before);
            }
        }

        return plan;
    }

    /// <summary>The weight's output-channel axis when <paramref name="node"/> is a Conv/Gemm/MatMul with a constant float weight the int8 kernels take.</summary>
    private static int? WeightAxis(NodeProto node, GraphIndex index)
    {
        if (node.Input.Count < 2 || !index.Initializers.TryGetValue(node.Input[1], out var weight) || weight.DataType != TensorProtoData.Float)
        {
            return null;
        }

        var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
        TensorProto? biasTensor = null;
        if (bias is not null && (!index.Initializers.TryGetValue(bias, out biasTensor) || biasTensor.DataType != TensorProtoData.Float))
        {
            // A computed bias cannot become the int32 constant the fused kernels need.
            return null;
        }

        switch (node.OpType)
        {
            case "Conv" when weight.Dims.Count >= 3:
                return biasTensor is null || TensorProtoData.ElementCount(biasTensor) == weight.Dims[0] ? 0 : null;
            case "MatMul" when weight.Dims.Count == 2:
                return 1;
            case "Gemm" when weight.Dims.Count == 2:
                var transB = GraphIndex.IntAttribute(node, "transB", 0) != 0;
                var n = transB ? weight.Dims[0] : weight.Dims[1];

                // QGemm adds an int32 bias of one value per output column only, and only with beta 1.
                if (biasTensor is not null && (biasTensor.Dims.Count != 1 || biasTensor.Dims[0] != n || GraphIndex.FloatAttribute(node, "beta", 1f) != 1f))
                {
                    return null;
                }

                return transB ? 0 : 1;
            default:
                return null;
        }
    }

    /// <summary>The node's output, or that of a Relu/constant Clip that alone follows it (folded into the quantized range).</summary>
    private static string EffectiveOutput(NodeProto node, GraphIndex index, HashSet<string> keep, out (float, float)? clamp, out NodeProto? folded)
    {
        clamp = null;
        folded = null;
        var output = node.Output[0];
        if (index.SoleConsumer(output) is not { } next || keep.Contains(next.Name) || keep.Contains(next.OpType))
        {
            return output;
        }

        if (next.OpType == "Relu")
        {
            clamp = (0f, float.PositiveInfinity);
        }
        else if (next.OpType == "Clip" && ClipBounds(next, index) is { } bounds)
        {
            clamp = bounds;
        }
        else
        {
            return output;
        }

        folded = next;
        return next.Output[0];
    }

    private static (float, float)? ClipBounds(NodeProto clip, GraphIndex index)
    {
        float? Bound(int i, float fallback) =>
            clip.Input.Count <= i || clip.Input[i].Length == 0 ? fallback
            : index.Initializers.TryGetValue(clip.Input[i], out var t) && t.DataType == TensorProtoData.Float && TensorProtoData.ElementCount(t) == 1
                ? TensorProtoData.ReadFloats(t)[0]
                : null;
        return Bound(1, float.NegativeInfinity) is { } lo && Bound(2, float.PositiveInfinity) is { } hi ? (lo, hi) : null;
    }

    /// <summary>
    /// Whether <paramref name="tensor"/> is a graph output or becomes one through layout ops and a head's cheap tail only
    /// (bias add, sigmoid, softmax, …): the last weighted layer of an output head.
    /// </summary>
    private static bool ReachesGraphOutput(string tensor, GraphIndex index)
    {
        var pending = new Stack<string>([tensor]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var t))
        {
            if (!seen.Add(t))
            {
                continue;
            }

            if (index.GraphOutputs.Contains(t))
            {
                return true;
            }

            foreach (var consumer in index.Consumers(t).Where(c => HeadTailOps.Contains(c.OpType)
                || (ConstantOperandOps.Contains(c.OpType) && c.Input.Count == 2 && c.Input.Count(index.IsConstant) == 1)))
            {
                foreach (var o in consumer.Output)
                {
                    pending.Push(o);
                }
            }
        }

        return false;
    }
}
