using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Landmarks;
using FaceAttr.Vision.Models;
using Xunit.Abstractions;

namespace FaceAttr.Vision.Tests.Landmarks;

/// <summary>
/// Facemesh on real faces: anatomy of the fit on astronaut.png, points that follow a rotated image, yaw that
/// flips with a mirrored image, refusals (no face, bad detections, wrong models), no allocation per fit.
/// </summary>
public sealed class FaceMeshLandmarkerTests(ITestOutputHelper output)
{
    private static Vector2 Xy(Vector3 p) => new(p.X, p.Y);

    private static Vector2 Mid(FaceLandmarks f, int a, int b) => (Xy(f[a]) + Xy(f[b])) / 2;

    private static DecodedImage? LoadAstronaut(ITestOutputHelper output)
    {
        var path = LandmarkFixtures.Astronaut();
        if (path is null)
        {
            output.WriteLine("shared samples/astronaut.png absent here; not checked.");
            return null;
        }

        return ImageDecoder.Load(path);
    }

    private static (FaceLandmarks Fit, DetectedFace Face) FitAstronaut(FaceMeshLandmarker landmarker, DecodedImage image)
    {
        var result = new FaceLandmarks();
        Assert.True(LandmarkFixtures.FitFromGuess(landmarker, image.View, LandmarkFixtures.AstronautGuess(image.Width, image.Height), result, out var face),
            $"facemesh did not fit the astronaut: {result.Status}, presence {result.Presence}");
        return (result, face);
    }

