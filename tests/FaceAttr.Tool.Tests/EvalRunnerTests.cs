using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Tool.Tests;

public sealed class EvalRunnerTests
{
    private static readonly LabeledFace[] Faces =
    [
        new("a.jpg") { Male = true, AgeYears = 20 },
        new("b.jpg") { Male = false, AgeYears = 40 },
        new("corrupt.jpg") { Male = true, AgeYears = 30 },
        new("gone.jpg") { Male = true, AgeYears = 30 },
        new("empty.jpg") { Male = false, AgeYears = 50 },
    ];

    private static FacePrediction? FakePredictor(string path) => path switch
    {
        "a.jpg" => new FacePrediction(DetectionPaths.Padded) { Male = true, MaleProbability = 0.8f, AgeYears = 22 },
        "b.jpg" => new FacePrediction(DetectionPaths.WholeImage) { Male = true, MaleProbability = 0.6f, AgeYears = 35 },
        "corrupt.jpg" => throw new ImageDecodeException("corrupt.jpg: corrupt or truncated image"),
        "gone.jpg" => throw new FileNotFoundException("gone.jpg: file not found"),
        _ => null,
    };

    [Fact]
    public void ScoresEveryFaceAndRecordsFailuresWithoutStopping()
    {
        var printed = new List<EvalFailure>();

        var report = EvalRunner.Run(Faces, FakePredictor, printed.Add);

        Assert.Equal(5, report.Images);
        Assert.Equal(2, report.Evaluated);
        Assert.Equal(1, report.NotFound);
        Assert.Equal(["corrupt.jpg", "gone.jpg"], report.Failures.Select(f => f.ImagePath));
        Assert.Equal("corrupt.jpg: corrupt or truncated image", report.Failures[0].Reason);
        Assert.Equal(report.Failures, printed);
        Assert.Equal((1, 2), (report.Gender.Correct, report.Gender.N));
        Assert.Equal(3.5, report.Age.Mae!.Value, 1e-9);
        Assert.Equal(new Dictionary<string, int> { ["padded"] = 1, ["whole-image"] = 1, ["not-found"] = 1 }, report.Paths);
    }

    [Fact]
    public void OtherExceptionsAreBugsAndPropagate()
    {
        FacePrediction? Broken(string path) => throw new InvalidOperationException("bug");

        Assert.Throws<InvalidOperationException>(() => EvalRunner.Run(Faces, Broken));
    }

    [Fact]
    public void ReadResultCountsGoIntoTheReport()
    {
        var set = new DatasetReadResult(
            Faces[..1],
            [new DatasetIssue("x.jpg", 3, "unknown expression 'joy'")],
            [new DatasetIssue("y.jpg", 4, "'contempt' has no seed expression class"), new DatasetIssue("z.jpg", 5, "'contempt' has no seed expression class")],
            []);

        var report = EvalRunner.Run(set, FakePredictor);

        Assert.Equal((1, 2), (report.DatasetSkipped, report.DatasetExcluded));
        Assert.Contains("\"skipped\":1", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void CancellationIsCheckedBetweenImages()
    {
        using var cts = new CancellationTokenSource();
        var calls = 0;
        FacePrediction? CancelAfterFirst(string path)
        {
            calls++;
            cts.Cancel();
            return null;
        }

        Assert.Throws<OperationCanceledException>(() => EvalRunner.Run(Faces, CancelAfterFirst, cancellationToken: cts.Token));
        Assert.Equal(1, calls);
    }
}
