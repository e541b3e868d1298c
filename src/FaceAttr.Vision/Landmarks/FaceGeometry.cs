using System.Numerics;
using FaceAttr.Core.Faces;
using static FaceAttr.Vision.Landmarks.FaceMeshIndices;

namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// Pure measures over the 468 facemesh points (<see cref="FaceLandmarks.Points"/>: image pixels, z in the
/// same scale, smaller z nearer the camera). Nothing here allocates.
/// </summary>
public static class FaceGeometry
{
    private const float Degrees = 180f / MathF.PI;

    /// <summary>
    /// Pitch the mesh reads for a level face, subtracted so that level reads 0. The forehead-top point
    /// sits behind the chin in a face looking straight at the camera; on CelebA images 1–1000 (aligned,
    /// nearly all frontal portraits) the median raw pitch was this value (LandmarkCalibrationTests).
    /// </summary>
    public const float LevelPitchDegrees = -9.5f;

    /// <summary>
    /// Eye aspect ratio (Soukupová and Čech): the two lid gaps over the corner-to-corner width,
    /// <c>(|p2−p6| + |p3−p5|) / (2 |p1−p4|)</c> with p1…p6 = 33, 160, 158, 133, 153, 144 for the right eye
    /// and 362, 385, 387, 263, 373, 380 for the left. Distances are 3-D (z is in pixel scale) so that the
    /// far eye of a turned head does not read wide open: in the image plane its width shrinks with the yaw
    /// (CelebA faces at 40–55° yaw read up to 0.62 that way, at most 0.39 in 3-D). Facemesh never quite
    /// closes a lid: open eyes read about 0.19–0.34 (CelebA 5th–95th percentile), eyes judged closed
    /// 0.11–0.16 (Landmarks/README.md).
    /// </summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static float EyeAspectRatio(ReadOnlySpan<Vector3> mesh, FaceSide eye)
    {
        Require(mesh);
        return eye == FaceSide.Right
            ? Ratio(mesh[RightEyeUpperOuter], mesh[RightEyeLowerOuter], mesh[RightEyeUpperInner], mesh[RightEyeLowerInner], mesh[RightEyeOuter], mesh[RightEyeInner])
            : Ratio(mesh[LeftEyeUpperOuter], mesh[LeftEyeLowerOuter], mesh[LeftEyeUpperInner], mesh[LeftEyeLowerInner], mesh[LeftEyeOuter], mesh[LeftEyeInner]);
    }

    /// <summary>
    /// Mouth aspect ratio: the inner-lip gap (13 to 14) over the inner-corner width (78 to 308), in the
    /// image plane (on CelebA's Mouth_Slightly_Open labels the image-plane ratio did a little better than
    /// the 3-D one: 88.1% against 87.6% held out). Near 0 for closed lips, 0.1–0.3 slightly open, 0.5 and
    /// more wide open.
    /// </summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static float MouthAspectRatio(ReadOnlySpan<Vector3> mesh)
    {
        Require(mesh);
        var width = Distance2D(mesh[MouthRightInner], mesh[MouthLeftInner]);
        return width > 0 ? Distance2D(mesh[UpperLipInner], mesh[LowerLipInner]) / width : 0f;
    }

    /// <summary>
    /// Head pose in degrees with <see cref="HeadPose"/>'s signs: yaw positive when the face turns towards
    /// the image's right (the subject's left), pitch positive looking up, roll positive when the head tilts
    /// clockwise in the image.
    /// <para>
    /// An approximation from the mesh's own depth, no 3-D model fit: roll is the angle of the line between
    /// the outer eye corners in the image. A face frame is built from two 3-D directions, across (outer eye
    /// corners plus cheek edges, right to left) and down (forehead top to chin); the face normal is their
    /// cross product. Yaw is the normal's turn about the image's vertical axis, pitch its turn about the
    /// horizontal axis, minus <see cref="LevelPitchDegrees"/>. Exact on a rigid synthetic mesh; on real faces
    /// its signs agree with 2-D nose-tip cues and flip with a mirrored image, but no pose labels were at hand
    /// to measure its error in degrees. Beyond about ±45° of yaw the far side of the mesh is guessed.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static HeadPose Pose(ReadOnlySpan<Vector3> mesh)
    {
        Require(mesh);
        var eyeLine = mesh[LeftEyeOuter] - mesh[RightEyeOuter];
        var roll = MathF.Atan2(eyeLine.Y, eyeLine.X);

        var across = Normalize(eyeLine) + Normalize(mesh[LeftCheek] - mesh[RightCheek]);
        var down = mesh[ChinBottom] - mesh[ForeheadTop];
        across = Normalize(across);
        down = Normalize(down - (Vector3.Dot(down, across) * across));

        // Image axes: x right, y down, z away from the camera (right-handed). across × down points into the
        // head; the face looks the other way.
        var facing = -Vector3.Cross(across, down);
        var yaw = MathF.Atan2(facing.X, -facing.Z);
        var pitch = MathF.Atan2(-facing.Y, MathF.Sqrt((facing.X * facing.X) + (facing.Z * facing.Z)));
        return new HeadPose(yaw * Degrees, (pitch * Degrees) - LevelPitchDegrees, roll * Degrees);
    }

    /// <summary>Distance in image pixels between the eye centres (midpoints of each eye's corners), in the image plane.</summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static float InterOcularDistance(ReadOnlySpan<Vector3> mesh)
    {
        Require(mesh);
        var right = (mesh[RightEyeOuter] + mesh[RightEyeInner]) / 2;
        var left = (mesh[LeftEyeOuter] + mesh[LeftEyeInner]) / 2;
        return Distance2D(right, left);
    }

    /// <summary>Width of the face in image pixels: distance between the cheek edges (234, 454) in the image plane.</summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static float FaceWidth(ReadOnlySpan<Vector3> mesh)
    {
        Require(mesh);
        return Distance2D(mesh[RightCheek], mesh[LeftCheek]);
    }

    /// <summary>All of the measures at once.</summary>
    /// <exception cref="ArgumentException">The span holds fewer than 468 points.</exception>
    public static FaceMeasures Measure(ReadOnlySpan<Vector3> mesh) => new(
        EyeAspectRatio(mesh, FaceSide.Right),
        EyeAspectRatio(mesh, FaceSide.Left),
        MouthAspectRatio(mesh),
        Pose(mesh),
        InterOcularDistance(mesh),
        FaceWidth(mesh));

    private static float Ratio(Vector3 upper1, Vector3 lower1, Vector3 upper2, Vector3 lower2, Vector3 corner1, Vector3 corner2)
    {
        var width = Vector3.Distance(corner1, corner2);
        return width > 0 ? (Vector3.Distance(upper1, lower1) + Vector3.Distance(upper2, lower2)) / (2 * width) : 0f;
    }

    private static Vector3 Normalize(Vector3 v)
    {
        var length = v.Length();
        return length > 0 ? v / length : v;
    }

    private static float Distance2D(Vector3 a, Vector3 b) => Vector2.Distance(new(a.X, a.Y), new(b.X, b.Y));

    private static void Require(ReadOnlySpan<Vector3> mesh)
    {
        if (mesh.Length < Count)
        {
            throw new ArgumentException($"expected the {Count} facemesh points, got {mesh.Length}", nameof(mesh));
        }
    }
}
