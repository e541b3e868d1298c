using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using Xunit.Abstractions;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary><c>faceattr eval --split</c>: teachers and a trained network scored on exactly the faces training held out.</summary>
public sealed class EvalCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ValidationAndTrainSidesPartitionTheSetAsTrainingSplitsIt()
    {
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (expressions is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to evaluate (CI fails here instead)");
            return;
        }

        var faces = new ExpressionsReader().Read(expressions, null).Faces;
        var expected = faces.Count(f => ValidationSplit.IsValidation(TrainingSample.From(f, "expressions", HeadSet.DefaultBinary), 0.15));

        var (exit, _, stderr) = await ToolProcess.Run("eval", "--expressions", expressions, "--split", "validation", "--limit", "8", "--bundle", TestPaths.RequireBundle());
        output.WriteLine(stderr);
        Assert.Equal(0, exit);
        Assert.Contains($"expressions: {expected} of {faces.Count} faces on the validation side", stderr, StringComparison.Ordinal);
        Assert.Contains("faceattr eval: 8 faces in", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await ToolProcess.Run("eval", "--expressions", expressions, "--split", "train", "--limit", "4", "--bundle", TestPaths.RequireBundle());
        Assert.Equal(0, exit);
        Assert.Contains($"expressions: {faces.Count - expected} of {faces.Count} faces on the train side", stderr, StringComparison.Ordinal);
        Assert.InRange(expected, faces.Count / 10, faces.Count / 4); // about 15%, split by identity

        // Without the landmark model (crops levelled by the detector eyes, as training crops them) every face is still scored.
        string stdout;
        (exit, stdout, _) = await ToolProcess.Run("eval", "--expressions", expressions, "--split", "validation", "--limit", "4", "--no-landmarks", "--format", "json", "--bundle", TestPaths.RequireBundle());
        Assert.Equal(0, exit);
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(4, report.RootElement.GetProperty("evaluated").GetInt32());
        Assert.True(report.RootElement.GetProperty("expression").GetProperty("n").GetInt32() + report.RootElement.GetProperty("expression").GetProperty("unknown").GetInt32() == 4);
    }

    [Fact]
    public async Task AnOutOfRangeValidationFractionIsAUsageError()
    {
        var (exit, _, stderr) = await ToolProcess.Run("eval", "--expressions", Path.GetTempPath(), "--split", "validation", "--validation-fraction", "0.9");
        Assert.Equal(2, exit);
        Assert.Contains("--validation-fraction must be 0.05–0.5", stderr, StringComparison.Ordinal);
    }
}
