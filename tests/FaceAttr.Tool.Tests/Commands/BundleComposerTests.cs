using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Bundling;
using FaceAttr.Training.Export;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary>
/// <c>faceattr bundle</c>: an exported network beside the default bundle's detector and landmarks becomes a bundle the
/// analysis core (the daemon's) loads unchanged; a bad input leaves nothing behind.
/// </summary>
public sealed class BundleComposerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AnExportedNetworkBecomesABundleTheAnalysisCoreRuns()
    {
        var onnx = ExportSmallNetwork();
        var output = Path.Combine(_temp.Path, "bundle");
        var manifest = BundleComposer.Compose(new BundleRequest
        {
            BaseBundle = TestPaths.RequireBundle(), Models = [onnx], Output = output, Name = "test-net", Version = "0.2.0",
        });

        Assert.Equal("faceattr-net", manifest.Heads!["gender"]);
        Assert.Equal("faceattr-net", manifest.Heads["eyewear"]);
        Assert.Contains(manifest.Models, m => m.Role == ModelRole.Detector);
        Assert.DoesNotContain(manifest.Models, m => m.Id == "faceres");
        Assert.Equal(manifest, ManifestSerializer.ReadFromFolder(output), ManifestEquality.Instance);

        using var analyzer = new FaceAnalyzer(output, new AnalyzerOptions());
        var sample = Directory.GetFiles(Path.Combine(TestPaths.RequireBundle(), "samples"), "*.jpg").Order(StringComparer.Ordinal).First();
        var faces = analyzer.Analyze(ImageDecoder.Load(sample).View);
        Assert.NotEmpty(faces);
        foreach (var face in faces)
        {
            foreach (var head in new[] { "gender", "age", "expression", "eyewear", "smile" })
            {
                var value = face.Attribute(head);
                Assert.True(value is not null, $"head {head} missing from the analysis");
                Assert.Equal("faceattr-net", value!.Model);
                Assert.InRange(value.Probability, 0f, 1f);
            }

            Assert.InRange(face.Attribute("age")!.Value!.Value, 0f, 90f);
        }
    }

    [Fact]
    public void AnExistingOutputIsRefusedAndLeftAsItWas()
    {
        var onnx = ExportSmallNetwork();
        var output = _temp.Folder("exists");
        File.WriteAllText(Path.Combine(output, "mine.txt"), "keep");
        var error = Assert.Throws<IOException>(() => BundleComposer.Compose(new BundleRequest
        {
            BaseBundle = TestPaths.RequireBundle(), Models = [onnx], Output = output, Name = "t", Version = "0.1.0",
        }));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(["mine.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void AModelChangedAfterExportIsRefusedAndNothingIsWritten()
    {
        var onnx = ExportSmallNetwork();
        File.AppendAllText(onnx, "tampered");
        var output = Path.Combine(_temp.Path, "bundle");
        var error = Assert.Throws<BundleFormatException>(() => BundleComposer.Compose(new BundleRequest
        {
            BaseBundle = TestPaths.RequireBundle(), Models = [onnx], Output = output, Name = "t", Version = "0.1.0",
        }));
        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".bundle.partial-*"));
    }

    private string ExportSmallNetwork()
    {
        TorchRuntime.Initialize(Math.Min(2, Environment.ProcessorCount));
        using var net = new FaceAttrNet(new NetworkOptions { InputSize = 32, Widths = [8, 16], FeatureSize = 16 });
        net.eval();
        var entry = ExportWriter.Write(FaceAttrNetExporter.Export(net, new ExportOptions()), _temp.Folder("export"));
        return Path.Combine(_temp.Path, "export", entry.File);
    }

    /// <summary>Manifests compare by their JSON (records holding lists compare lists by reference).</summary>
    private sealed class ManifestEquality : IEqualityComparer<BundleManifest>
    {
        public static readonly ManifestEquality Instance = new();

        public bool Equals(BundleManifest? x, BundleManifest? y) =>
            ManifestSerializer.ToJson(x!) == ManifestSerializer.ToJson(y!);

        public int GetHashCode(BundleManifest obj) => ManifestSerializer.ToJson(obj).GetHashCode(StringComparison.Ordinal);
    }
}