    [Fact]
    public void AstronautLandmarksLandOnHerFaceInAnatomicalOrder()
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (fit, _) = FitAstronaut(landmarker, image);
        var rightEye = Mid(fit, FaceMeshIndices.RightEyeOuter, FaceMeshIndices.RightEyeInner);
        var leftEye = Mid(fit, FaceMeshIndices.LeftEyeOuter, FaceMeshIndices.LeftEyeInner);
        var nose = Xy(fit[FaceMeshIndices.NoseTip]);
        var mouth = Mid(fit, FaceMeshIndices.UpperLipInner, FaceMeshIndices.LowerLipInner);
        var iod = Vector2.Distance(rightEye, leftEye);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"presence {fit.Presence:F3}; eyes {rightEye} {leftEye}; nose {nose}; mouth {mouth}; crop side {fit.CropSide:F0}, angle {fit.CropAngle * 180 / MathF.PI:F1}°"));

        Assert.InRange(fit.Presence, 0.9f, 1f);

        // Her face spans about x 175–280, y 65–190 of the 512×512 portrait (by eye); every point lies near it.
        foreach (var p in fit.Points)
        {
            Assert.InRange(p.X, 160, 300);
            Assert.InRange(p.Y, 40, 210);
        }

        // Eyes above the nose tip above the mouth; the subject's right eye on the image's left.
        Assert.True(rightEye.X < leftEye.X);
        Assert.True(Math.Max(rightEye.Y, leftEye.Y) < nose.Y, "eyes above the nose tip");
        Assert.True(nose.Y < mouth.Y, "nose tip above the mouth");
        Assert.InRange(iod, 35, 55);

        // Symmetric: the nose and mouth sit near the perpendicular bisector of the eyes, both eyes level-ish.
        var eyesMid = (rightEye + leftEye) / 2;
        Assert.InRange(MathF.Abs(nose.X - eyesMid.X), 0, 0.15f * iod);
        Assert.InRange(MathF.Abs(mouth.X - eyesMid.X), 0, 0.15f * iod);
        Assert.InRange(MathF.Abs(rightEye.Y - leftEye.Y), 0, 0.15f * iod);
    }

    [Fact]
    public void RefittingFromTheMeshsOwnDetectionIsStable()
    {
        // What a tracker does between frames: the next crop comes from the last mesh, not the detector.
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (first, _) = FitAstronaut(landmarker, image);
        var face = first.ToDetectedFace();
        var box = face.Box;
        Assert.Equal(first.Presence, face.Score);
        for (var k = 0; k < FaceKeypoints.Count; k++)
        {
            Assert.InRange(face.Keypoints[k].X, box.X - 1, box.Right + 1);
            Assert.InRange(face.Keypoints[k].Y, box.Y - 1, box.Bottom + 1);
        }

        var second = new FaceLandmarks();
        Assert.True(landmarker.TryFit(image.View, face, second));
        var moved = 0f;
        for (var i = 0; i < FaceMeshIndices.Count; i++)
        {
            moved += Vector3.Distance(first[i], second[i]) / FaceMeshIndices.Count;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"box {box}; mean point movement on re-fit {moved:F2} px"));
        Assert.InRange(moved, 0, 1f);
    }

    [Fact]
    public void MeshIndicesSitWhereTheirNamesSay()
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (f, _) = FitAstronaut(landmarker, image);

        // Upper lid above the lower lid at the same third of each eye.
        Assert.True(f[FaceMeshIndices.RightEyeUpperOuter].Y < f[FaceMeshIndices.RightEyeLowerOuter].Y);
        Assert.True(f[FaceMeshIndices.RightEyeUpperInner].Y < f[FaceMeshIndices.RightEyeLowerInner].Y);
        Assert.True(f[FaceMeshIndices.LeftEyeUpperOuter].Y < f[FaceMeshIndices.LeftEyeLowerOuter].Y);
        Assert.True(f[FaceMeshIndices.LeftEyeUpperInner].Y < f[FaceMeshIndices.LeftEyeLowerInner].Y);

        // Outer corners towards the ears, inner corners towards the nose; lid points between the corners,
        // the outer third nearer the outer corner.
        Assert.True(f[FaceMeshIndices.RightEyeOuter].X < f[FaceMeshIndices.RightEyeUpperOuter].X);
        Assert.True(f[FaceMeshIndices.RightEyeUpperOuter].X < f[FaceMeshIndices.RightEyeUpperInner].X);
        Assert.True(f[FaceMeshIndices.RightEyeUpperInner].X < f[FaceMeshIndices.RightEyeInner].X);
        Assert.True(f[FaceMeshIndices.RightEyeInner].X < f[FaceMeshIndices.NoseTip].X);
        Assert.True(f[FaceMeshIndices.NoseTip].X < f[FaceMeshIndices.LeftEyeInner].X);
        Assert.True(f[FaceMeshIndices.LeftEyeInner].X < f[FaceMeshIndices.LeftEyeUpperInner].X);
        Assert.True(f[FaceMeshIndices.LeftEyeUpperInner].X < f[FaceMeshIndices.LeftEyeUpperOuter].X);
        Assert.True(f[FaceMeshIndices.LeftEyeUpperOuter].X < f[FaceMeshIndices.LeftEyeOuter].X);
        Assert.True(f[FaceMeshIndices.RightEyeLowerOuter].X < f[FaceMeshIndices.RightEyeLowerInner].X);
        Assert.True(f[FaceMeshIndices.LeftEyeLowerInner].X < f[FaceMeshIndices.LeftEyeLowerOuter].X);

        // Mouth: inner lip centres between the inner corners, upper above lower; the face's outline points.
        Assert.True(f[FaceMeshIndices.MouthRightInner].X < f[FaceMeshIndices.UpperLipInner].X);
        Assert.True(f[FaceMeshIndices.UpperLipInner].X < f[FaceMeshIndices.MouthLeftInner].X);
        Assert.True(f[FaceMeshIndices.UpperLipInner].Y < f[FaceMeshIndices.LowerLipInner].Y);
        Assert.True(f[FaceMeshIndices.ForeheadTop].Y < f[FaceMeshIndices.RightEyeOuter].Y);
        Assert.True(f[FaceMeshIndices.LowerLipInner].Y < f[FaceMeshIndices.ChinBottom].Y);
        Assert.True(f[FaceMeshIndices.RightCheek].X < f[FaceMeshIndices.RightEyeOuter].X);
        Assert.True(f[FaceMeshIndices.LeftEyeOuter].X < f[FaceMeshIndices.LeftCheek].X);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-35)]
    public void PointsFollowTheFaceWhenTheImageIsRotated(float degrees)
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (upright, face) = FitAstronaut(landmarker, image);
        var angle = degrees * MathF.PI / 180;
        var rotated = LandmarkFixtures.Rotate(image, angle, out var turn);
        var turnedFace = LandmarkFixtures.Turn(face, turn);
        var fit = new FaceLandmarks();
        Assert.True(landmarker.TryFit(rotated.View, turnedFace, fit), $"{fit.Status}, presence {fit.Presence}");

        // The crop turns with the eye line, so the model sees nearly the same pixels: the points move with the image.
        var errors = new float[FaceMeshIndices.Count];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = Vector2.Distance(LandmarkFixtures.TurnPoint(turn, Xy(upright[i])), Xy(fit[i]));
        }

        var mean = errors.Average();
        var max = errors.Max();
        var roll = FaceGeometry.Pose(fit.Points).Roll - FaceGeometry.Pose(upright.Points).Roll;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rotated {degrees}°: mean point error {mean:F2} px, max {max:F2} px (inter-ocular ≈ 45 px); roll changed by {roll:F2}°; crop angle changed by {(fit.CropAngle - upright.CropAngle) * 180 / MathF.PI:F2}°"));
        Assert.InRange(mean, 0, 1.5f);
        Assert.InRange(max, 0, 4f);
        Assert.Equal(degrees, roll, 1f);
        Assert.Equal(upright.CropSide, fit.CropSide, 0.01f);
    }

    [Fact]
    public void MirroringTheAstronautFlipsYawAndRollAndKeepsPitch()
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (fit, face) = FitAstronaut(landmarker, image);
        var pose = FaceGeometry.Pose(fit.Points);
        var mirrored = LandmarkFixtures.Mirror(image);
        var mirroredFit = new FaceLandmarks();
        Assert.True(landmarker.TryFit(mirrored.View, LandmarkFixtures.Mirror(face, image.Width), mirroredFit));
        var mirroredPose = FaceGeometry.Pose(mirroredFit.Points);
        output.WriteLine($"astronaut {pose}; mirrored {mirroredPose}");
        Assert.Equal(-pose.Yaw, mirroredPose.Yaw, 1.5f);
        Assert.Equal(-pose.Roll, mirroredPose.Roll, 0.5f);
        Assert.Equal(pose.Pitch, mirroredPose.Pitch, 1.5f);

        // The subject's right eye of the mirror image is her left eye.
        Assert.Equal(FaceGeometry.EyeAspectRatio(fit.Points, FaceSide.Left), FaceGeometry.EyeAspectRatio(mirroredFit.Points, FaceSide.Right), 0.03f);
    }

    [Fact]
    public void MirroringTurnedCelebAFacesFlipsTheSignOfTheirYaw()
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            output.WriteLine("shared celeba data absent here; not checked.");
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var fit = new FaceLandmarks();
        var mirroredFit = new FaceLandmarks();
        var checkedFaces = 0;
        foreach (var (file, _) in LandmarkFixtures.CelebA(celeba, "Male").Take(200))
        {
            var image = ImageDecoder.Load(Path.Combine(celeba, "images", file));
            if (!LandmarkFixtures.FitFromGuess(landmarker, image.View, LandmarkFixtures.ChipGuess(image.Width, image.Height), fit, out var face))
            {
                continue;
            }

            var yaw = FaceGeometry.Pose(fit.Points).Yaw;
            if (MathF.Abs(yaw) is < 15 or > 40)
            {
                continue;
            }

            var mirrored = LandmarkFixtures.Mirror(image);
            Assert.True(landmarker.TryFit(mirrored.View, LandmarkFixtures.Mirror(face, image.Width), mirroredFit));
            var mirroredYaw = FaceGeometry.Pose(mirroredFit.Points).Yaw;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: yaw {yaw:F1}°, mirrored {mirroredYaw:F1}°"));
            Assert.Equal(-MathF.Sign(yaw), MathF.Sign(mirroredYaw));
            Assert.Equal(-yaw, mirroredYaw, 0.2f * MathF.Abs(yaw));
            if (++checkedFaces == 10)
            {
                break;
            }
        }

        Assert.Equal(10, checkedFaces);
    }

    [Fact]
    public void YawAndPitchAgreeWithTheNoseTipsOffsetOnCelebA()
    {
        // Independent 2-D cues. A face turned towards the image's right shows its nose tip right of the
        // midpoint of the cheek edges: the 3-D yaw must agree in sign wherever the turn is clear. A face
        // looking up shows its nose tip nearer the eye line (relative to the eye-to-mouth distance): pitch
        // must fall as that ratio rises.
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            output.WriteLine("shared celeba data absent here; not checked.");
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var fit = new FaceLandmarks();
        int agree = 0, clear = 0;
        var pitches = new List<double>();
        var noseHeights = new List<double>();
        foreach (var (file, _) in LandmarkFixtures.CelebA(celeba, "Male").Take(300))
        {
            var image = ImageDecoder.Load(Path.Combine(celeba, "images", file));
            if (!LandmarkFixtures.FitFromGuess(landmarker, image.View, LandmarkFixtures.ChipGuess(image.Width, image.Height), fit, out _))
            {
                continue;
            }

            var pose = FaceGeometry.Pose(fit.Points);
            var cheeks = Mid(fit, FaceMeshIndices.RightCheek, FaceMeshIndices.LeftCheek);
            var offset = (fit[FaceMeshIndices.NoseTip].X - cheeks.X) / FaceGeometry.FaceWidth(fit.Points);
            if (MathF.Abs(pose.Yaw) >= 10)
            {
                clear++;
                agree += MathF.Sign(pose.Yaw) == MathF.Sign(offset) ? 1 : 0;
            }

            var eyes = (Mid(fit, FaceMeshIndices.RightEyeOuter, FaceMeshIndices.RightEyeInner) + Mid(fit, FaceMeshIndices.LeftEyeOuter, FaceMeshIndices.LeftEyeInner)) / 2;
            var mouth = Mid(fit, FaceMeshIndices.UpperLipInner, FaceMeshIndices.LowerLipInner);
            pitches.Add(pose.Pitch);
            noseHeights.Add(Vector2.Distance(Xy(fit[FaceMeshIndices.NoseTip]), eyes) / Vector2.Distance(mouth, eyes));
        }

        var correlation = Correlation(pitches, noseHeights);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CelebA images 1-300: yaw and nose offset agree in sign on {agree} of {clear} faces with |yaw| >= 10°; correlation of pitch with nose height {correlation:F2} over {pitches.Count}"));
        Assert.InRange(agree / (double)clear, 0.95, 1.0);
        Assert.InRange(correlation, -1.0, -0.3);
    }

    private static double Correlation(List<double> a, List<double> b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Count; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void ABlankImageIsNoFaceAndLeavesNoStalePoints()
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (fit, face) = FitAstronaut(landmarker, image);
        var grey = new byte[image.Pixels.Length];
        Array.Fill(grey, (byte)128);
        Assert.False(landmarker.TryFit(new RgbImage(grey, image.Width, image.Height), face, fit));
        output.WriteLine($"grey image: presence {fit.Presence}");
        Assert.Equal(LandmarkFitStatus.NoFace, fit.Status);
        Assert.False(fit.IsFitted);
        Assert.InRange(fit.Presence, 0f, 0.5f);
        Assert.All(fit.Points.ToArray(), p => Assert.Equal(Vector3.Zero, p));
        Assert.Throws<InvalidOperationException>(() => fit.ToDetectedFace());
    }

    [Fact]
    public void DetectionsThatCannotBeFramedAreRefused()
    {
        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var pixels = new byte[64 * 64 * 3];
        var fit = new FaceLandmarks();
        var good = LandmarkFixtures.Guess(32, 32, 30);
        var noWidth = good with { Box = new BoxF(10, 10, 0, 30) };
        var keypoints = good.Keypoints;
        keypoints[FaceKeypoints.LeftEye] = new Vector2(float.NaN, 3);
        var nanEye = good with { Keypoints = keypoints };
        var infiniteBox = good with { Box = new BoxF(float.PositiveInfinity, 0, 10, 10) };
        foreach (var face in new[] { noWidth, nanEye, infiniteBox })
        {
            Assert.False(landmarker.TryFit(new RgbImage(pixels, 64, 64), face, fit));
            Assert.Equal(LandmarkFitStatus.InvalidInput, fit.Status);
        }
    }

    [Fact]
    public void WrongModelsAndOptionsAreRefusedAtConstruction()
    {
        var iris = Assert.Throws<ModelContractException>(() => new FaceMeshLandmarker(TestPaths.RequireBundle(), LandmarkFixtures.Entry("iris"), new LandmarkOptions()));
        Assert.Contains("not landmarks", iris.Message, StringComparison.Ordinal);
        var noPresence = LandmarkFixtures.Entry("facemesh") with
        {
            Outputs = [.. LandmarkFixtures.Entry("facemesh").Outputs.Where(o => o.Kind != Core.Bundles.OutputKind.Presence)],
        };
        var ex = Assert.Throws<ModelContractException>(() => new FaceMeshLandmarker(TestPaths.Bundle, noPresence, new LandmarkOptions()));
        Assert.Contains("presence", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceMeshLandmarker(TestPaths.Bundle, LandmarkFixtures.Entry("facemesh"), new LandmarkOptions { MinPresence = 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceMeshLandmarker(TestPaths.Bundle, LandmarkFixtures.Entry("facemesh"), new LandmarkOptions { CropScale = 0.5f }));
    }

    [Fact]
    public void TheCropIsTheBoxSideTimesTheScaleCentredOnTheBoxAndTurnedByTheEyes()
    {
        using var landmarker = LandmarkFixtures.OpenFaceMesh(new LandmarkOptions { CropScale = 2f });
        var face = LandmarkFixtures.Guess(100, 80, 40) with { Box = new BoxF(80, 50, 40, 60) };
        var keypoints = face.Keypoints;
        keypoints[FaceKeypoints.RightEye] = new Vector2(90, 70);
        keypoints[FaceKeypoints.LeftEye] = new Vector2(110, 90); // eye line at 45°
        Assert.True(landmarker.TryFrame(face with { Keypoints = keypoints }, out var crop, out var side, out var angle));
        Assert.Equal(120f, side, 1e-3f);
        Assert.Equal(MathF.PI / 4, angle, 1e-5f);
        var centre = crop.Apply(96, 96);
        Assert.Equal(100f, centre.X, 1e-3f);
        Assert.Equal(80f, centre.Y, 1e-3f);

        // The crop's x axis runs along the eye line.
        var along = crop.Apply(192, 96) - centre;
        Assert.Equal(along.X, along.Y, 1e-3f);
        Assert.Equal(60f, along.Length(), 1e-3f);
    }

    [Fact]
    public void TryFitAllocatesNothing()
    {
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var (fit, face) = FitAstronaut(landmarker, image);
        landmarker.TryFit(image.View, face, fit);
        var passes = ThreadAllocations.UntilZero(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                landmarker.TryFit(image.View, face, fit);
            }
        });
        output.WriteLine($"bytes allocated over 10 fits, per pass: {string.Join(", ", passes)}");
        Assert.Equal(0, passes[^1]);
    }

    [Fact]
    public void TryFitLatencyWithOneIntraOpThread()
    {
        // A measurement printed for the README, not a timed assertion.
        if (LoadAstronaut(output) is not { } image)
        {
            return;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh(new LandmarkOptions { Session = new SessionSettings { IntraOpThreads = 1 } });
        var (fit, face) = FitAstronaut(landmarker, image);
        for (var i = 0; i < 5; i++)
        {
            landmarker.TryFit(image.View, face, fit);
        }

        var times = new double[50];
        for (var i = 0; i < times.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            landmarker.TryFit(image.View, face, fit);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
#if DEBUG
        const string build = "Debug";
#else
        const string build = "Release";
#endif
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TryFit ({build}, 1 intra-op thread, {Environment.ProcessorCount} cores): median {times[times.Length / 2]:F2} ms, p90 {times[times.Length * 9 / 10]:F2} ms, min {times[0]:F2} ms over {times.Length} calls"));
    }
}
