using FaceAttr.Core.Bundles;
using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Bundling;
using FaceAttr.Tool.Quantize;
using FaceAttr.Training.Data;
using FaceAttr.Training.Export;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;
using FaceAttr.Training.Pruning;
using FaceAttr.Training.Training;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using Xunit.Abstractions;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary>
/// The whole host loop on real faces: tiny train → prune → fine-tune → export → bundle → int8 quantize → the analysis
/// core (the daemon's) runs the int8 bundle and answers sensibly on faces it did not calibrate on.
/// </summary>
public sealed class TrainToBundleEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TinyTrainPruneExportBundleQuantizeThenAnalyze()
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        var utkface = TestPaths.DataOrFailInCi("utkface");
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (celeba is null || utkface is null || expressions is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: the loop was not run (CI fails here instead)");
            return;
        }

        var baseBundle = TestPaths.RequireBundle();
        var threads = Math.Min(2, Environment.ProcessorCount);
        TorchRuntime.Initialize(threads);

        // 1. Train the tiny configuration.
        var options = TrainOptions.Tiny with { Threads = threads, Epochs = 6 };
        var inputs = new List<DatasetInput>
        {
            new("celeba", celeba, new CelebAReader().Read(celeba, null)),
            new("utkface", utkface, new UtkFaceReader().Read(utkface, null)),
            new("expressions", expressions, new ExpressionsReader().Read(expressions, null)),
        };
        var cache = new CropCacheOptions
        {
            BundleFolder = baseBundle, CacheFolder = _temp.Folder("crops"), Threads = threads, DetectorModel = "blazeface-front",
        };
        var data = TrainingData.Prepare(inputs, options, cache);
        var trained = new Trainer(options, data, _temp.Folder("trained")).Run();

        // 2. Prune 30% of the conv channels and fine-tune one epoch.
        using var source = TrainedNetwork.Load(trained.ModelPath);
        var pruneFolder = Path.Combine(_temp.Path, "pruned");
        var outcome = new PruneSession(new PruneOptions { Ratio = 0.3 }, options, data) { FineTuneEpochs = 1, TimingRuns = 20 }
            .Run(source, "tiny", pruneFolder);
        output.WriteLine($"pruned: {outcome.Before.Parameters} → {outcome.Final.Parameters} parameters, {outcome.Before.Macs} → {outcome.Final.Macs} MACs");
        Assert.True(outcome.Final.Parameters < outcome.Before.Parameters);
        Assert.True(outcome.Final.Macs < outcome.Before.Macs);

        // 3. Export the pruned network and bundle it with the imported detector and landmarks.
        using var pruned = TrainedNetwork.Load(Path.Combine(pruneFolder, TrainedNetwork.WeightsFile));
        Assert.True(pruned.ParameterCount() < source.ParameterCount());
        var entry = ExportWriter.Write(FaceAttrNetExporter.Export(pruned, new ExportOptions()), _temp.Folder("export"));
        var fp32 = Path.Combine(_temp.Path, "bundle-fp32");
        BundleComposer.Compose(new BundleRequest
        {
            BaseBundle = baseBundle, Models = [Path.Combine(_temp.Path, "export", entry.File)], Output = fp32, Name = "tiny", Version = "0.0.1",
        });

        // 4. Quantize the network to int8 on real faces; a tiny net may exceed the accuracy limits, so --force, and the figures are checked below.
        var int8 = Path.Combine(_temp.Path, "bundle-int8");
        var log = new StringWriter();
        var result = BundleQuantizer.Run(new BundleQuantizeRequest
        {
            SourceBundle = fp32, OutputBundle = int8, Models = [entry.Id], CalibrationFolder = celeba, Labels = "celeba",
            Count = 48, Holdout = 48, Force = true, LatencyRuns = 5,
        }, log);
        output.WriteLine(log.ToString());
        Assert.True(result.Written);
        var manifest = ManifestSerializer.ReadFromFolder(int8);
        var quantized = manifest.Models.Single(m => m.Id == entry.Id);
        Assert.Equal(ModelPrecision.Int8, quantized.Precision);
        Assert.NotNull(quantized.Metrics);
        Assert.Contains(quantized.Metrics!, m => m.Head == "gender" && m.Reference is not null);
        // CelebA's Eyeglasses label judges the 3-class eyewear head (any eyewear or none), so it is not left to agreement.
        Assert.Contains(quantized.Metrics!, m => m.Head == "eyewear" && m.Reference is not null);

        // 5. The analysis core runs both bundles on faces beyond the calibration ones; int8 agrees with fp32.
        var faces = new CelebAReader().Read(celeba, null).Faces.Skip(400).Take(40).ToList();
        using var fp32Analyzer = new FaceAnalyzer(fp32, new AnalyzerOptions());
        using var int8Analyzer = new FaceAnalyzer(int8, new AnalyzerOptions());
        int compared = 0, agree = 0;
        foreach (var face in faces)
        {
            var image = ImageDecoder.Load(face.ImagePath);
            var (a, _) = Analyze.PreCroppedAnalysis.Analyze(fp32Analyzer, image);
            var (b, _) = Analyze.PreCroppedAnalysis.Analyze(int8Analyzer, image);
            foreach (var head in new[] { "gender", "age", "expression", "eyewear", "smile" })
            {
                var value = b.Attribute(head);
                Assert.True(value is not null, $"{head} missing");
                Assert.InRange(value!.Probability, 0f, 1f);
            }

            if (b.Attribute("age")!.Value is { } years)
            {
                Assert.InRange(years, 0f, 90f);
            }

            if (a.Attribute("gender")!.UnknownReason is null)
            {
                compared++;
                agree += a.Attribute("gender")!.Label == b.Attribute("gender")!.Label ? 1 : 0;
            }
        }

        output.WriteLine($"int8 vs fp32 gender agreement {agree}/{compared}");
        Assert.True(compared >= 30, $"only {compared} faces judged");
        Assert.True(agree >= compared * 0.85, $"int8 agrees with fp32 on gender for {agree} of {compared} faces");
    }
}
