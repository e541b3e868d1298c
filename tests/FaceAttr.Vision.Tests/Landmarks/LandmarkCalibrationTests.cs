using System.Globalization;
using System.Numerics;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Landmarks;
using Xunit.Abstractions;

namespace FaceAttr.Vision.Tests.Landmarks;

/// <summary>
/// Measures the <see cref="GeometryOptions"/> defaults and the pose level on real CelebA faces, and checks
/// the mouth threshold on held-out images. Each face is a tight aligned chip, fitted from a guessed square
/// and then twice from its own mesh (<see cref="LandmarkFixtures.FitFromGuess"/>); images 1–2000 are fitted
/// once and shared by the tests of this class.
/// </summary>
public sealed class LandmarkCalibrationTests(ITestOutputHelper output)
{
    private const int TrainCount = 1000;
    private const int HeldOutCount = 1000;

    private static readonly Lazy<(List<Sample> Fitted, List<string> NotFitted)?> CelebAFits = new(() => FitCelebA(TrainCount + HeldOutCount));

    [Fact]
    public void MouthThresholdFromCelebAImages1To1000HoldsOnImages1001To2000()
    {
        if (Fits() is not var (samples, notFitted))
        {
            return;
        }

        var train = samples.Where(s => s.Number <= TrainCount).ToList();
        var heldOut = samples.Where(s => s.Number > TrainCount).ToList();
        output.WriteLine($"CelebA images 1-{TrainCount + HeldOutCount}: fitted {samples.Count}; not fitted {notFitted.Count}: {string.Join(", ", notFitted)}");
        output.WriteLine(Invariant($"Mouth_Slightly_Open share: images 1-{TrainCount} {OpenShare(train):P1} of {train.Count}, held out {OpenShare(heldOut):P1} of {heldOut.Count}"));

        var threshold = BestThreshold(train, s => s.Measures.MouthAspectRatio, out var trainAccuracy);
        var chosen = new GeometryOptions().MouthOpenAbove;
        var heldOutAccuracy = Accuracy(heldOut, s => s.Measures.MouthAspectRatio, chosen);
        output.WriteLine(Invariant($"MAR (image plane): best threshold on images 1-{TrainCount} {threshold:F4} ({trainAccuracy:P1} of {train.Count})"));
        output.WriteLine(Invariant($"  default MouthOpenAbove {chosen}: images 1-{TrainCount} {Accuracy(train, s => s.Measures.MouthAspectRatio, chosen):P1}, held out 1001-2000 {heldOutAccuracy:P1} of {heldOut.Count}"));

        var threshold3D = BestThreshold(train, s => s.Mar3D, out var train3D);
        output.WriteLine(Invariant($"MAR with 3-D distances, for comparison: threshold {threshold3D:F4}, images 1-{TrainCount} {train3D:P1}, held out {Accuracy(heldOut, s => s.Mar3D, threshold3D):P1}"));

        // The default must be as good as the best threshold on the images it was chosen on (within half a
        // percent, should the runtime's arithmetic move a face or two), and hold out of sample.
        Assert.InRange(Accuracy(train, s => s.Measures.MouthAspectRatio, chosen), trainAccuracy - 0.005, 1.0);
        Assert.InRange(heldOutAccuracy, 0.75, 1.0);
    }

