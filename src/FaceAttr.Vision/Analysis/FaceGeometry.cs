using System.Numerics;
using FaceAttr.Core.Faces;

namespace FaceAttr.Vision.Analysis;

/// <summary>
/// Pose, eye and mouth measures from the 468 facemesh points (image pixels, z in the same scale, smaller
/// z nearer the camera). Mesh indices are MediaPipe's canonical face topology.
/// </summary>
public static class FaceGeometry
{
    /// <summary>Number of facemesh points.</summary>
    public const int MeshPoints = 468;

    // Subject's right eye (image left): outer 33, inner 133, upper lid 160/158, lower lid 144/153.
    private static readonly int[] RightEye = [33, 133, 160, 144, 158, 153];

    // Subject's left eye (image right): outer 263, inner 362, upper lid 387/385, lower lid 373/380.
    private static readonly int[] LeftEye = [263, 362, 387, 373, 385, 380];

    private const int UpperLip = 13, LowerLip = 14, MouthRight = 78, MouthLeft = 308;
    private const int RightCheek = 234, LeftCheek = 454, Forehead = 10, Chin = 152;

    // In a level face the mesh's forehead point sits behind the chin: the median raw pitch of 200
    // CelebA faces (level, frontal portraits) was −11.1°, so that is taken as zero.
    private const float LevelPitchDegrees = -11.1f;

    /// <summary>Eye aspect ratio: mean lid gap over eye width (≈0.25–0.35 open, under ≈0.15 closed).</summary>
    public static float EyeAspectRatio(ReadOnlySpan<Vector3> mesh, bool leftEye)
    {
        var e = leftEye ? LeftEye : RightEye;
        var width = Distance(mesh[e[0]], mesh[e[1]]);
        var gap = Distance(mesh[e[2]], mesh[e[3]]) + Distance(mesh[e[4]], mesh[e[5]]);
        return width > 0 ? gap / (2 * width) : 0;
    }

    /// <summary>Mouth aspect ratio: inner-lip gap over mouth width.</summary>
    public static float MouthAspectRatio(ReadOnlySpan<Vector3> mesh)
    {
        var width = Distance(mesh[MouthRight], mesh[MouthLeft]);
        return width > 0 ? Distance(mesh[UpperLip], mesh[LowerLip]) / width : 0;
    }

    /// <summary>
    /// Head pose in degrees. Roll from the outer eye corners; yaw from the depth difference of the cheeks
    /// across the face width; pitch from the depth difference of forehead and chin across the face height.
    /// </summary>
    public static HeadPose Pose(ReadOnlySpan<Vector3> mesh)
    {
        var rightEye = mesh[RightEye[0]];
        var leftEye = mesh[LeftEye[0]];
        var roll = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        var rc = mesh[RightCheek];
        var lc = mesh[LeftCheek];
        var yaw = MathF.Atan2(lc.Z - rc.Z, Vector2.Distance(new(lc.X, lc.Y), new(rc.X, rc.Y)));
        var top = mesh[Forehead];
        var chin = mesh[Chin];
        var pitch = MathF.Atan2(top.Z - chin.Z, Vector2.Distance(new(top.X, top.Y), new(chin.X, chin.Y)));
        const float deg = 180f / MathF.PI;
        return new HeadPose(yaw * deg, (pitch * deg) - LevelPitchDegrees, roll * deg);
    }

    /// <summary>The <c>eye_left</c>, <c>eye_right</c> and <c>mouth</c> attributes with the ratio as the value.</summary>
    public static IReadOnlyList<AttributeValue> EyesAndMouth(ReadOnlySpan<Vector3> mesh, GeometryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            Eye("eye_left", EyeAspectRatio(mesh, leftEye: true), options.EyeClosedBelow),
            Eye("eye_right", EyeAspectRatio(mesh, leftEye: false), options.EyeClosedBelow),
            Ratio("mouth", MouthAspectRatio(mesh), options.MouthOpenAbove, "open", "closed"),
        ];
    }

    private static AttributeValue Eye(string head, float ear, float closedBelow) =>
        Ratio(head, ear, closedBelow, "open", "closed");

    private static AttributeValue Ratio(string head, float ratio, float threshold, string above, string below)
    {
        // A soft probability from the distance to the threshold (logistic, 1/4 of the threshold per unit),
        // so values near the threshold read as uncertain.
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

    private static float Distance(Vector3 a, Vector3 b) => Vector2.Distance(new(a.X, a.Y), new(b.X, b.Y));
}
