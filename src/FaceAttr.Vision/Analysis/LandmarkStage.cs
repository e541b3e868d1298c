using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Landmarks;
using FaceAttr.Vision.Models;

namespace FaceAttr.Vision.Analysis;

/// <summary>What the landmark stage derived for one face.</summary>
/// <param name="Score">Facemesh's face-presence score.</param>
/// <param name="Pose">Head pose from the 3-D mesh.</param>
/// <param name="RollRadians">Eye-line angle in the image, for aligning attribute crops.</param>
/// <param name="EyesAndMouth">The <c>eye_left</c>, <c>eye_right</c> and <c>mouth</c> attributes.</param>
/// <param name="Points">A copy of the 468 points in image pixels.</param>
public sealed record LandmarkFit(float Score, HeadPose Pose, float RollRadians, IReadOnlyList<AttributeValue> EyesAndMouth, Vector3[] Points);

/// <summary>
/// The analyzer's landmark step: fits facemesh with <see cref="FaceMeshLandmarker"/>, measures it with
/// <see cref="FaceGeometry"/> and turns eye and mouth ratios into attributes with the thresholds of
/// <see cref="GeometryOptions"/> (measured on CelebA, see Vision/Landmarks/README.md).
/// </summary>
public sealed class LandmarkStage : IDisposable
{
    private readonly FaceMeshLandmarker _landmarker;
    private readonly FaceLandmarks _fit = new();

    /// <summary>Opens the landmark model of <paramref name="entry"/>.</summary>
    public LandmarkStage(string bundleFolder, ModelEntry entry, SessionSettings settings, GeometryOptions? geometry = null)
    {
        Geometry = geometry ?? new GeometryOptions();
        Geometry.Validate();
        _landmarker = new FaceMeshLandmarker(bundleFolder, entry, new LandmarkOptions { Session = settings });
    }

    /// <summary>Thresholds for eye and mouth states.</summary>
    public GeometryOptions Geometry { get; }

    /// <summary>Fits the mesh to <paramref name="face"/>; false when facemesh says there is no face (its <paramref name="presence"/> is too low).</summary>
    public bool TryFit(RgbImage image, in DetectedFace face, out LandmarkFit fit, out float presence)
    {
        var fitted = _landmarker.TryFit(image, face, _fit);
        presence = _fit.Presence;
        if (!fitted)
        {
            fit = null!;
            return false;
        }

        var m = FaceGeometry.Measure(_fit.Points);
        IReadOnlyList<AttributeValue> eyesAndMouth =
        [
            Ratio("eye_left", m.LeftEyeAspectRatio, Geometry.EyeClosedBelow, "open", "closed"),
            Ratio("eye_right", m.RightEyeAspectRatio, Geometry.EyeClosedBelow, "open", "closed"),
            Ratio("mouth", m.MouthAspectRatio, Geometry.MouthOpenAbove, "open", "closed"),
        ];
        fit = new LandmarkFit(presence, m.Pose, m.Pose.Roll * MathF.PI / 180f, eyesAndMouth, _fit.Points.ToArray());
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _landmarker.Dispose();

    private static AttributeValue Ratio(string head, float ratio, float threshold, string above, string below)
    {
        // A soft probability from the distance to the threshold (logistic, a quarter of the threshold per
        // unit), so values near the threshold read as uncertain.
        var p = 1f / (1f + MathF.Exp(-(ratio - threshold) / (threshold / 4f)));
        var isAbove = p >= 0.5f;
        return new AttributeValue
        {
            Head = head,
            Label = isAbove ? above : below,
            Probability = isAbove ? p : 1 - p,
            Value = ratio,
            Model = "facemesh geometry",
        };
    }
}
