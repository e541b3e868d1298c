using System.Globalization;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Static int8 quantization of a float ONNX model into QDQ form (QuantizeLinear/DequantizeLinear pairs around float ops)
/// that ONNX Runtime's CPU provider fuses into int8 kernels (QLinearConv, QLinearMatMul, QGemm, QLinearAdd, …): uint8
/// asymmetric activations with ranges from calibration, int8 symmetric weights per output channel, int32 biases.
/// <para>
/// Steps: lift the model to IR 8 / opset 17; fold per-channel Mul/Add into Conv, merge Relu/Min/Max chains into Clip and
/// equalize the channels of consecutive convolutions (exact float rewrites); plan which nodes run in int8 (<see cref="QdqPlanner"/>); run the float model on the calibration
/// items to measure each planned activation's range; write the QDQ graph. The caller's model is not changed.
/// </para>
/// </summary>
public static class QdqQuantizer
{
    /// <summary>Quantizes <paramref name="model"/>.</summary>
    /// <param name="model">A float model with one float input whose dimensions other than the batch are fixed.</param>
    /// <param name="calibration">
    /// Input tensors to calibrate on, each one or more whole batch items of the input's shape, in the layout the model
    /// takes (e.g. NHWC image crops preprocessed exactly as at run time). A few hundred real inputs is typical.
    /// </param>
    /// <param name="options">What to quantize and how to calibrate; defaults when null.</param>
    /// <exception cref="QuantizationException">The model or the calibration data cannot be used; the message says why.</exception>
    public static QuantizationResult Quantize(ModelProto model, IReadOnlyList<float[]> calibration, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new QuantizationOptions();
        options.Validate();
        if (calibration.Count == 0)
        {
            throw new QuantizationException("no calibration items: static quantization needs real inputs to measure activation ranges");
        }

        var prepared = Prepare(model, options.EqualizeChannels, out var folded);
        var types = TensorTypeProbe.Probe(prepared);
        var index = new GraphIndex(prepared.Graph);
        var plan = QdqPlanner.Plan(index, types, options);
        if (plan.Weighted.Count == 0 && plan.Tensors.Count == 0)
        {
            throw new QuantizationException("nothing to quantize: the model has no Conv, Gemm or MatMul with constant weights (or all were kept float)");
        }

        Dictionary<string, (float Lo, float Hi)> ranges;
        using (var calibrator = new ActivationCalibrator(prepared, [.. plan.CalibratedTensors], options.IntraOpThreads))
        {
            ranges = calibrator.Calibrate(calibration, options);
        }

        var opCounts = prepared.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        QdqGraphWriter.Write(prepared, index, plan, ranges, options);
        prepared.MetadataProps.Add(new StringStringEntryProto
        {
            Key = "faceattr.quantization",
            Value = string.Create(CultureInfo.InvariantCulture,
                $"int8 QDQ: uint8 activations ({Describe(options)} over {calibration.Count} items), int8 {(options.PerChannel ? "per-channel" : "per-tensor")} weights{(options.ReduceRange ? " (7-bit)" : string.Empty)}"),
        });

        var floatNodes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (op, count) in opCounts)
        {
            var left = count - plan.QuantizedByOpType.GetValueOrDefault(op) - plan.WeightOnlyByOpType.GetValueOrDefault(op);
            if (left > 0)
            {
                floatNodes[op] = left;
            }
        }

        var report = new QuantizationReport
        {
            QuantizedNodes = plan.QuantizedByOpType,
            WeightOnlyNodes = plan.WeightOnlyByOpType,
            FloatNodes = floatNodes,
            FoldedNodes = folded,
            QuantizedTensors = plan.Tensors.Count,
            WeightBytesBefore = model.Graph.Initializer.Sum(TensorProtoData.ByteSize),
            WeightBytesAfter = prepared.Graph.Initializer.Sum(TensorProtoData.ByteSize),
            Method = options.Method,
            CalibrationItems = calibration.Count,
        };
        return new QuantizationResult(prepared, report);
    }

    /// <summary>
    /// The float model as the quantizer sees it before inserting anything: IR 8 / opset 17, per-channel Mul/Add folded into
    /// Conv, Relu/Min/Max chains merged into Clip, and (with <paramref name="equalize"/>) consecutive convolutions' channels
    /// equalized. Numerically the same model (up to float rounding).
    /// </summary>
    /// <param name="model">The float model; not changed.</param>
    /// <param name="equalize">Apply cross-layer equalization (<see cref="QuantizationOptions.EqualizeChannels"/>).</param>
    /// <param name="folded">How many nodes the rewrites removed.</param>
    public static ModelProto Prepare(ModelProto model, bool equalize, out int folded)
    {
        ArgumentNullException.ThrowIfNull(model);
        var prepared = model.Clone();
        OpsetUpgrade.ToWrittenOpset(prepared);
        folded = FloatGraphFolds.FoldChannelAffineIntoConv(prepared.Graph) + FloatGraphFolds.MergeClampChains(prepared.Graph);
        FloatGraphFolds.RemoveUnusedInitializers(prepared.Graph);
        if (equalize)
        {
            CrossLayerEqualization.Apply(prepared.Graph);
        }

        return prepared;
    }

    private static string Describe(QuantizationOptions options) => options.Method switch
    {
        CalibrationMethod.Percentile => string.Create(CultureInfo.InvariantCulture, $"percentile {options.Percentile}"),
        CalibrationMethod.Entropy => "entropy",
        _ => "min-max",
    };
}
