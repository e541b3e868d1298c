namespace FaceAttr.Onnx.Quantization;

/// <summary>How an activation's quantization range is chosen from the values seen during calibration.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing clips, but one outlier widens every step.</summary>
    MinMax,

    /// <summary>
    /// The range that holds <see cref="QuantizationOptions.Percentile"/> percent of the values (the rest split evenly
    /// over both tails): clips rare outliers for finer steps where the values are.
    /// </summary>
    Percentile,

    /// <summary>
    /// The clipping threshold that minimises the KL divergence between the value histogram and its quantized
    /// version (TensorRT's entropy calibration).
    /// </summary>
    Entropy,
}
