using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Landmarks;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;
using Xunit.Abstractions;

namespace FaceAttr.Vision.Tests.Landmarks;

/// <summary>The iris model on eye crops from a fitted mesh: where the irises land, the mirroring rule, refusals.</summary>
public sealed class IrisLocatorTests(ITestOutputHelper output)
{
    private static IrisLocator OpenIris() => new(TestPaths.RequireBundle(), LandmarkFixtures.Entry("iris"), new IrisOptions());

    private static Vector2 Xy(Vector3 p) => new(p.X, p.Y);

    private bool TryFitAstronaut(out DecodedImage image, out FaceLandmarks fit)
    {
        fit = new FaceLandmarks();
        image = null!;
        var path = LandmarkFixtures.Astronaut();
        if (path is null)
        {
            output.WriteLine("shared samples/astronaut.png absent here; not checked.");
            return false;
        }

        image = ImageDecoder.Load(path);
        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        Assert.True(LandmarkFixtures.FitFromGuess(landmarker, image.View, LandmarkFixtures.AstronautGuess(image.Width, image.Height), fit, out _));
        return true;
    }

    [Fact]
    public void TheAstronautsIrisesSitBetweenHerEyeCornersWithPlausibleRadii()
    {
        if (!TryFitAstronaut(out var image, out var fit))
        {
            return;
        }

        using var iris = OpenIris();
        Assert.True(iris.TryLocate(image.View, fit, out var irises));
        foreach (var (side, outer, inner) in new[]
        {
            (FaceSide.Right, FaceMeshIndices.RightEyeOuter, FaceMeshIndices.RightEyeInner),
            (FaceSide.Left, FaceMeshIndices.LeftEyeOuter, FaceMeshIndices.LeftEyeInner),
        })
        {
            var width = Vector2.Distance(Xy(fit[outer]), Xy(fit[inner]));
            var centre = (Xy(fit[outer]) + Xy(fit[inner])) / 2;
            var found = irises[side];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{side} iris at {found.Center}, radius {found.Radius:F2} px; eye width {width:F1} px, offset from the corners' midpoint {Vector2.Distance(found.Center, centre) / width:F2} widths"));

            // A human iris is about 11.7 mm across in an eye opening of about 28–30 mm: radius ≈ 0.2 eye widths.
            Assert.InRange(found.Radius / width, 0.14f, 0.28f);
            Assert.InRange(Vector2.Distance(found.Center, centre), 0, 0.2f * width);
        }

        Assert.InRange(irises.Right.Radius / irises.Left.Radius, 0.8f, 1.25f);
    }

