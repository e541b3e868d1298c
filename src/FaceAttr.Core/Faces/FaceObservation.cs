using FaceAttr.Core.Imaging;

namespace FaceAttr.Core.Faces;

/// <summary>
/// What the analysis core saw of one face in one frame: the input of tracking and fusion.
/// Attributes include the landmark-derived heads <c>eye_left</c>, <c>eye_right</c> and <c>mouth</c>.
/// </summary>
public sealed record FaceObservation
{
    /// <summary>Face box in frame pixels.</summary>
    public required BoxF Box { get; init; }

    /// <summary>Detector score, 0..1.</summary>
    public float Score { get; init; }

    /// <summary>Head pose, when landmarks were fitted.</summary>
    public HeadPose? Pose { get; init; }

    /// <summary>Quality measures of the face crop.</summary>
    public FaceQuality Quality { get; init; }

    /// <summary>Per-head attribute values (may be unknown with a reason).</summary>
    public required IReadOnlyList<AttributeValue> Attributes { get; init; }
}
