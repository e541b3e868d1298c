using System.Numerics;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// The 468 facemesh points of one face, filled in place by <see cref="FaceMeshLandmarker.TryFit"/> so that
/// a worker reuses one instance per face slot and a fit allocates nothing. Points are in image pixels
/// (continuous coordinates: pixel <c>i</c> spans <c>[i, i+1)</c>); <c>z</c> is depth relative to the face,
/// in the same pixel scale as <c>x</c>, smaller nearer the camera. Not thread-safe.
/// </summary>
public sealed class FaceLandmarks
{
    private readonly Vector3[] _points = new Vector3[FaceMeshIndices.Count];

    /// <summary>The outcome of the last fit; the points are meaningful only when it is <see cref="LandmarkFitStatus.Fitted"/>.</summary>
    public LandmarkFitStatus Status { get; private set; }

    /// <summary>Whether the last fit succeeded.</summary>
    public bool IsFitted => Status == LandmarkFitStatus.Fitted;

    /// <summary>The model's face-presence score (probability, 0–1) of the last run; 0 when the model did not run.</summary>
    public float Presence { get; private set; }

    /// <summary>The crop of the last run: maps model-input pixels to image pixels.</summary>
    public Affine2D Crop { get; private set; }

    /// <summary>Side of the square crop in image pixels.</summary>
    public float CropSide { get; private set; }

    /// <summary>Rotation of the crop in radians (the eye-line angle it was aligned to; positive clockwise in the image).</summary>
    public float CropAngle { get; private set; }

    /// <summary>The 468 points (zeros unless <see cref="IsFitted"/>). The span aliases this instance: copy what must outlive the next fit.</summary>
    public ReadOnlySpan<Vector3> Points => _points;

    /// <summary>Point <paramref name="index"/> of the mesh (see <see cref="FaceMeshIndices"/>).</summary>
    public Vector3 this[int index] => _points[index];

    /// <summary>Forgets the last fit: status <see cref="LandmarkFitStatus.None"/>, points zeroed.</summary>
    public void Reset() => SetFailure(LandmarkFitStatus.None, 0f, default, 0f, 0f);

    /// <summary>
    /// A detection derived from the fitted mesh, for re-fitting the same face in the next frame without the
    /// detector (as MediaPipe tracks): keypoints from the mesh (eye centres, nose tip, mouth centre, the
    /// cheek edges as ears), a box centred on the mesh whose width and height are the mesh's extent along
    /// and across the eye line (so a tilted face does not grow its box), and the presence as score.
    /// </summary>
    /// <exception cref="InvalidOperationException">The last fit did not succeed.</exception>
    public DetectedFace ToDetectedFace()
    {
        if (!IsFitted)
        {
            throw new InvalidOperationException($"no fitted mesh to derive a detection from (status {Status})");
        }

        var p = _points;
        var rightEye = Mid(p[FaceMeshIndices.RightEyeOuter], p[FaceMeshIndices.RightEyeInner]);
        var leftEye = Mid(p[FaceMeshIndices.LeftEyeOuter], p[FaceMeshIndices.LeftEyeInner]);
        var axis = leftEye - rightEye;
        var length = axis.Length();
        var u = length > 0 ? axis / length : Vector2.UnitX;
        var v = new Vector2(-u.Y, u.X);

        float minU = float.MaxValue, maxU = float.MinValue, minV = float.MaxValue, maxV = float.MinValue;
        for (var i = 0; i < p.Length; i++)
        {
            var q = new Vector2(p[i].X, p[i].Y);
            var a = Vector2.Dot(q, u);
            var b = Vector2.Dot(q, v);
            minU = MathF.Min(minU, a);
            maxU = MathF.Max(maxU, a);
            minV = MathF.Min(minV, b);
            maxV = MathF.Max(maxV, b);
        }

        var centre = (u * ((minU + maxU) / 2)) + (v * ((minV + maxV) / 2));
        var width = maxU - minU;
        var height = maxV - minV;
        var keypoints = default(FaceKeypoints);
        keypoints[FaceKeypoints.RightEye] = rightEye;
        keypoints[FaceKeypoints.LeftEye] = leftEye;
        keypoints[FaceKeypoints.NoseTip] = Xy(p[FaceMeshIndices.NoseTip]);
        keypoints[FaceKeypoints.Mouth] = Mid(p[FaceMeshIndices.UpperLipInner], p[FaceMeshIndices.LowerLipInner]);
        keypoints[FaceKeypoints.RightEar] = Xy(p[FaceMeshIndices.RightCheek]);
        keypoints[FaceKeypoints.LeftEar] = Xy(p[FaceMeshIndices.LeftCheek]);
        return new DetectedFace(new BoxF(centre.X - (width / 2), centre.Y - (height / 2), width, height), Presence, keypoints);
    }

    /// <summary>The points as a writable span, for the landmarker.</summary>
    internal Span<Vector3> WritablePoints => _points;

    internal void SetFitted(float presence, in Affine2D crop, float side, float angle)
    {
        Status = LandmarkFitStatus.Fitted;
        Presence = presence;
        Crop = crop;
        CropSide = side;
        CropAngle = angle;
    }

    internal void SetFailure(LandmarkFitStatus status, float presence, in Affine2D crop, float side, float angle)
    {
        Array.Clear(_points);
        Status = status;
        Presence = presence;
        Crop = crop;
        CropSide = side;
        CropAngle = angle;
    }

    private static Vector2 Xy(Vector3 p) => new(p.X, p.Y);

    private static Vector2 Mid(Vector3 a, Vector3 b) => new((a.X + b.X) / 2, (a.Y + b.Y) / 2);
}
