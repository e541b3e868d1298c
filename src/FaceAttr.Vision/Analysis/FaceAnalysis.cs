using System.Numerics;
using FaceAttr.Core.Faces;

namespace FaceAttr.Vision.Analysis;

/// <summary>Everything the analysis core found out about one face in one image.</summary>
public sealed record FaceAnalysis
{
    /// <summary>The detection: box, score, six keypoints in image pixels.</summary>
    public required DetectedFace Detection { get; init; }

    /// <summary>The 468 facemesh points in image pixels (z in the same scale), when landmarks were fitted and kept.</summary>
    public Vector3[]? Landmarks { get; init; }

    /// <summary>Facemesh's face-presence score, when landmarks were fitted.</summary>
    public float? LandmarkScore { get; init; }

    /// <summary>Head pose from the landmarks.</summary>
    public HeadPose? Pose { get; init; }

    /// <summary>Size, sharpness and brightness of the face.</summary>
    public FaceQuality Quality { get; init; }

    /// <summary>Why attributes were not judged (empty when the quality gate passed).</summary>
    public IReadOnlyList<string> GateReasons { get; init; } = [];

    /// <summary>Attribute values by head, in the order the analyzer produced them.</summary>
    public required IReadOnlyList<AttributeValue> Attributes { get; init; }

    /// <summary>The attribute of <paramref name="head"/>, or null.</summary>
    public AttributeValue? Attribute(string head)
    {
        foreach (var a in Attributes)
        {
            if (a.Head == head)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>The tracker's view of this analysis.</summary>
    public FaceObservation ToObservation() => new()
    {
        Box = Detection.Box,
        Score = Detection.Score,
        Pose = Pose,
        Quality = Quality,
        Attributes = Attributes,
    };
}
