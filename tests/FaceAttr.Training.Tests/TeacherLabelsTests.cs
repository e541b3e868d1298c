using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Data;
using FaceAttr.Training.Training;
using Xunit.Abstractions;

namespace FaceAttr.Training.Tests;

/// <summary>Distillation where labels are missing: teacher labels fill only absent heads, only on training faces.</summary>
public sealed class TeacherLabelsTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-teacher-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static LabeledFace Teacher(string path, bool male, float genderConfidence, int age = 30, bool? smile = null) => new(path)
    {
        Male = male,
        AgeYears = age,
        Expression = 0,
        Attributes = smile is { } s ? new Dictionary<string, bool> { ["smile"] = s } : new Dictionary<string, bool>(),
        Confidences = new Dictionary<string, float> { ["gender"] = genderConfidence, ["age"] = 0.35f, ["expression"] = 0.99f, ["smile"] = 0.99f },
    };

    [Fact]
    public void FillsOnlyTheChosenHeadsTheFaceLacks()
    {
        var teacher = new TeacherLabels([Teacher("/data/a.jpg", male: true, 0.95f, age: 41, smile: true)], TeacherLabels.DefaultHeads, 0.8f);
        var celeba = new LabeledFace("/data/a.jpg") { Male = false, Attributes = new Dictionary<string, bool> { ["smile"] = false } };

        var filled = teacher.Fill(celeba, out var heads);

        Assert.Equal(["age"], heads);
        Assert.False(filled.Male); // ground truth is never overwritten
        Assert.Equal(41, filled.AgeYears);
        Assert.Equal(0.35f, filled.Confidences["age"]); // carried as the label's weight
        Assert.False(filled.Attributes["smile"]);
        Assert.Null(filled.Expression); // expression is not a default teacher head
        Assert.False(filled.Confidences.ContainsKey("gender"));
    }

    [Fact]
    public void GatesCategoricalLabelsOnConfidenceButNotAge()
    {
        var teacher = new TeacherLabels([Teacher("/data/b.jpg", male: true, 0.6f, age: 70)], ["gender", "age"], 0.8f);

        var filled = teacher.Fill(new LabeledFace("/data/b.jpg"), out var heads);

        Assert.Equal(["age"], heads);
        Assert.Null(filled.Male);
        Assert.Equal(70, filled.AgeYears);
    }

    [Fact]
    public void FillsSmileAndExpressionWhenAsked()
    {
        var teacher = new TeacherLabels([Teacher("/data/c.jpg", male: false, 0.9f, smile: true)], ["expression", "smile"], 0.5f);

        var filled = teacher.Fill(new LabeledFace("/data/c.jpg") { Male = true, AgeYears = 5 }, out var heads);

        Assert.Equal(["expression", "smile"], heads);
        Assert.Equal(0, filled.Expression);
        Assert.True(filled.Attributes["smile"]);
        Assert.True(filled.Male);
        Assert.Equal(5, filled.AgeYears);
    }

    [Fact]
    public void AFaceTheTeacherDidNotSeeIsReturnedUnchanged()
    {
        var teacher = new TeacherLabels([Teacher("/data/a.jpg", male: true, 0.95f)], TeacherLabels.DefaultHeads, 0.8f);
        var face = new LabeledFace("/data/elsewhere.jpg");

        Assert.Same(face, teacher.Fill(face, out var heads));
        Assert.Empty(heads);
    }

    [Fact]
    public void UnknownHeadsAreRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TeacherLabels([], ["gender", "eyewear"], 0.8f));
        Assert.Contains("eyewear", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TeacherLabels([], [], 0.8f));
    }

    [Fact]
    public void PrepareFillsTrainingFacesOnlyAndCountsThem()
    {
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (expressions is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to prepare (CI fails here instead)");
            return;
        }

        var options = TrainOptions.Tiny with { LimitPerDataset = 60, Threads = 1 };
        var set = new ExpressionsReader().Read(expressions, null);
        var used = LabeledSubset.EvenlySpaced(set.Faces, 60);
        // The teacher calls every face male with confidence 0.9: a gender label on an expression face can only come from it.
        var teacher = new TeacherLabels(used.Select(f => Teacher(f.ImagePath, male: true, 0.9f)), ["gender"], 0.8f);
        var cache = new CropCacheOptions
        {
            BundleFolder = TestPaths.RequireBundle(),
            CacheFolder = Path.Combine(_dir.FullName, "cache"),
            Threads = 1,
            DetectorModel = "blazeface-front",
        };

        var data = TrainingData.Prepare([new DatasetInput("expressions", expressions, set)], options, cache, teacher: teacher);

        Assert.NotEmpty(data.Validation);
        Assert.All(data.Train.Select(i => data.Samples[i]), s =>
        {
            Assert.Equal(1, s.Gender);
            Assert.Equal(0.9f, s.GenderWeight);
        });
        Assert.All(data.Validation.Select(i => data.Samples[i]), s =>
        {
            Assert.Equal(-1, s.Gender);
            Assert.Equal(0f, s.GenderWeight);
        });
        Assert.All(data.Samples, s => Assert.Equal(-1, s.AgeYears)); // age was not asked for
        Assert.Equal(data.Train.Length, data.Uses.Single().TeacherFilled["gender"]);
    }
}