    [Fact]
    public void EyeAspectRatioPresenceAndPoseDistributionsOnCelebAImages1To1000()
    {
        if (Fits() is not var (all, _))
        {
            return;
        }

        var samples = all.Where(s => s.Number <= TrainCount).ToList();
        var ears = samples.SelectMany(s => new[] { s.Measures.RightEyeAspectRatio, s.Measures.LeftEyeAspectRatio }).Order().ToArray();
        var closedBelow = new GeometryOptions().EyeClosedBelow;
        output.WriteLine($"EAR per eye, {ears.Length} eyes of {samples.Count} CelebA faces (images 1-{TrainCount}):");
        output.WriteLine("  " + Percentiles(ears));
        output.WriteLine(Invariant($"  eyes below EyeClosedBelow {closedBelow}: {ears.Count(e => e < closedBelow)} of {ears.Length}; below 0.15: {ears.Count(e => e < 0.15f)}"));
        output.WriteLine("  lower eye of each face: " + Percentiles(samples.Select(s => Math.Min(s.Measures.RightEyeAspectRatio, s.Measures.LeftEyeAspectRatio)).Order().ToArray()));
        output.WriteLine("  in the image plane instead of 3-D, for comparison: " + Percentiles(samples.SelectMany(s => new[] { s.Ear2DRight, s.Ear2DLeft }).Order().ToArray()));
        output.WriteLine("presence: " + Percentiles(samples.Select(s => s.Presence).Order().ToArray()));
        var rawPitch = samples.Select(s => s.Measures.Pose.Pitch + FaceGeometry.LevelPitchDegrees).Order().ToArray();
        output.WriteLine("raw pitch (before the level offset): " + Percentiles(rawPitch));
        output.WriteLine("yaw: " + Percentiles(samples.Select(s => s.Measures.Pose.Yaw).Order().ToArray()));
        output.WriteLine("roll: " + Percentiles(samples.Select(s => s.Measures.Pose.Roll).Order().ToArray()));
        output.WriteLine("inter-ocular px: " + Percentiles(samples.Select(s => s.Measures.InterOcularDistance).Order().ToArray()));
        foreach (var s in samples.OrderBy(s => Math.Min(s.Measures.RightEyeAspectRatio, s.Measures.LeftEyeAspectRatio)).Take(10))
        {
            output.WriteLine(Invariant($"  lowest EAR: {s.Number:D6}.jpg right {s.Measures.RightEyeAspectRatio:F3} left {s.Measures.LeftEyeAspectRatio:F3} yaw {s.Measures.Pose.Yaw:F0}"));
        }

        // CelebA portraits are nearly all open-eyed: the closed threshold sits under their 1st percentile,
        // and the level offset is their median raw pitch (to the 0.1° it is written with).
        Assert.True(ears[ears.Length / 100] > closedBelow, "the closed-eye threshold must stay under the open-eyed 1st percentile");
        Assert.Equal(FaceGeometry.LevelPitchDegrees, rawPitch[rawPitch.Length / 2], 0.06f);
    }

    /// <summary>
    /// Expression-set faces whose eyes are closed, judged by looking at enlarged eye crops (the set's noisy
    /// expression labels play no part). Found among its 96 lowest-EAR faces (images 1–1559): every face
    /// there whose closed eyes were unmistakable; mis-fitted meshes and unclear eyes were left out.
    /// </summary>
    private static readonly string[] ClosedByInspection =
    [
        "Jennifer_Pena_0001.jpg", "Valerie_Thwaites_0001.jpg", "George_W_Bush_0321.jpg", "Dan_LaCoutre_0001.jpg",
        "Charles_Moose_0006.jpg", "Dileep_7.jpg", "Bruce_Springsteen_0003.jpg", "Kim_Dae-jung_0002.jpg",
        "Hoda_Asfor_0001.jpg", "Yoon_Jeong_Cho_0001.jpg", "Valentino_Rossi_0005.jpg", "Gary_Coleman_0001.jpg",
        "Hideki_Sato_0001.jpg", "Serena_Williams_0028.jpg", "Rubens_Barrichello_0012.jpg",
    ];

    /// <summary>Open but narrowed eyes (smiles, squints) from the same search: the known confusion.</summary>
    private static readonly string[] NarrowOpenByInspection = ["Cruz_Bustamante_0001.jpg", "Atal_Bihari_Vajpayee_0023.jpg"];

    [Fact]
    public void EyeClosedThresholdCallsEyesJudgedClosedClosed()
    {
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (expressions is null)
        {
            output.WriteLine("shared expressions data absent here; not measured.");
            return;
        }

        var options = new GeometryOptions();
        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var result = new FaceLandmarks();
        int closedEyes = 0, eyes = 0;
        foreach (var file in ClosedByInspection.Concat(NarrowOpenByInspection))
        {
            var image = ImageDecoder.Load(Path.Combine(expressions, "images", file));
            Assert.True(LandmarkFixtures.FitFromGuess(landmarker, image.View, LandmarkFixtures.ChipGuess(image.Width, image.Height), result, out _), file);
            var right = FaceGeometry.EyeAspectRatio(result.Points, FaceSide.Right);
            var left = FaceGeometry.EyeAspectRatio(result.Points, FaceSide.Left);
            var judgedClosed = ClosedByInspection.Contains(file);
            output.WriteLine(Invariant($"{file}: EAR right {right:F3} left {left:F3} ({(judgedClosed ? "closed" : "open, narrowed")} by inspection)"));
            if (judgedClosed)
            {
                eyes += 2;
                closedEyes += (options.IsEyeClosed(right) ? 1 : 0) + (options.IsEyeClosed(left) ? 1 : 0);
            }
        }

        output.WriteLine(Invariant($"EyeClosedBelow {options.EyeClosedBelow}: {closedEyes} of {eyes} eyes judged closed are called closed"));
        Assert.InRange(closedEyes / (double)eyes, 0.9, 1.0);
    }

