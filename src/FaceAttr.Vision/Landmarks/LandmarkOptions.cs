using FaceAttr.Vision.Models;

namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// How <see cref="FaceMeshLandmarker"/> frames a face and when it accepts a fit. Immutable; checked by
/// <see cref="Validate"/> when a landmarker is built.
/// </summary>
public sealed record LandmarkOptions
{
    /// <summary>
    /// Lowest facemesh face-presence score (a probability, 0–1) at which a fit is accepted. Default 0.5,
    /// MediaPipe's tracking threshold; real faces score near 1 (see Landmarks/README.md for the measured spread).
    /// </summary>
    public float MinPresence { get; init; } = 0.5f;

    /// <summary>
    /// Side of the square crop as a multiple of the face box's longer side, or null for the manifest's
    /// <c>crop_scale</c> (1.5 for facemesh, as in MediaPipe). Range 1–4.
    /// </summary>
    public float? CropScale { get; init; }

    /// <summary>ONNX Runtime settings (thread counts) for the landmark session.</summary>
    public SessionSettings Session { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of its range.</summary>
    public void Validate()
    {
        if (!(MinPresence is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinPresence), MinPresence, "MinPresence must be a probability in 0..1");
        }

        if (CropScale is { } scale && !(scale is >= 1f and <= 4f))
        {
            throw new ArgumentOutOfRangeException(nameof(CropScale), scale, "CropScale must be in 1..4 (or null for the manifest's crop_scale)");
        }

        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        if (Session.IntraOpThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Session), Session.IntraOpThreads, "Session.IntraOpThreads must be in 1..64");
        }
    }
}
