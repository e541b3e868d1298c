namespace FaceAttr.Vision.Analysis;

/// <summary>Thresholds that turn landmark ratios into eye and mouth states.</summary>
public sealed record GeometryOptions
{
    /// <summary>
    /// Eye aspect ratio below which an eye counts as closed. Range 0.05–0.5. Default 0.18: the 5th
    /// percentile on 200 CelebA faces (median 0.28), which are nearly all open-eyed; no eye labels exist to fit it.
    /// </summary>
    public float EyeClosedBelow { get; init; } = 0.18f;

    /// <summary>
    /// Mouth aspect ratio (inner-lip gap / mouth width) above which the mouth counts as open. Range 0.01–1.
    /// Default 0.06: best agreement (89.4%) with CelebA Mouth_Slightly_Open on 198 faces (every 40th image).
    /// </summary>
    public float MouthOpenAbove { get; init; } = 0.06f;
}
