using FaceAttr.Vision.Models;

namespace FaceAttr.Vision.Analysis;

/// <summary>Which models the analysis core uses and how strictly it judges faces.</summary>
public sealed record AnalyzerOptions
{
    /// <summary>Detector model id in the bundle. Default <c>blazeface-back</c> (finds faces down to ~20 px in group photos).</summary>
    public string DetectorModel { get; init; } = "blazeface-back";

    /// <summary>Landmark model id, or null to skip landmarks (no pose, eyes or mouth then). Default <c>facemesh</c>.</summary>
    public string? LandmarkModel { get; init; } = "facemesh";

    /// <summary>Head → model id overrides of the bundle's choice (e.g. <c>gender → gender-oarriaga</c>).</summary>
    public IReadOnlyDictionary<string, string> HeadModels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Heads to compute, or null (default) for every head the bundle's manifest maps to a model — gender, age and expression
    /// for the imported bundle; every head a trained network outputs for a <c>faceattr bundle</c>. Without a <c>smile</c>
    /// head, smile derives from the expression model's happy probability.
    /// </summary>
    public IReadOnlyList<string>? Heads { get; init; }

    /// <summary>The heads used when neither the options nor the manifest name any.</summary>
    public static readonly IReadOnlyList<string> DefaultHeads = ["gender", "age", "expression"];

    /// <summary>Model id → crop scale overrides of the manifest's <c>crop_scale</c> (for tuning framing on labelled data).</summary>
    public IReadOnlyDictionary<string, float> CropScales { get; init; } = new Dictionary<string, float>();

    /// <summary>Quality gate.</summary>
    public QualityOptions Quality { get; init; } = new();

    /// <summary>ONNX Runtime settings for every session.</summary>
    public SessionSettings Session { get; init; } = new();
}
