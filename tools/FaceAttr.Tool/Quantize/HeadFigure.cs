namespace FaceAttr.Tool.Quantize;

/// <summary>
/// One measured figure of an int8 model beside its float original, on held-out faces.
/// <list type="bullet">
/// <item><c>agreement</c>: share of faces (0–1) where int8 gives the float model's class; no reference value.</item>
/// <item><c>delta_years</c>: mean |years(int8) − years(float)|; no reference value.</item>
/// <item><c>accuracy</c> (0–1) and <c>mae_years</c>: against the labels, for int8 (<see cref="Value"/>) and float (<see cref="Reference"/>).</item>
/// <item><c>mean_shift_px</c>: mean distance between int8 and float landmarks, in model-input pixels; not gated.</item>
/// </list>
/// </summary>
/// <param name="Head">Taxonomy head, <c>output:&lt;name&gt;</c> for an output without one, or <c>*</c> for the whole model (detector, landmarks).</param>
/// <param name="Metric">What was measured (above).</param>
/// <param name="Value">The int8 model's figure.</param>
/// <param name="Reference">The float model's figure, where it is not trivially perfect.</param>
/// <param name="Count">Faces (or crops) measured.</param>
/// <param name="Dataset">Where the faces came from (e.g. <c>utkface holdout</c>), as written to the model card; null when not said.</param>
public sealed record HeadFigure(string Head, string Metric, double Value, double? Reference, int Count, string? Dataset = null)
{
    /// <summary>Agreement of class decisions with the float model.</summary>
    public const string Agreement = "agreement";

    /// <summary>Mean absolute difference of predicted ages from the float model's, years.</summary>
    public const string DeltaYears = "delta_years";

    /// <summary>Accuracy against labels.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Mean absolute error against labelled ages, years.</summary>
    public const string MaeYears = "mae_years";

    /// <summary>Mean landmark displacement from the float model, model-input pixels.</summary>
    public const string MeanShiftPixels = "mean_shift_px";

    /// <summary>Whether the head is a taxonomy head (written to the manifest) rather than a bare output or the whole model.</summary>
    public bool IsTaxonomyHead => !Head.StartsWith("output:", StringComparison.Ordinal);
}
