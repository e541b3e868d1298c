using System.Numerics;
using FaceAttr.Vision.Landmarks;
using static FaceAttr.Vision.Landmarks.FaceMeshIndices;

namespace FaceAttr.Vision.Tests.Landmarks;

/// <summary>The geometry on hand-made point sets with known answers.</summary>
public sealed class FaceGeometryTests
{
    private const float Deg = MathF.PI / 180;

    /// <summary>
    /// A schematic frontal face in image pixels (x right, y down, z away from the camera), centred on the
    /// origin: eyes 60 px apart, lids 4.5 px above and below each eye line (EAR 0.3), mouth 50 px wide with
    /// a 10 px inner-lip gap (MAR 0.2), forehead and chin level in depth, cheeks 140 px apart.
    /// </summary>
    private static Vector3[] Frontal()
    {
        var mesh = new Vector3[Count];
        void Eye(int outer, int inner, int upOuter, int upInner, int lowOuter, int lowInner, float outerX, float innerX)
        {
            mesh[outer] = new(outerX, -20, 0);
            mesh[inner] = new(innerX, -20, 0);
            var third = (innerX - outerX) / 3;
            mesh[upOuter] = new(outerX + third, -24.5f, 0);
            mesh[lowOuter] = new(outerX + third, -15.5f, 0);
            mesh[upInner] = new(outerX + (2 * third), -24.5f, 0);
            mesh[lowInner] = new(outerX + (2 * third), -15.5f, 0);
        }

        Eye(RightEyeOuter, RightEyeInner, RightEyeUpperOuter, RightEyeUpperInner, RightEyeLowerOuter, RightEyeLowerInner, -45, -15);
        Eye(LeftEyeOuter, LeftEyeInner, LeftEyeUpperOuter, LeftEyeUpperInner, LeftEyeLowerOuter, LeftEyeLowerInner, 45, 15);
        mesh[MouthRightInner] = new(-25, 40, 0);
        mesh[MouthLeftInner] = new(25, 40, 0);
        mesh[UpperLipInner] = new(0, 35, 0);
        mesh[LowerLipInner] = new(0, 45, 0);
        mesh[NoseTip] = new(0, 10, -30);
        mesh[ForeheadTop] = new(0, -80, 0);
        mesh[ChinBottom] = new(0, 90, 0);
        mesh[RightCheek] = new(-70, 0, 20);
        mesh[LeftCheek] = new(70, 0, 20);
        return mesh;
    }

    private static Vector3[] Transform(Vector3[] mesh, Matrix4x4 m) => [.. mesh.Select(p => Vector3.Transform(p, m))];

    // System.Numerics rotates row vectors (p · M): CreateRotationY(a) takes (0,0,−1) to (−sin a, 0, −cos a) and
    // CreateRotationX(a) to (0, sin a, −cos a). In x-right, y-down, z-away image axes:
    // yaw towards the image's right moves the facing direction (0,0,−1) to (+sin, 0, −cos).
    private static Matrix4x4 Yaw(float degrees) => Matrix4x4.CreateRotationY(-degrees * Deg);

    // Looking up moves the facing direction to (0, −sin, −cos) (up is −y).
    private static Matrix4x4 Pitch(float degrees) => Matrix4x4.CreateRotationX(-degrees * Deg);

    // Clockwise in the image (y down) is a positive turn from +x towards +y.
    private static Matrix4x4 Roll(float degrees) => Matrix4x4.CreateRotationZ(degrees * Deg);

    [Fact]
    public void EyeAndMouthAspectRatiosOfTheSchematicFace()
    {
        var mesh = Frontal();
        Assert.Equal(0.3f, FaceGeometry.EyeAspectRatio(mesh, FaceSide.Right), 1e-5f);
        Assert.Equal(0.3f, FaceGeometry.EyeAspectRatio(mesh, FaceSide.Left), 1e-5f);
        Assert.Equal(0.2f, FaceGeometry.MouthAspectRatio(mesh), 1e-5f);
    }

    [Fact]
    public void ClosedLidsAndLipsReadZero()
    {
        var mesh = Frontal();
        mesh[RightEyeUpperOuter] = mesh[RightEyeLowerOuter];
        mesh[RightEyeUpperInner] = mesh[RightEyeLowerInner];
        mesh[UpperLipInner] = mesh[LowerLipInner];
        Assert.Equal(0f, FaceGeometry.EyeAspectRatio(mesh, FaceSide.Right));
        Assert.Equal(0.3f, FaceGeometry.EyeAspectRatio(mesh, FaceSide.Left), 1e-5f);
        Assert.Equal(0f, FaceGeometry.MouthAspectRatio(mesh));
        Assert.True(new GeometryOptions().IsEyeClosed(FaceGeometry.EyeAspectRatio(mesh, FaceSide.Right)));
        Assert.False(new GeometryOptions().IsMouthOpen(FaceGeometry.MouthAspectRatio(mesh)));
    }

