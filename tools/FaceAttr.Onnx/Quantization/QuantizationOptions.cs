namespace FaceAttr.Onnx.Quantization;

/// <summary>What <see cref="QdqQuantizer"/> quantizes and how it calibrates.</summary>
public sealed record QuantizationOptions
{
    /// <summary>How activation ranges are chosen. Default <see cref="CalibrationMethod.Percentile"/>.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    /// <summary>Share of values the range keeps with <see cref="CalibrationMethod.Percentile"/>, in percent. Default 99.99; range 90–100.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>
    /// One scale per output channel of each weight (default) instead of one per tensor. Depthwise convolutions need it:
    /// their channels' weight ranges differ by orders of magnitude.
    /// </summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>
    /// Cross-layer equalization before quantizing (<see cref="CrossLayerEqualization"/>): rescales the channels between a
    /// convolution and the next (an exact float rewrite) so that their activations share one uint8 range better. Default on:
    /// on BlazeFace (back) it took the held-out faces found identically from 98.3 % to 99.7 %.
    /// </summary>
    public bool EqualizeChannels { get; init; } = true;

    /// <summary>
    /// Weights in 7 bits (−64..64) instead of 8. Off by default: only CPUs whose u8×s8 dot product saturates in 16 bits
    /// (AVX2 without VNNI) need the headroom, and it halves the weights' resolution.
    /// </summary>
    public bool ReduceRange { get; init; }

    /// <summary>Node names, or op types, that stay in float (their inputs and outputs get no quantize/dequantize pair for them).</summary>
    public IReadOnlyCollection<string> KeepFloat { get; init; } = [];

    /// <summary>
    /// Leave in float the output of the last weighted op of each output head: one that reaches a graph output only through
    /// layout ops (Transpose, Reshape, …) and a cheap tail (bias Add, Sigmoid, Softmax, …), such as box, keypoint and
    /// landmark regressors and classifier logits. Default on: 8 bits over a coordinate range of a few hundred pixels is a
    /// step of a pixel or more, and 8-bit logits move a 100-class age distribution's mean by tenths of a year, while these
    /// last layers cost little; their weights are still stored as int8.
    /// </summary>
    public bool KeepOutputHeadsFloat { get; init; } = true;

    /// <summary>
    /// Weights of a head (see <see cref="KeepOutputHeadsFloat"/>) smaller than this stay float32; larger ones are stored as
    /// int8. Default 256 KiB. Small heads save little, and their outputs can be small differences of large terms: BlazeFace's
    /// score logits span ±10⁴, and rounding the 6×96 weights of its 8×8 score layer to int8 turns background into faces.
    /// Facemesh's 1.6 MB landmark head, on the other hand, is most of that model and moves its points by a third of a pixel.
    /// </summary>
    public long MinHeadWeightBytes { get; init; } = 256 * 1024;

    /// <summary>ONNX Runtime intra-op threads for the calibration runs. Default 1 (fastest for small models on a 2-core box).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(Percentile is >= 90 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "percentile must be within 90..100");
        }

        if (MinHeadWeightBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinHeadWeightBytes), MinHeadWeightBytes, "must be 0 or more");
        }

        if (IntraOpThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "intra-op threads must be within 1..64");
        }

        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown calibration method");
        }
    }
}