    private (List<Sample> Fitted, List<string> NotFitted)? Fits()
    {
        if (TestPaths.DataOrFailInCi("celeba") is null)
        {
            output.WriteLine("shared celeba data absent here; not measured.");
            return null;
        }

        return CelebAFits.Value;
    }

    private static (List<Sample>, List<string>)? FitCelebA(int count)
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            return null;
        }

        using var landmarker = LandmarkFixtures.OpenFaceMesh();
        var result = new FaceLandmarks();
        var samples = new List<Sample>();
        var notFitted = new List<string>();
        foreach (var (file, label) in LandmarkFixtures.CelebA(celeba, "Mouth_Slightly_Open").Take(count))
        {
            var image = ImageDecoder.Load(Path.Combine(celeba, "images", file));
            var guess = LandmarkFixtures.ChipGuess(image.Width, image.Height);
            if (!LandmarkFixtures.FitFromGuess(landmarker, image.View, guess, result, out _))
            {
                notFitted.Add(Invariant($"{file} ({result.Status}, presence {result.Presence:F2})"));
                continue;
            }

            var p = result.Points;
            var mar3D = Vector3.Distance(p[FaceMeshIndices.UpperLipInner], p[FaceMeshIndices.LowerLipInner])
                / Vector3.Distance(p[FaceMeshIndices.MouthRightInner], p[FaceMeshIndices.MouthLeftInner]);
            var ear2DRight = Ear2D(p[FaceMeshIndices.RightEyeUpperOuter], p[FaceMeshIndices.RightEyeLowerOuter], p[FaceMeshIndices.RightEyeUpperInner],
                p[FaceMeshIndices.RightEyeLowerInner], p[FaceMeshIndices.RightEyeOuter], p[FaceMeshIndices.RightEyeInner]);
            var ear2DLeft = Ear2D(p[FaceMeshIndices.LeftEyeUpperOuter], p[FaceMeshIndices.LeftEyeLowerOuter], p[FaceMeshIndices.LeftEyeUpperInner],
                p[FaceMeshIndices.LeftEyeLowerInner], p[FaceMeshIndices.LeftEyeOuter], p[FaceMeshIndices.LeftEyeInner]);
            var number = int.Parse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture);
            samples.Add(new Sample(number, label > 0, result.Presence, FaceGeometry.Measure(p), mar3D, ear2DRight, ear2DLeft));
        }

        return (samples, notFitted);
    }

    private static float Ear2D(Vector3 upper1, Vector3 lower1, Vector3 upper2, Vector3 lower2, Vector3 corner1, Vector3 corner2)
    {
        static float D(Vector3 a, Vector3 b) => Vector2.Distance(new(a.X, a.Y), new(b.X, b.Y));
        return (D(upper1, lower1) + D(upper2, lower2)) / (2 * D(corner1, corner2));
    }

    private static double OpenShare(List<Sample> samples) => samples.Count(s => s.MouthOpen) / (double)samples.Count;

    /// <summary>The "open above" threshold with the best accuracy, placed midway between consecutive sorted values.</summary>
    private static float BestThreshold(List<Sample> samples, Func<Sample, float> value, out double accuracy)
    {
        var sorted = samples.Select(s => (Value: value(s), Open: s.MouthOpen)).OrderBy(s => s.Value).ToArray();
        var correct = sorted.Count(s => s.Open); // a threshold under every value calls everything open
        var best = correct;
        var bestThreshold = sorted[0].Value - 1e-4f;
        for (var i = 0; i < sorted.Length; i++)
        {
            correct += sorted[i].Open ? -1 : 1; // sample i moves to the closed side
            var distinct = i + 1 == sorted.Length || sorted[i + 1].Value > sorted[i].Value;
            if (distinct && correct > best)
            {
                best = correct;
                bestThreshold = i + 1 < sorted.Length ? (sorted[i].Value + sorted[i + 1].Value) / 2 : sorted[i].Value + 1e-4f;
            }
        }

        accuracy = best / (double)sorted.Length;
        return bestThreshold;
    }

    private static double Accuracy(List<Sample> samples, Func<Sample, float> value, float openAbove) =>
        samples.Count(s => value(s) > openAbove == s.MouthOpen) / (double)samples.Count;

    private static string Percentiles(float[] sorted)
    {
        int[] ps = [1, 2, 5, 10, 25, 50, 75, 90, 95, 99];
        return string.Join(" ", ps.Select(p => Invariant($"p{p}={sorted[Math.Min(sorted.Length - 1, p * sorted.Length / 100)]:F3}")))
            + Invariant($" (min {sorted[0]:F3}, max {sorted[^1]:F3}, n {sorted.Length})");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Sample(int Number, bool MouthOpen, float Presence, FaceMeasures Measures, float Mar3D, float Ear2DRight, float Ear2DLeft);
}
