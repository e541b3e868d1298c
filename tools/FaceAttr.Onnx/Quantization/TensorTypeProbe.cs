using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>Element type and shape of one tensor as ONNX Runtime inferred it (−1 for a dimension it does not know).</summary>
internal sealed record TensorInfo(bool IsFloat, int[] Dims);

/// <summary>
/// Asks ONNX Runtime for the type and shape of every node output: the model is loaded, unoptimised, with all of them
/// declared as graph outputs (without types, which ONNX Runtime then infers). The quantizer needs to know which tensors are
/// float activations: a Concat of int64 shape pieces must not get a quantize/dequantize pair.
/// </summary>
internal static class TensorTypeProbe
{
    public static IReadOnlyDictionary<string, TensorInfo> Probe(ModelProto model)
    {
        var probe = model.Clone();
        var declared = probe.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var output in probe.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0 && declared.Add(o)))
        {
            probe.Graph.Output.Add(new ValueInfoProto { Name = output });
        }

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(probe.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new QuantizationException($"ONNX Runtime cannot load the model: {ex.Message}", ex);
        }

        using (session)
        {
            var infos = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            foreach (var (name, meta) in session.OutputMetadata)
            {
                infos[name] = new TensorInfo(meta.IsTensor && meta.ElementDataType == TensorElementType.Float, meta.Dimensions);
            }

            foreach (var (name, meta) in session.InputMetadata)
            {
                infos[name] = new TensorInfo(meta.IsTensor && meta.ElementDataType == TensorElementType.Float, meta.Dimensions);
            }

            return infos;
        }
    }
}