    [Fact]
    public void DegenerateEyesAndMouthReadZeroRatherThanInfinity()
    {
        var mesh = new Vector3[Count];
        Assert.Equal(0f, FaceGeometry.EyeAspectRatio(mesh, FaceSide.Left));
        Assert.Equal(0f, FaceGeometry.MouthAspectRatio(mesh));
    }

    [Fact]
    public void EyeAspectRatioIgnoresYawBecauseItMeasuresIn3D()
    {
        // Turned 40°, each eye's width shrinks in the image by cos 40° but not in 3-D.
        var turned = Transform(Frontal(), Yaw(40));
        Assert.Equal(0.3f, FaceGeometry.EyeAspectRatio(turned, FaceSide.Right), 1e-4f);
        Assert.Equal(0.3f, FaceGeometry.EyeAspectRatio(turned, FaceSide.Left), 1e-4f);
    }

    [Fact]
    public void RatiosAndPoseAreUnchangedByScaleAndPosition()
    {
        var moved = Transform(Frontal(), Matrix4x4.CreateScale(3.5f) * Matrix4x4.CreateTranslation(400, 250, 0));
        var a = FaceGeometry.Measure(Frontal());
        var b = FaceGeometry.Measure(moved);
        Assert.Equal(a.RightEyeAspectRatio, b.RightEyeAspectRatio, 1e-5f);
        Assert.Equal(a.MouthAspectRatio, b.MouthAspectRatio, 1e-5f);
        Assert.Equal(a.Pose.Yaw, b.Pose.Yaw, 1e-3f);
        Assert.Equal(a.Pose.Pitch, b.Pose.Pitch, 1e-3f);
        Assert.Equal(a.InterOcularDistance * 3.5f, b.InterOcularDistance, 1e-3f);
        Assert.Equal(a.FaceWidth * 3.5f, b.FaceWidth, 1e-3f);
    }

    [Fact]
    public void AFrontalLevelFaceHasZeroYawAndRollAndOnlyTheLevelOffsetAsPitch()
    {
        var pose = FaceGeometry.Pose(Frontal());
        Assert.Equal(0f, pose.Yaw, 1e-4f);
        Assert.Equal(0f, pose.Roll, 1e-4f);
        Assert.Equal(-FaceGeometry.LevelPitchDegrees, pose.Pitch, 1e-4f);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(-40)]
    [InlineData(8)]
    public void YawIsPositiveTowardsTheImagesRight(float degrees)
    {
        var pose = FaceGeometry.Pose(Transform(Frontal(), Yaw(degrees)));
        Assert.Equal(degrees, pose.Yaw, 0.01f);
        Assert.Equal(0f, pose.Roll, 0.5f);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-15)]
    public void PitchIsPositiveLookingUp(float degrees)
    {
        var pose = FaceGeometry.Pose(Transform(Frontal(), Pitch(degrees)));
        Assert.Equal(degrees, pose.Pitch + FaceGeometry.LevelPitchDegrees, 0.01f);
        Assert.Equal(0f, pose.Yaw, 0.01f);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(-30)]
    public void RollIsPositiveClockwiseInTheImage(float degrees)
    {
        var pose = FaceGeometry.Pose(Transform(Frontal(), Roll(degrees)));
        Assert.Equal(degrees, pose.Roll, 0.01f);
        Assert.Equal(0f, pose.Yaw, 0.01f);
        Assert.Equal(-FaceGeometry.LevelPitchDegrees, pose.Pitch, 0.01f);
    }

    [Fact]
    public void SizesAreInterOcularDistanceAndCheekToCheekWidth()
    {
        var measures = FaceGeometry.Measure(Frontal());
        Assert.Equal(60f, measures.InterOcularDistance, 1e-4f); // eye centres at x = ±30
        Assert.Equal(140f, measures.FaceWidth, 1e-4f);
        Assert.Equal(FaceGeometry.EyeAspectRatio(Frontal(), FaceSide.Left), measures.LeftEyeAspectRatio);
    }

    [Fact]
    public void FewerThan468PointsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => FaceGeometry.Measure(new Vector3[100]));
        Assert.Throws<ArgumentException>(() => FaceGeometry.MouthAspectRatio(ReadOnlySpan<Vector3>.Empty));
    }

    [Fact]
    public void OptionsClassifyAroundTheirThresholdsAndRefuseNonsense()
    {
        var options = new GeometryOptions { EyeClosedBelow = 0.2f, MouthOpenAbove = 0.1f };
        Assert.True(options.IsEyeClosed(0.19f));
        Assert.False(options.IsEyeClosed(0.2f));
        Assert.True(options.IsMouthOpen(0.11f));
        Assert.False(options.IsMouthOpen(0.1f));
        options.Validate();
        new GeometryOptions().Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometryOptions { EyeClosedBelow = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometryOptions { MouthOpenAbove = float.NaN }.Validate());
    }
}
