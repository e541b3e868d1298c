namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// Thresholds that turn <see cref="FaceGeometry"/> ratios into eye and mouth states. Immutable; checked by
/// <see cref="Validate"/>. The defaults were measured on real faces (Landmarks/README.md, LandmarkCalibrationTests).
/// </summary>
public sealed record GeometryOptions
{
    /// <summary>
    /// Eye aspect ratio (<see cref="FaceGeometry.EyeAspectRatio"/>) below which an eye counts as closed.
    /// Range 0.01–0.6. Default 0.16: no eye-state labels exist, so it sits between two measurements. Open
    /// eyes: on 1,988 eyes of CelebA images 1–1000 (portraits, nearly all open-eyed) the 1st percentile is
    /// 0.163 and the median 0.271; 17 of those eyes fall below 0.16 (0.9%). Closed eyes: 30 eyes of 15
    /// expression-set faces judged closed by inspection read 0.108–0.160, and 29 of them fall below 0.16.
    /// Narrowed open eyes (squints, broad smiles) read 0.13–0.15 and are called closed.
    /// </summary>
    public float EyeClosedBelow { get; init; } = 0.16f;

    /// <summary>
    /// Mouth aspect ratio (<see cref="FaceGeometry.MouthAspectRatio"/>) above which the mouth counts as open.
    /// Range 0.001–1. Default 0.074: the most accurate threshold against CelebA's Mouth_Slightly_Open on
    /// images 1–1000 (88.5% of 994 fitted), 88.1% on images 1001–2000 held out (997 fitted).
    /// </summary>
    public float MouthOpenAbove { get; init; } = 0.074f;

    /// <summary>Whether an eye with aspect ratio <paramref name="eyeAspectRatio"/> is closed.</summary>
    public bool IsEyeClosed(float eyeAspectRatio) => eyeAspectRatio < EyeClosedBelow;

    /// <summary>Whether a mouth with aspect ratio <paramref name="mouthAspectRatio"/> is open.</summary>
    public bool IsMouthOpen(float mouthAspectRatio) => mouthAspectRatio > MouthOpenAbove;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of its range.</summary>
    public void Validate()
    {
        if (!(EyeClosedBelow is >= 0.01f and <= 0.6f))
        {
            throw new ArgumentOutOfRangeException(nameof(EyeClosedBelow), EyeClosedBelow, "EyeClosedBelow must be in 0.01..0.6");
        }

        if (!(MouthOpenAbove is >= 0.001f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MouthOpenAbove), MouthOpenAbove, "MouthOpenAbove must be in 0.001..1");
        }
    }
}
