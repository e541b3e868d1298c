using FaceAttr.Vision.Models;

namespace FaceAttr.Vision.Landmarks;

/// <summary>How <see cref="IrisLocator"/> frames each eye. Immutable; checked by <see cref="Validate"/>.</summary>
public sealed record IrisOptions
{
    /// <summary>
    /// Side of the square eye crop as a multiple of the corner-to-corner eye width. Range 1.5–4. Default
    /// 2.3, MediaPipe's (the iris model was trained on crops framed that way; the manifest's
    /// <c>crop_scale</c> is relative to a face box and does not apply to eye crops).
    /// </summary>
    public float EyeCropScale { get; init; } = 2.3f;

    /// <summary>ONNX Runtime settings (thread counts) for the iris session.</summary>
    public SessionSettings Session { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of its range.</summary>
    public void Validate()
    {
        if (!(EyeCropScale is >= 1.5f and <= 4f))
        {
            throw new ArgumentOutOfRangeException(nameof(EyeCropScale), EyeCropScale, "EyeCropScale must be in 1.5..4");
        }

        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        if (Session.IntraOpThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Session), Session.IntraOpThreads, "Session.IntraOpThreads must be in 1..64");
        }
    }
}
