using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>The graph ONNX Runtime runs after its optimisations, by op type.</summary>
/// <param name="OpTypes">Every node, by op type (contrib ops by plain op type, e.g. <c>QLinearAdd</c>).</param>
/// <param name="Int8Nodes">Nodes that compute on 8-bit data: the QLinear*/QGemm kernels and the data-movement ops (MaxPool, Transpose, Reshape, Concat, …) whose quantize/dequantize pair ORT dropped.</param>
/// <param name="FloatNodes">Nodes that compute in float, QuantizeLinear and DequantizeLinear left out.</param>
public sealed record OptimizedGraph(
    IReadOnlyDictionary<string, int> OpTypes,
    IReadOnlyDictionary<string, int> Int8Nodes,
    IReadOnlyDictionary<string, int> FloatNodes);

/// <summary>
/// What ONNX Runtime actually runs: the graph after its optimisations, read back from the file it writes with
/// <see cref="SessionOptions.OptimizedModelFilePath"/>. A QDQ model whose pairs ORT cannot fuse still runs, in float,
/// without a word; QLinearConv, QLinearMatMul, QGemm and friends in this graph are the proof that it does not.
/// </summary>
public static class OrtFusionInspector
{
    private static readonly HashSet<string> DataMovementOps = new(StringComparer.Ordinal)
    {
        "MaxPool", "NhwcMaxPool", "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Identity", "Split", "Resize",
    };

    /// <summary>Op type → node count of the optimised graph.</summary>
    /// <param name="model">The model to load.</param>
    /// <param name="level">Optimisation level; the QDQ fusions run from <see cref="GraphOptimizationLevel.ORT_ENABLE_EXTENDED"/>.</param>
    /// <exception cref="QuantizationException">ONNX Runtime cannot load the model.</exception>
    public static IReadOnlyDictionary<string, int> OptimizedOpTypes(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED) =>
        Inspect(model, level).OpTypes;

    /// <summary>The optimised graph, its nodes split by whether they compute on 8-bit data or in float.</summary>
    /// <inheritdoc cref="OptimizedOpTypes" path="/param"/>
    /// <exception cref="QuantizationException">ONNX Runtime cannot load the model.</exception>
    public static OptimizedGraph Inspect(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(model);
        var optimized = Optimize(model, level);
        var eightBit = new HashSet<string>(StringComparer.Ordinal);
        var int8 = new Dictionary<string, int>(StringComparer.Ordinal);
        var float32 = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in optimized.Graph.Node)
        {
            // ORT writes no value_info: follow the 8-bit data from each QuantizeLinear through the kernels that keep it 8-bit.
            var onEightBit = node.Input.Count > 0 && eightBit.Contains(node.Input[0]);
            var producesEightBit = node.OpType switch
            {
                "QuantizeLinear" => true,
                "DequantizeLinear" or "MatMulIntegerToFloat" or "MatMulNBits" or "DynamicQuantizeMatMul" => false,
                "QGemm" => node.Input.Count > 7 && node.Input[7].Length > 0,
                _ when node.OpType.StartsWith("QLinear", StringComparison.Ordinal) => true,
                _ when DataMovementOps.Contains(node.OpType) => onEightBit,
                _ => false,
            };
            foreach (var output in node.Output.Where(_ => producesEightBit))
            {
                eightBit.Add(output);
            }

            if (node.OpType is "QuantizeLinear" or "DequantizeLinear")
            {
                continue;
            }

            var target = onEightBit || producesEightBit || node.OpType is "QGemm" or "MatMulIntegerToFloat" or "ConvInteger" or "MatMulInteger" ? int8 : float32;
            target[node.OpType] = target.GetValueOrDefault(node.OpType) + 1;
        }

        var ops = optimized.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new OptimizedGraph(ops, int8, float32);
    }

    private static ModelProto Optimize(ModelProto model, GraphOptimizationLevel level)
    {
        var folder = Directory.CreateTempSubdirectory("faceattr-ort-optimized-");
        try
        {
            var path = Path.Combine(folder.FullName, "optimized.onnx");
            using (var options = new SessionOptions
            {
                GraphOptimizationLevel = level,
                OptimizedModelFilePath = path,
                IntraOpNumThreads = 1,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            })
            {
                try
                {
                    using var session = new InferenceSession(model.ToByteArray(), options);
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new QuantizationException($"ONNX Runtime cannot load the model: {ex.Message}", ex);
                }
            }

            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