    [Fact]
    public void TheModelsContourStartsAtTheOuterCornerOnlyWhenTheLeftEyeIsMirrored()
    {
        // The model's 71 eye-contour points start at the crop's left corner and its point 8 is the other
        // corner. It was trained on the right eye's layout (outer corner left), so the left eye is mirrored.
        if (!TryFitAstronaut(out var image, out var fit))
        {
            return;
        }

        using var iris = OpenIris();
        using var runner = new ModelRunner(TestPaths.Bundle, LandmarkFixtures.Entry("iris"), new SessionSettings());
        var rightOuter = Xy(fit[FaceMeshIndices.RightEyeOuter]);
        var rightInner = Xy(fit[FaceMeshIndices.RightEyeInner]);
        var leftOuter = Xy(fit[FaceMeshIndices.LeftEyeOuter]);
        var leftInner = Xy(fit[FaceMeshIndices.LeftEyeInner]);

        float Error(Affine2D crop, RgbImageSource source, Vector2 expectFirst, Vector2 expectEighth, float width)
        {
            runner.Run(source.View, crop);
            var raw = runner.Output(0);
            var first = crop.Apply(raw[0], raw[1]);
            var eighth = crop.Apply(raw[8 * 3], raw[(8 * 3) + 1]);
            return (Vector2.Distance(first, expectFirst) + Vector2.Distance(eighth, expectEighth)) / (2 * width);
        }

        var source = new RgbImageSource(image);
        var rightWidth = Vector2.Distance(rightOuter, rightInner);
        var leftWidth = Vector2.Distance(leftOuter, leftInner);
        var right = Error(iris.EyeCrop(rightOuter, rightInner, FaceSide.Right), source, rightOuter, rightInner, rightWidth);
        var left = Error(iris.EyeCrop(leftOuter, leftInner, FaceSide.Left), source, leftOuter, leftInner, leftWidth);

        // The left eye without mirroring: an upright crop shows its inner corner on the left.
        var centre = (leftOuter + leftInner) / 2;
        var angle = MathF.Atan2(leftOuter.Y - leftInner.Y, leftOuter.X - leftInner.X);
        var unmirrored = Affine2D.FromRotatedSquare(centre.X, centre.Y, leftWidth * 2.3f, angle, 64, 64);
        var unmirroredError = Error(unmirrored, source, leftOuter, leftInner, leftWidth);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"contour points 0 and 8 from the outer and inner corners, in eye widths: right {right:F2}, left mirrored {left:F2}, left not mirrored {unmirroredError:F2}"));
        Assert.InRange(right, 0, 0.15f);
        Assert.InRange(left, 0, 0.15f);
        Assert.InRange(unmirroredError, 0.6f, 2f);
    }

    [Fact]
    public void AMirroredFaceGivesMirroredIrises()
    {
        if (!TryFitAstronaut(out var image, out var fit))
        {
            return;
        }

        using var iris = OpenIris();
        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        Assert.True(iris.TryLocate(image.View, fit, out var irises));
        var mirrored = LandmarkFixtures.Mirror(image);
        var mirroredFit = new FaceLandmarks();
        Assert.True(landmarker.TryFit(mirrored.View, LandmarkFixtures.Mirror(fit.ToDetectedFace(), image.Width), mirroredFit));
        Assert.True(iris.TryLocate(mirrored.View, mirroredFit, out var mirroredIrises));
        var expected = new Vector2(image.Width - irises.Left.Center.X, irises.Left.Center.Y);
        output.WriteLine($"left iris mirrored {expected}; right iris of the mirror image {mirroredIrises.Right.Center}");
        Assert.InRange(Vector2.Distance(expected, mirroredIrises.Right.Center), 0, 1.5f);
        Assert.Equal(irises.Left.Radius, mirroredIrises.Right.Radius, 0.15f * irises.Left.Radius);
    }

    [Fact]
    public void AnUnfittedFaceIsRefusedAndWrongModelsAtConstruction()
    {
        using var iris = OpenIris();
        var pixels = new byte[32 * 32 * 3];
        Assert.False(iris.TryLocate(new Core.Imaging.RgbImage(pixels, 32, 32), new FaceLandmarks(), out var none));
        Assert.Equal(default, none);
        var ex = Assert.Throws<ModelContractException>(() => new IrisLocator(TestPaths.Bundle, LandmarkFixtures.Entry("facemesh"), new IrisOptions()));
        Assert.Contains("not iris", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new IrisLocator(TestPaths.Bundle, LandmarkFixtures.Entry("iris"), new IrisOptions { EyeCropScale = 10 }));
    }

    [Fact]
    public void TryLocateAllocatesNothingAndItsLatencyIsPrinted()
    {
        if (!TryFitAstronaut(out var image, out var fit))
        {
            return;
        }

        using var iris = OpenIris();
        iris.TryLocate(image.View, fit, out _);
        var passes = ThreadAllocations.UntilZero(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                iris.TryLocate(image.View, fit, out _);
            }
        });
        Assert.True(passes[^1] == 0, $"bytes allocated by 10 TryLocate calls, per pass: {string.Join(", ", passes)}");

        var times = new double[50];
        for (var i = 0; i < times.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            iris.TryLocate(image.View, fit, out _);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TryLocate (both eyes, 1 intra-op thread): median {times[times.Length / 2]:F2} ms, p90 {times[times.Length * 9 / 10]:F2} ms"));
    }

    /// <summary>Keeps a decoded image reachable from a local function (RgbImage is a ref struct).</summary>
    private sealed class RgbImageSource(DecodedImage image)
    {
        public Core.Imaging.RgbImage View => image.View;
    }
}
