using System.Text.Json;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary>
/// <c>faceattr train</c> shape and framing options, end to end in the tool's own process: what the user asks for is what
/// network.json and the run report record and what <c>faceattr export</c> writes into the manifest; malformed values are
/// clear errors.
/// </summary>
public sealed class TrainCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--widths", "24,x,64", "--widths: '24,x,64' is not a list of positive integers")]
    [InlineData("--widths", "24,0", "--widths: '24,0' is not a list of positive integers")]
    [InlineData("--crop-scale", "0.5", "CropScale")]
    [InlineData("--input-size", "40", "InputSize")]
    [InlineData("--weight-average", "1.5", "WeightAverageDecay")]
    [InlineData("--weight-decay", "-0.1", "WeightDecay")]
    [InlineData("--age-l1-weight", "-1", "AgeL1Weight")]
    [InlineData("--sampling-power", "1.5", "SamplingPower")]
    [InlineData("--min-weight", "age", "--min-weight: 'age' is not TERM=W with a number W")]
    [InlineData("--min-weight", "age=0", "the minimum weight of 'age' must be above 0")]
    [InlineData("--min-weight", "ages=1", "minimum weight for unknown loss term 'ages'")]
    [InlineData("--min-weight", "age=5", "the minimum weight of 'age' must be above 0 and at most 4.48")]
    [InlineData("--focal", "gender", "--focal: 'gender' is not TERM=W with a number W")]
    [InlineData("--focal", "gender=-1", "the focal gamma of 'gender' must be in 0..5")]
    [InlineData("--focal", "smile=1", "focal gamma for unknown loss term 'smile'")]
    [InlineData("--task-scale", "attributes", "--task-scale: 'attributes' is not TERM=W with a number W")]
    [InlineData("--task-scale", "attributes=40", "the task scale of 'attributes' must be in 0.1..20")]
    [InlineData("--task-scale", "smile=2", "task scale for unknown loss term 'smile'")]
    public async Task AMalformedShapeFramingOrOptimizerValueIsAClearErrorBeforeAnyWork(string option, string value, string expected)
    {
        var (exit, _, stderr) = await ToolProcess.Run("train", "--celeba", _temp.Folder("none"), option, value, "--out", _temp.Folder("out"));
        output.WriteLine(stderr);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Folder("out"), "model.bin")));
    }

    [Theory]
    [InlineData("--min-weight", null, "MinTaskWeight", "age=1")] // the full configuration's default floor
    [InlineData("--min-weight", "none", "MinTaskWeight", "")]
    [InlineData("--min-weight", "age=0.5,gender=2", "MinTaskWeight", "age=0.5,gender=2")]
    [InlineData("--focal", null, "FocalGamma", "")] // plain cross-entropy: focal loss cost accuracy on these sets
    [InlineData("--focal", "gender=1,attributes=1", "FocalGamma", "gender=1,attributes=1")] // the seed's focal loss
    [InlineData("--focal", "none", "FocalGamma", "")]
    [InlineData("--focal", "attributes=0,expression=2", "FocalGamma", "attributes=0,expression=2")]
    [InlineData("--task-scale", null, "TaskScale", "attributes=11")] // each attribute pulls like one head
    [InlineData("--task-scale", "none", "TaskScale", "")]
    [InlineData("--task-scale", "attributes=4,gender=2", "TaskScale", "attributes=4,gender=2")]
    public async Task PerTermValuesAreTheFullConfigurationsUnlessToldOtherwiseAndAreRecorded(string option, string? value, string configProperty, string recorded)
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to train on (CI fails here instead)");
            return;
        }

        var run = _temp.Folder("run");
        string[] args = ["train", "--celeba", celeba, "--limit", "40", "--epochs", "1", "--batch", "16", "--widths", "8,12,16", "--feature-size", "24", "--input-size", "32",
            "--cache", _temp.Folder("cache"), "--bundle", TestPaths.RequireBundle(), "--out", run];
        var (exit, _, stderr) = await ToolProcess.Run(value is null ? args : [.. args, option, value]);
        output.WriteLine(stderr);
        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json")));
        var values = report.RootElement.GetProperty("config").GetProperty(configProperty).EnumerateObject()
            .Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Name}={p.Value.GetDouble()}"));
        Assert.Equal(recorded, string.Join(",", values));
    }

    [Fact]
    public async Task TheShapeFramingAndOptimizerAskedForAreTrainedRecordedAndExported()
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to train on (CI fails here instead)");
            return;
        }

        var run = _temp.Folder("run");
        var (exit, _, stderr) = await ToolProcess.Run(
            "train", "--celeba", celeba, "--config", "tiny", "--limit", "80", "--epochs", "1", "--widths", "8,12,16", "--feature-size", "24",
            "--crop-scale", "1.3", "--optimizer", "adamw", "--weight-average", "0.9", "--min-weight", "age=1", "--sampling-power", "1", "--cache", _temp.Folder("cache"), "--bundle", TestPaths.RequireBundle(), "--out", run);
        output.WriteLine(stderr);
        Assert.Equal(0, exit);
        using (var shape = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "network.json"))))
        {
            Assert.Equal([8, 12, 16], shape.RootElement.GetProperty("Widths").EnumerateArray().Select(w => w.GetInt32()));
            Assert.Equal(24, shape.RootElement.GetProperty("FeatureSize").GetInt32());
            Assert.Equal(1.3f, shape.RootElement.GetProperty("CropScale").GetSingle());
        }

        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json"))))
        {
            var config = report.RootElement.GetProperty("config");
            Assert.Equal("AdamW", config.GetProperty("Optimizer").GetString());
            Assert.Equal(0.05, config.GetProperty("WeightDecay").GetDouble()); // AdamW's own default, not Adam's 5e-4
            Assert.Equal(0.9, config.GetProperty("WeightAverageDecay").GetDouble());
            Assert.Equal(1.0, config.GetProperty("MinTaskWeight").GetProperty("age").GetDouble());
            Assert.Equal(1.0, config.GetProperty("SamplingPower").GetDouble()); // the full and tiny configurations draw with 0.5
        }

        var export = _temp.Folder("export");
        (exit, var stdout, stderr) = await ToolProcess.Run("export", "--model", run, "--out", export);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("flip-averaged", stdout, StringComparison.Ordinal);
        using (var entry = JsonDocument.Parse(File.ReadAllText(Path.Combine(export, "faceattr-net.model.json"))))
        {
            Assert.Equal(1.3f, entry.RootElement.GetProperty("input").GetProperty("crop_scale").GetSingle());
            Assert.True(entry.RootElement.TryGetProperty("metrics", out _), "a single run's export carries its validation figures");
        }

        // Two networks averaged into one model: the run's own figures no longer describe it, so the entry carries none.
        var averaged = _temp.Folder("averaged");
        (exit, stdout, stderr) = await ToolProcess.Run("export", "--model", run, "--model", run, "--out", averaged);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("in 2 networks, outputs averaged", stdout, StringComparison.Ordinal);
        using (var entry = JsonDocument.Parse(File.ReadAllText(Path.Combine(averaged, "faceattr-net.model.json"))))
        {
            Assert.StartsWith("FaceAttr: the mean of 2 networks", entry.RootElement.GetProperty("upstream").GetString(), StringComparison.Ordinal);
            Assert.False(entry.RootElement.TryGetProperty("metrics", out _));
        }

        // A second network framed differently would be fed the first one's crops: refused, nothing written.
        var reframed = _temp.Folder("reframed");
        File.Copy(Path.Combine(run, "model.bin"), Path.Combine(reframed, "model.bin"));
        File.WriteAllText(Path.Combine(reframed, "network.json"), File.ReadAllText(Path.Combine(run, "network.json")).Replace("1.3", "1.4", StringComparison.Ordinal));
        var refused = _temp.Folder("refused");
        (exit, _, stderr) = await ToolProcess.Run("export", "--model", run, "--model", reframed, "--out", refused);
        output.WriteLine(stderr);
        Assert.Equal(1, exit);
        Assert.Contains("crop scale 1.4 against 1.3", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(refused));
    }
}
