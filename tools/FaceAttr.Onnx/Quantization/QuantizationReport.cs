using System.Globalization;
using System.Text;

namespace FaceAttr.Onnx.Quantization;

/// <summary>What <see cref="QdqQuantizer"/> did to one model.</summary>
public sealed record QuantizationReport
{
    /// <summary>Nodes set up to run in int8, by op type (a Relu or Clip folded into its producer's range counts as its own type).</summary>
    public required IReadOnlyDictionary<string, int> QuantizedNodes { get; init; }

    /// <summary>Weighted nodes that store int8 weights but keep a float output (regression heads), by op type.</summary>
    public required IReadOnlyDictionary<string, int> WeightOnlyNodes { get; init; }

    /// <summary>Nodes left in float, by op type (including the layout ops nothing quantized reaches).</summary>
    public required IReadOnlyDictionary<string, int> FloatNodes { get; init; }

    /// <summary>Float nodes removed before quantizing: per-channel Mul/Add folded into Conv, Relu/Min/Max chains merged into Clip.</summary>
    public required int FoldedNodes { get; init; }

    /// <summary>Activations that got a quantize/dequantize pair.</summary>
    public required int QuantizedTensors { get; init; }

    /// <summary>Bytes of all initializers in the float model.</summary>
    public required long WeightBytesBefore { get; init; }

    /// <summary>Bytes of all initializers in the quantized model (int8 weights, int32 biases, scales and zero points).</summary>
    public required long WeightBytesAfter { get; init; }

    /// <summary>Calibration method used.</summary>
    public required CalibrationMethod Method { get; init; }

    /// <summary>Calibration items run.</summary>
    public required int CalibrationItems { get; init; }

    /// <summary>One line per fact, for logs.</summary>
    public override string ToString()
    {
        static string Counts(IReadOnlyDictionary<string, int> counts) =>
            counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"int8: {Counts(QuantizedNodes)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"int8 weights, float output: {Counts(WeightOnlyNodes)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"float: {Counts(FloatNodes)}");
        text.Append(CultureInfo.InvariantCulture,
            $"weights {WeightBytesBefore / 1024.0:0} KiB → {WeightBytesAfter / 1024.0:0} KiB; {QuantizedTensors} activations quantized; {FoldedNodes} float nodes folded; {Method} calibration on {CalibrationItems} items");
        return text.ToString();
    }
}

/// <summary>A quantized model and what was done to it.</summary>
/// <param name="Model">The QDQ model (IR 8, opset 17).</param>
/// <param name="Report">Counts and sizes.</param>
public sealed record QuantizationResult(global::Onnx.ModelProto Model, QuantizationReport Report);
