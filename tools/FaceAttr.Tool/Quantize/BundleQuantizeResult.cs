using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Quantization;

namespace FaceAttr.Tool.Quantize;

/// <summary>One model's quantization: sizes, speed, per-head figures, what ORT fused, and the gate's verdict.</summary>
public sealed record ModelQuantizeOutcome
{
    /// <summary>The float model's manifest entry.</summary>
    public required ModelEntry Source { get; init; }

    /// <summary>The int8 model's entry as written (precision, sha256, metrics).</summary>
    public required ModelEntry Quantized { get; init; }

    /// <summary>File size of the float model, bytes.</summary>
    public required long Fp32Bytes { get; init; }

    /// <summary>File size of the int8 model, bytes.</summary>
    public required long Int8Bytes { get; init; }

    /// <summary>Float model latency, 1 intra-op thread.</summary>
    public required LatencyFigure Fp32Latency { get; init; }

    /// <summary>Int8 model latency, 1 intra-op thread.</summary>
    public required LatencyFigure Int8Latency { get; init; }

    /// <summary>Figures on the held-out faces of every compared set (<see cref="HeadFigure.Dataset"/> says which).</summary>
    public required IReadOnlyList<HeadFigure> Figures { get; init; }

    /// <summary>The graph ONNX Runtime runs for the int8 model: which ops compute on 8-bit data and which in float.</summary>
    public required OptimizedGraph OptimizedGraph { get; init; }

    /// <summary>What the quantizer did.</summary>
    public required QuantizationReport Report { get; init; }

    /// <summary>Heads over the limits (empty when the model passes).</summary>
    public required IReadOnlyList<string> GateFailures { get; init; }
}

/// <summary>What <see cref="BundleQuantizer"/> did.</summary>
/// <param name="Models">Per-model outcomes, in manifest order.</param>
/// <param name="Calibration">The calibration inputs and the images that could not be used.</param>
/// <param name="Holdouts">The compared sets: the calibration folder's holdout first, then each <c>--check</c> set.</param>
/// <param name="Written">Whether the new bundle was written (false when the gate refused and force was not given).</param>
public sealed record BundleQuantizeResult(IReadOnlyList<ModelQuantizeOutcome> Models, CalibrationSet Calibration, IReadOnlyList<HoldoutSet> Holdouts, bool Written)
{
    /// <summary>Every gate failure of every model.</summary>
    public IEnumerable<string> GateFailures => Models.SelectMany(m => m.GateFailures);
}
