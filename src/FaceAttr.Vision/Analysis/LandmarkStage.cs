using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Analysis;

/// <summary>What the landmark stage derived for one face.</summary>
/// <param name="Score">Facemesh's face-presence score.</param>
/// <param name="Pose">Head pose from the 3-D mesh.</param>
/// <param name="RollRadians">Eye-line angle in the image, for aligning attribute crops.</param>
/// <param name="EyesAndMouth">The <c>eye_left</c>, <c>eye_right</c> and <c>mouth</c> attributes.</param>
/// <param name="Points">A copy of the 468 points in image pixels.</param>
public sealed record LandmarkFit(float Score, HeadPose Pose, float RollRadians, IReadOnlyList<AttributeValue> EyesAndMouth, Vector3[] Points);

/// <summary>
/// Fits facemesh on a square crop rotated by the detector's eye line (side = box side × the model's
/// crop scale, MediaPipe uses 1.5), maps the 468 points back to the image and derives pose, eye and
/// mouth openness from them.
/// </summary>
public sealed class LandmarkStage : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly int _meshOutput;
    private readonly int _presenceOutput;
    private readonly Vector3[] _points = new Vector3[FaceGeometry.MeshPoints];

    /// <summary>Opens the landmark model of <paramref name="entry"/>.</summary>
    public LandmarkStage(string bundleFolder, ModelEntry entry, SessionSettings settings, GeometryOptions? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var outputs = entry.Outputs.ToList();
        _meshOutput = outputs.FindIndex(o => o.Kind == OutputKind.Landmarks && o.Size == FaceGeometry.MeshPoints * 3);
        _presenceOutput = outputs.FindIndex(o => o.Kind == OutputKind.Presence);
        if (_meshOutput < 0)
        {
            throw new ModelContractException($"model '{entry.Id}': no landmarks output of {FaceGeometry.MeshPoints * 3} values");
        }

        Geometry = geometry ?? new GeometryOptions();
        _runner = new ModelRunner(bundleFolder, entry, settings);
    }

    /// <summary>Thresholds for eye and mouth states.</summary>
    public GeometryOptions Geometry { get; }

    /// <summary>Minimum presence score to accept a fit.</summary>
    public float MinPresence { get; init; } = 0.5f;

    /// <summary>Fits the mesh to <paramref name="face"/>; false when facemesh says there is no face (its <paramref name="presence"/> is below <see cref="MinPresence"/>).</summary>
    public bool TryFit(RgbImage image, in DetectedFace face, out LandmarkFit fit, out float presence)
    {
        var input = _runner.Entry.Input;
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var angle = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        var side = MathF.Max(face.Box.Width, face.Box.Height) * input.CropScale;
        var crop = Affine2D.FromRotatedSquare(face.Box.CenterX, face.Box.CenterY, side, angle, input.Width, input.Height);
        _runner.Run(image, crop);
        presence = _presenceOutput >= 0 ? _runner.Output(_presenceOutput)[0] : 1f;
        if (presence < MinPresence)
        {
            fit = null!;
            return false;
        }

        var raw = _runner.Output(_meshOutput);
        var zScale = side / input.Width;
        for (var i = 0; i < _points.Length; i++)
        {
            var p = crop.Apply(raw[i * 3], raw[(i * 3) + 1]);
            _points[i] = new Vector3(p.X, p.Y, raw[(i * 3) + 2] * zScale);
        }

        var pose = FaceGeometry.Pose(_points);
        fit = new LandmarkFit(presence, pose, pose.Roll * MathF.PI / 180f, FaceGeometry.EyesAndMouth(_points, Geometry), [.. _points]);
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _runner.Dispose();
}
