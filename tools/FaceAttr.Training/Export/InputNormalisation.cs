namespace FaceAttr.Training.Export;

/// <summary>
/// The normalisation the trainer applies to every crop (<c>Augmenter</c>): <c>(x/255 − 0.5)/0.5</c> per RGB channel,
/// i.e. values in [−1, 1]. The exporter carries exactly these numbers into the graph or the manifest.
/// </summary>
public static class InputNormalisation
{
    /// <summary>Multiplier applied to the 0–255 pixel value.</summary>
    public const float Scale = 1f / 255f;

    /// <summary>Per-channel mean subtracted after scaling.</summary>
    public static readonly IReadOnlyList<float> Mean = [0.5f, 0.5f, 0.5f];

    /// <summary>Per-channel divisor applied last.</summary>
    public static readonly IReadOnlyList<float> Std = [0.5f, 0.5f, 0.5f];
}
