using System.Diagnostics;
using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Data;
using FaceAttr.Training.Reporting;
using FaceAttr.Training.Training;
using Xunit.Abstractions;

namespace FaceAttr.Training.Tests;

/// <summary>End-to-end training runs: the tiny configuration on real faces, and checkpoint/resume on generated faces.</summary>
public sealed class TrainingTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-train-");

    public void Dispose() => _dir.Delete(recursive: true);

    private sealed class Recorder : ITrainingObserver
    {
        public List<EpochSummary> Epochs { get; } = [];

        public int Batches { get; private set; }

        public void EpochStarted(int epoch, int epochs, int batches) { }

        public void BatchFinished(int epoch, int batch, int batches, IReadOnlyDictionary<string, double> losses) => Batches++;

        public void EpochFinished(EpochSummary summary) => Epochs.Add(summary);
    }

    [Fact]
    public void TinyConfigurationOnRealFacesLearnsWithinAMinute()
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        var utkface = TestPaths.DataOrFailInCi("utkface");
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (celeba is null || utkface is null || expressions is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to train on (CI fails here instead)");
            return;
        }

        var bundle = TestPaths.RequireBundle();
        TorchFixture.Ensure();
        var watch = Stopwatch.StartNew();
        var options = TrainOptions.Tiny with { Threads = Math.Min(2, Environment.ProcessorCount) };
        var inputs = new List<DatasetInput>
        {
            new("celeba", celeba, new CelebAReader().Read(celeba, null)),
            new("utkface", utkface, new UtkFaceReader().Read(utkface, null)),
            new("expressions", expressions, new ExpressionsReader().Read(expressions, null)),
        };
        // The front detector (128 px) aligns about 3x faster than the device default; the test is about learning, not framing.
        var cache = new CropCacheOptions
        {
            BundleFolder = bundle,
            CacheFolder = Path.Combine(_dir.FullName, "cache"),
            Threads = options.Threads,
            DetectorModel = "blazeface-front",
        };
        var data = TrainingData.Prepare(inputs, options, cache);
        output.WriteLine($"crops {watch.Elapsed.TotalSeconds:0.0} s: {data.Crops.Detected} detected, {data.Crops.WholeImage} whole image");
        var recorder = new Recorder();
        var result = new Trainer(options, data, Path.Combine(_dir.FullName, "run"), recorder).Run();
        var files = RunReport.Write(Path.Combine(_dir.FullName, "run"), options, data, result, "test");
        watch.Stop();

        foreach (var e in result.History)
        {
            output.WriteLine($"epoch {e.Epoch}: train {e.TrainLosses.Values.Sum():0.000} val {e.Validation.Losses.Values.Sum():0.000} " +
                string.Join(", ", e.Validation.Metrics.Select(m => $"{m.Key} {m.Value.Value:0.000} (n {m.Value.N})")));
        }

        // Its duration is reported, not asserted: CI runs other test assemblies beside it on the same two cores.
        output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s, {data.Train.Length} train / {data.Validation.Length} validation faces");
        Assert.Equal(options.Epochs, recorder.Epochs.Count);

        // Loss falls: the last epoch's training loss per term below the first's, for every term trained from epoch 1.
        var first = result.History[0].TrainLosses;
        var last = result.History[^1].TrainLosses;
        Assert.All(first.Keys, term => Assert.True(last[term] < first[term], $"{term}: {first[term]:0.000} → {last[term]:0.000}"));

        // Metrics beat chance on validation faces (chance = always answering the majority class of those faces).
        var metrics = result.History[^1].Validation.Metrics;
        var validation = data.Validation.Select(i => data.Samples[i]).ToList();
        var genderCeleba = validation.Where(s => s.Dataset == "celeba" && s.Gender >= 0).ToList();
        var majority = Math.Max(genderCeleba.Count(s => s.Gender == 1), genderCeleba.Count(s => s.Gender == 0)) / (double)genderCeleba.Count;
        Assert.True(metrics["gender/celeba"].Value > majority + 0.05, $"gender/celeba {metrics["gender/celeba"].Value:0.000} vs majority {majority:0.000}");
        // Seven expression classes: chance is 1/7 (the tiny run does not learn age in 12 epochs; the full run does).
        Assert.True(metrics["expression/expressions"].Value > (1 / 7.0) + 0.05, $"expression {metrics["expression/expressions"].Value:0.000}");
        Assert.Contains(files, f => f.EndsWith("report.md", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine("curves", "gender.png"), StringComparison.Ordinal));
        Assert.True(new FileInfo(files.First(f => f.EndsWith("gender.png", StringComparison.Ordinal))).Length > 1000);
    }

    [Fact]
    public void ResumeContinuesFromTheCheckpointAndRefusesAnotherNetworkOrRecipe()
    {
        TorchFixture.Ensure();
        var options = TrainOptions.Tiny with { Epochs = 2, BatchSize = 8, Threads = 1, LimitPerDataset = null };
        var data = GeneratedFaces.Create(options.Network.InputSize, 256, i => i % 4 == 0 ? "b" : "a");
        var folder = Path.Combine(_dir.FullName, "resume");

        var firstRun = new Trainer(options, data, folder).Run();
        Assert.Equal(2, firstRun.History.Count);
        foreach (var e in firstRun.History)
        {
            output.WriteLine(string.Join(", ", e.Validation.Metrics.Select(m => $"{m.Key} {m.Value.Value:0.000} (n {m.Value.N})")) + " | " + string.Join(", ", e.TrainLosses.Select(p => $"{p.Key} {p.Value:0.000}")));
        }
        Assert.True(File.Exists(Path.Combine(folder, "checkpoint", "state.json")));

        var resumed = new Trainer(options with { Epochs = 3 }, data, folder).Run(resume: true);
        Assert.Equal(2, resumed.ResumedFrom);
        Assert.Equal([1, 2, 3], resumed.History.Select(e => e.Epoch));
        Assert.Equal(firstRun.History[1].TrainLosses, resumed.History[1].TrainLosses);

        var wider = options with { Network = options.Network with { FeatureSize = 64 } };
        var ex = Assert.Throws<InvalidOperationException>(() => new Trainer(wider, data, folder).Run(resume: true));
        Assert.Contains("another network", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<InvalidOperationException>(() => new Trainer(options with { Seed = 7, SamplingPower = 1 }, data, folder).Run(resume: true));
        Assert.Contains("(SamplingPower 0.5 → 1; Seed 1 → 7)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new Trainer(options, data, Path.Combine(_dir.FullName, "empty")).Run(resume: true));
    }

    [Fact]
    public void AWeightAverageIsValidatedBesideTheLiveWeightsSavedAndResumed()
    {
        TorchFixture.Ensure();
        var options = TrainOptions.Tiny with { Epochs = 2, BatchSize = 8, Threads = 1, LimitPerDataset = null, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.05, WeightAverageDecay = 0.9 };
        var data = GeneratedFaces.Create(options.Network.InputSize, 256, i => i % 4 == 0 ? "b" : "a");
        var folder = Path.Combine(_dir.FullName, "average");

        var run = new Trainer(options, data, folder).Run();
        var last = run.History[^1];
        Assert.NotNull(last.LiveValidation);
        Assert.NotEqual(last.Validation.Losses.Values.Sum(), last.LiveValidation!.Losses.Values.Sum());
        Assert.True(File.Exists(Path.Combine(folder, "checkpoint", "average.bin")));

        // What is saved is the average: validating model.bin again gives the averaged figures, not the live ones.
        using (var saved = Network.TrainedNetwork.Load(run.ModelPath))
        {
            var again = Validator.Run(saved, Trainer.BatchBuilderFor(options, data), data.Samples, data.Validation, options);
            Assert.Equal(last.Validation.Losses.Values.Sum(), again.Losses.Values.Sum(), 4);
        }

        var resumed = new Trainer(options with { Epochs = 3 }, data, folder).Run(resume: true);
        Assert.Equal([1, 2, 3], resumed.History.Select(e => e.Epoch));
        Assert.NotNull(resumed.History[^1].LiveValidation);

        // A checkpoint made without an average cannot silently start one from the live weights.
        var plainFolder = Path.Combine(_dir.FullName, "plain");
        new Trainer(options with { WeightAverageDecay = 0 }, data, plainFolder).Run();
        var ex = Assert.Throws<InvalidOperationException>(() => new Trainer(options with { Epochs = 3 }, data, plainFolder).Run(resume: true));
        Assert.Contains("WeightAverageDecay 0 → 0.9", ex.Message, StringComparison.Ordinal);
    }
}
