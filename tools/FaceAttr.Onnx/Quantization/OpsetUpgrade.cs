using FaceAttr.Onnx.Writing;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Lifts a model to the IR version and opset FaceAttr writes (<see cref="OnnxGraphBuilder.IrVersion"/>,
/// <see cref="OnnxGraphBuilder.Opset"/>). Per-channel QuantizeLinear/DequantizeLinear need opset 13; imported converters
/// such as the BlazeFace ones are opset 12. Only ops whose float behaviour is the same from opset 11 to 17 are accepted,
/// plus Squeeze/Unsqueeze (their axes move from an attribute to an input) and last-axis Softmax/LogSoftmax (13 changed the
/// meaning of any other axis); anything else is refused by name rather than silently reinterpreted.
/// </summary>
internal static class OpsetUpgrade
{
    private static readonly HashSet<string> UnchangedFrom11 = new(StringComparer.Ordinal)
    {
        "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Cast", "Ceil", "Clip", "Concat",
        "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "DepthToSpace", "Div", "Dropout", "Elu", "Equal", "Erf",
        "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements", "Gemm", "GlobalAveragePool", "GlobalMaxPool",
        "Greater", "HardSigmoid", "Identity", "InstanceNormalization", "LeakyRelu", "Less", "Log", "LRN", "MatMul", "Max",
        "MaxPool", "Mean", "Min", "Mul", "Neg", "Not", "Or", "Pad", "Pow", "PRelu", "Range", "Reciprocal", "ReduceL1",
        "ReduceL2", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare", "Relu",
        "Reshape", "Resize", "Shape", "Sigmoid", "Sign", "Slice", "Softplus", "Softsign", "SpaceToDepth", "Sqrt", "Sub",
        "Sum", "Tanh", "Tile", "Transpose", "Where",
    };

    /// <summary>Brings <paramref name="model"/> (changed in place) to IR 8 / opset 17.</summary>
    /// <exception cref="QuantizationException">The opset is below 11 or above 17, or an op's meaning changed on the way.</exception>
    public static void ToWrittenOpset(ModelProto model)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new QuantizationException("the model imports no default-domain opset");
        if (opset.Version > OnnxGraphBuilder.Opset)
        {
            throw new QuantizationException(
                $"the model is opset {opset.Version}; FaceAttr writes opset {OnnxGraphBuilder.Opset}, which the Debian ONNX checker accepts");
        }

        if (model.IrVersion > OnnxGraphBuilder.IrVersion)
        {
            throw new QuantizationException($"the model is IR version {model.IrVersion}; FaceAttr writes IR {OnnxGraphBuilder.IrVersion}");
        }

        if (opset.Version < 13)
        {
            if (opset.Version < 11)
            {
                throw new QuantizationException($"the model is opset {opset.Version}; models below opset 11 are not upgraded (convert it first)");
            }

            foreach (var node in model.Graph.Node.ToList())
            {
                Upgrade(model.Graph, node);
            }
        }

        opset.Version = OnnxGraphBuilder.Opset;
        model.IrVersion = OnnxGraphBuilder.IrVersion;
    }

    private static void Upgrade(GraphProto graph, NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx") || UnchangedFrom11.Contains(node.OpType))
        {
            return;
        }

        switch (node.OpType)
        {
            case "Squeeze" or "Unsqueeze":
                if (GraphIndex.Attribute(node, "axes") is { } axes)
                {
                    var name = $"{node.Output[0]}/axes";
                    graph.Initializer.Add(TensorProtoData.Int64s(name, axes.Ints.ToArray(), axes.Ints.Count));
                    node.Attribute.Remove(axes);
                    node.Input.Add(name);
                }

                return;
            case "Softmax" or "LogSoftmax" when GraphIndex.IntAttribute(node, "axis", 1) == -1:
                return;
            default:
                throw new QuantizationException(
                    $"node '{node.Name}' ({node.OpType}) changed meaning between the model's opset and {OnnxGraphBuilder.Opset}; it is not upgraded");
        }
    }
}
