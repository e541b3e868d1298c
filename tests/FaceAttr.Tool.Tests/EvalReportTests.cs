using System.Text.Json;
using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class EvalReportTests
{
    private static readonly Dictionary<string, bool> Smiling = new() { ["smile"] = true, ["eyeglasses"] = false, ["mouth_open"] = true };

    /// <summary>Three CelebA-like faces, two UTKFace-like ones and three expression ones, with hand-picked predictions.</summary>
    private static EvalReport Sample()
    {
        var report = new EvalReport();
        var celeb = new LabeledFace("c1.jpg") { Male = true, Attributes = Smiling };
        report.Add(celeb, new FacePrediction(DetectionPaths.Padded)
        {
            Male = true,
            MaleProbability = 0.9f,
            Attributes = new Dictionary<string, bool> { ["smile"] = true, ["eyeglasses"] = true, ["mouth_open"] = true },
        });
        report.Add(celeb with { ImagePath = "c2.jpg", Male = false }, new FacePrediction(DetectionPaths.WholeImage)
        {
            Male = true,
            Attributes = new Dictionary<string, bool> { ["smile"] = true, ["eyeglasses"] = false }, // mouth_open unknown
        });
        report.Add(celeb with { ImagePath = "c3.jpg" }, null);
        report.Add(new LabeledFace("u1.jpg") { AgeYears = 30, Male = true }, new FacePrediction(DetectionPaths.Padded) { AgeYears = 34.5f, Male = true });
        report.Add(new LabeledFace("u2.jpg") { AgeYears = 60, Male = false }, new FacePrediction(DetectionPaths.Padded) { AgeYears = 50f });
        report.Add(new LabeledFace("e1.jpg") { Expression = 0 }, new FacePrediction(DetectionPaths.Padded) { Expression = 0 });
        report.Add(new LabeledFace("e2.jpg") { Expression = 4 }, new FacePrediction(DetectionPaths.Padded) { Expression = 2 });
        report.AddFailure(new LabeledFace("e3.jpg") { Expression = 1 }, "e3.jpg: corrupt or truncated image");
        return report;
    }

    [Fact]
    public void JsonIsOneObjectKeyedByHeadWithMetricAndN()
    {
        using var doc = JsonDocument.Parse(Sample().ToJson());
        var root = doc.RootElement;

        Assert.Equal(
            ["gender", "age", "expression", "smile", "eyeglasses", "mouth_open", "by_age",
             "images", "evaluated", "not_found", "failed", "paths", "failures", "skipped", "excluded"],
            root.EnumerateObject().Select(p => p.Name));

        var gender = root.GetProperty("gender");
        Assert.Equal(3, gender.GetProperty("n").GetInt32()); // c1 right, c2 wrong, u1 right; u2 unknown; c3 not found
        Assert.Equal(0.6667, gender.GetProperty("accuracy").GetDouble(), 1e-9);
        Assert.Equal(1, gender.GetProperty("unknown").GetInt32());

        var age = root.GetProperty("age");
        Assert.Equal(2, age.GetProperty("n").GetInt32());
        Assert.Equal(7.25, age.GetProperty("mae").GetDouble(), 1e-9);
        Assert.Equal(-2.75, age.GetProperty("bias").GetDouble(), 1e-9); // +4.5 and −10
        Assert.False(age.TryGetProperty("accuracy", out _));

        var expression = root.GetProperty("expression");
        Assert.Equal(2, expression.GetProperty("n").GetInt32());
        Assert.Equal(0.5, expression.GetProperty("accuracy").GetDouble(), 1e-9);
        var confusion = expression.GetProperty("confusion");
        Assert.Equal(["happy", "angry", "calm", "scared", "sad", "disgust", "surprised"],
            confusion.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var matrix = confusion.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(7, matrix.Length);
        Assert.All(matrix, row => Assert.Equal(7, row.Length));
        Assert.Equal(1, matrix[0][0]);
        Assert.Equal(1, matrix[4][2]);
        Assert.Equal(2, matrix.Sum(r => r.Sum()));
        Assert.Equal(1.0, expression.GetProperty("recall").GetProperty("happy").GetDouble());
        Assert.Equal(JsonValueKind.Null, expression.GetProperty("recall").GetProperty("angry").ValueKind);

        Assert.Equal((1.0, 2), (root.GetProperty("smile").GetProperty("accuracy").GetDouble(), root.GetProperty("smile").GetProperty("n").GetInt32()));
        Assert.Equal((0.5, 2), (root.GetProperty("eyeglasses").GetProperty("accuracy").GetDouble(), root.GetProperty("eyeglasses").GetProperty("n").GetInt32()));
        Assert.Equal((1, 1), (root.GetProperty("mouth_open").GetProperty("n").GetInt32(), root.GetProperty("mouth_open").GetProperty("unknown").GetInt32()));

        Assert.Equal(8, root.GetProperty("images").GetInt32());
        Assert.Equal(6, root.GetProperty("evaluated").GetInt32());
        Assert.Equal(1, root.GetProperty("not_found").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        var paths = root.GetProperty("paths");
        Assert.Equal([("padded", 5), ("whole-image", 1), ("not-found", 1)],
            paths.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        var failure = Assert.Single(root.GetProperty("failures").EnumerateArray());
        Assert.Equal("e3.jpg", failure.GetProperty("file").GetString());
    }

    [Fact]
    public void GenderAndAgeAreSplitByTheTrueAgeOfTheFace()
    {
        var report = Sample();
        report.Add(new LabeledFace("baby.jpg") { AgeYears = 1, Male = false }, new FacePrediction(DetectionPaths.Padded) { AgeYears = 4f, Male = true });
        report.Add(new LabeledFace("toddler.jpg") { AgeYears = 3, Male = true }, new FacePrediction(DetectionPaths.Padded) { AgeYears = 2f, Male = true });
        report.Add(new LabeledFace("elder.jpg") { AgeYears = 90, Male = true }, new FacePrediction(DetectionPaths.Padded) { AgeYears = 70f, Male = true });

        using var doc = JsonDocument.Parse(report.ToJson());
        var byAge = doc.RootElement.GetProperty("by_age");

        Assert.Equal(["0-3", "4-12", "13-19", "20-39", "40-64", "65+"], byAge.EnumerateObject().Select(p => p.Name));
        (double? Accuracy, int N, double? Mae, int AgeN) Band(string name)
        {
            var band = byAge.GetProperty(name);
            var gender = band.GetProperty("gender");
            var age = band.GetProperty("age");
            return (gender.GetProperty("accuracy").ValueKind == JsonValueKind.Null ? null : gender.GetProperty("accuracy").GetDouble(),
                gender.GetProperty("n").GetInt32(),
                age.GetProperty("mae").ValueKind == JsonValueKind.Null ? null : age.GetProperty("mae").GetDouble(),
                age.GetProperty("n").GetInt32());
        }

        Assert.Equal((0.5, 2, 2.0, 2), Band("0-3"));     // baby wrong and 3 y off, toddler right and 1 y off
        Assert.Equal((null, 0, null, 0), Band("4-12"));
        Assert.Equal((1.0, 1, 4.5, 1), Band("20-39"));   // u1
        Assert.Equal((null, 0, 10.0, 1), Band("40-64")); // u2: gender left unknown
        Assert.Equal(1, byAge.GetProperty("40-64").GetProperty("gender").GetProperty("unknown").GetInt32());
        Assert.Equal((1.0, 1, 20.0, 1), Band("65+"));
        Assert.Equal(1.0, byAge.GetProperty("0-3").GetProperty("age").GetProperty("bias").GetDouble(), 1e-9); // +3 and −1
        Assert.Equal(-20.0, byAge.GetProperty("65+").GetProperty("age").GetProperty("bias").GetDouble(), 1e-9);
        var table = report.ToTable().Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("by true age", table);
        Assert.Contains(table, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(["0-3", "0.5000", "2", "1.0000", "1", "0.0000", "1", "2.00", "+1.00", "2"]));
        var baby = byAge.GetProperty("0-3");
        Assert.Equal((1.0, 1), (baby.GetProperty("gender_male").GetProperty("accuracy").GetDouble(), baby.GetProperty("gender_male").GetProperty("n").GetInt32()));   // the toddler
        Assert.Equal((0.0, 1), (baby.GetProperty("gender_female").GetProperty("accuracy").GetDouble(), baby.GetProperty("gender_female").GetProperty("n").GetInt32())); // the baby girl called a boy
    }

    [Fact]
    public void ASetWithoutAgesHasNoAgeSplit()
    {
        var report = new EvalReport();
        report.Add(new LabeledFace("c.jpg") { Male = true, Attributes = Smiling }, new FacePrediction(DetectionPaths.Padded) { Male = true });

        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.False(doc.RootElement.TryGetProperty("by_age", out _));
        Assert.DoesNotContain("by true age", report.ToTable(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(12, 1)]
    [InlineData(13, 2)]
    [InlineData(64, 4)]
    [InlineData(65, 5)]
    [InlineData(116, 5)]
    public void EveryAgeFallsInExactlyOneBand(int age, int band) => Assert.Equal(band, AgeBandBreakdown.BandOf(age));

    [Fact]
    public void JsonHasOnlyTheHeadsTheSetLabelsAndNullWhenNothingWasMeasured()
    {
        var report = new EvalReport();
        report.Add(new LabeledFace("u.jpg") { AgeYears = 40, Male = false }, null);

        using var doc = JsonDocument.Parse(report.ToJson(indented: true));
        var root = doc.RootElement;

        Assert.False(root.TryGetProperty("expression", out _));
        Assert.False(root.TryGetProperty("smile", out _));
        Assert.Equal(0, root.GetProperty("by_age").GetProperty("40-64").GetProperty("age").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("age").GetProperty("mae").ValueKind);
        Assert.Equal(0, root.GetProperty("age").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("gender").GetProperty("accuracy").ValueKind);
        Assert.Equal(1, root.GetProperty("not_found").GetInt32());
    }

    [Fact]
    public void TableHasOneLinePerHeadThenTheConfusionMatrixAndCounts()
    {
        var lines = Sample().ToTable().Split('\n').Select(l => l.TrimEnd()).ToArray();

        Assert.StartsWith("head", lines[0], StringComparison.Ordinal);
        Assert.Equal(["gender", "accuracy", "0.6667", "3", "1"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["age", "mae", "7.25", "2", "0"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["expression", "accuracy", "0.5000", "2", "0"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["smile", "eyeglasses", "mouth_open"], lines[4..7].Select(l => l.Split(' ')[0]));
        Assert.Contains(lines, l => l.StartsWith("expression confusion", StringComparison.Ordinal));
        Assert.Contains("images 8: evaluated 6, not found 1, failed 1", lines);
        Assert.Contains("paths: padded 5, whole-image 1, not-found 1", lines);
        Assert.Contains("failed: e3.jpg: e3.jpg: corrupt or truncated image", lines);
    }
}
