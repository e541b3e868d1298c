using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>A node whose constant weight becomes int8 (and bias int32): Conv, Gemm or MatMul.</summary>
/// <param name="Node">The node.</param>
/// <param name="Axis">The weight's output-channel axis (one scale per index along it when per-channel).</param>
/// <param name="WeightOnly">
/// Only the weight is stored as int8 (the output stays float, see <see cref="QuantizationOptions.KeepOutputHeadsFloat"/>):
/// the input gets no pair of its own and the bias stays float.
/// </param>
internal sealed record WeightedNode(NodeProto Node, int Axis, bool WeightOnly)
{
    public string Activation => Node.Input[0];

    public string Weight => Node.Input[1];

    public string? Bias => Node.Input.Count > 2 && Node.Input[2].Length > 0 ? Node.Input[2] : null;
}

/// <summary>One float tensor that gets a QuantizeLinear → DequantizeLinear pair.</summary>
internal sealed class PlannedTensor(string name)
{
    public string Name { get; } = name;

    /// <summary>The tensor whose scale and zero point this one must reuse (inputs of ops ORT runs in int8 only when in and out match).</summary>
    public string? ShareWith { get; set; }

    /// <summary>
    /// Bounds of the Relu/Clip between the producing op and this tensor: the quantize step makes that activation redundant
    /// (ORT drops it and fuses the op) only when the quantized range lies within these bounds.
    /// </summary>
    public (float Lo, float Hi)? Clamp { get; set; }
}

/// <summary>What <see cref="QdqPlanner"/> decided: which nodes run in int8 and which tensors get a quantize/dequantize pair.</summary>
internal sealed class QdqPlan
{
    public List<WeightedNode> Weighted { get; } = [];

    /// <summary>Nodes planned to run in int8 (a Relu/Clip folded into its producer's range included).</summary>
    public HashSet<NodeProto> QuantizedNodes { get; } = [];

    /// <summary>Weighted nodes that keep a float output and only store their weights as int8.</summary>
    public HashSet<NodeProto> WeightOnlyNodes { get; } = [];

    /// <summary><see cref="QuantizedNodes"/> by op type.</summary>
    public Dictionary<string, int> QuantizedByOpType => ByOpType(QuantizedNodes);

    /// <summary><see cref="WeightOnlyNodes"/> by op type.</summary>
    public Dictionary<string, int> WeightOnlyByOpType => ByOpType(WeightOnlyNodes);

    public Dictionary<string, PlannedTensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Nodes that read their input before its quantize/dequantize pair: Conv, ConvTranspose and Gemm nodes that stay float
    /// (ONNX Runtime quantizes the float weights of such a node itself, per tensor, whenever its input comes from a
    /// DequantizeLinear — its WeightBiasQuantization pass — which ruins depthwise convolutions and defeats keeping it
    /// float), and the weight-only heads, whose float output should not carry an 8-bit rounding of their input.
    /// </summary>
    public HashSet<NodeProto> FloatReaders { get; } = [];

    /// <summary>The tensor whose calibrated range sets <paramref name="tensor"/>'s quantization.</summary>
    public string Root(string tensor)
    {
        var current = tensor;
        for (var guard = 0; Tensors.TryGetValue(current, out var t) && t.ShareWith is { } next && guard < 10_000; guard++)
        {
            current = next;
        }

        return current;
    }

    /// <summary>Tensors whose range calibration must measure (those that do not borrow another's).</summary>
    public IEnumerable<string> CalibratedTensors => Tensors.Values.Where(t => t.ShareWith is null).Select(t => t.Name);

    public PlannedTensor Add(string name)
    {
        if (!Tensors.TryGetValue(name, out var tensor))
        {
            Tensors[name] = tensor = new PlannedTensor(name);
        }

        return tensor;
    }

    private static Dictionary<string, int> ByOpType(IEnumerable<NodeProto> nodes) =>
        nodes.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
