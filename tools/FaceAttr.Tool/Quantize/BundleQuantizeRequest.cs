using FaceAttr.Onnx.Quantization;

namespace FaceAttr.Tool.Quantize;

/// <summary>What <see cref="BundleQuantizer"/> is asked to do.</summary>
public sealed record BundleQuantizeRequest
{
    /// <summary>Bundle folder holding the float models.</summary>
    public required string SourceBundle { get; init; }

    /// <summary>Folder of the new bundle; must not exist.</summary>
    public required string OutputBundle { get; init; }

    /// <summary>Model ids to quantize; empty for all models of the bundle.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Folder of real face images (with <see cref="Labels"/>: the labelled set's folder).</summary>
    public required string CalibrationFolder { get; init; }

    /// <summary>Labelled set the folder holds (<c>celeba</c>, <c>utkface</c>, <c>expressions</c>) or null for plain images.</summary>
    public string? Labels { get; init; }

    /// <summary>
    /// Further labelled sets (<c>--check SET=FOLDER</c>) on which int8 is compared with fp32, <see cref="Holdout"/> faces each
    /// (disjoint from the calibration images when the folder is the calibration folder). A head labelled by any compared set
    /// is judged by its labels; agreement with fp32 decides only for heads no set labels. Each label set at most once,
    /// counting <see cref="Labels"/>.
    /// </summary>
    public IReadOnlyList<CheckSet> Checks { get; init; } = [];

    /// <summary>Images used for calibration. Default 200.</summary>
    public int Count { get; init; } = 200;

    /// <summary>Other images, disjoint from the calibration ones, on which each int8 model is compared with its float original (per compared set). Default 100.</summary>
    public int Holdout { get; init; } = 100;

    /// <summary>How to quantize.</summary>
    public QuantizationOptions Quantization { get; init; } = new();

    /// <summary>Most accuracy (or agreement) points a head may lose. Default 1.0.</summary>
    public double MaxLoss { get; init; } = 1.0;

    /// <summary>Most years the age MAE (or, unlabelled, the mean age change) may grow. Default 0.3.</summary>
    public double MaxAgeLoss { get; init; } = 0.3;

    /// <summary>Write the bundle even when a head fails the limits.</summary>
    public bool Force { get; init; }

    /// <summary>Timed runs per model and precision, float and int8 interleaved (1 intra-op thread). Default 30.</summary>
    public int LatencyRuns { get; init; } = 30;
}
