using FaceAttr.Core.Bundles;
using FaceAttr.Datasets;
using FaceAttr.Onnx.Quantization;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Quantize;
using FaceAttr.Vision.Models;
using Google.Protobuf;
using Onnx;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>
/// faceres, blazeface-back and emotion-oarriaga quantized once for the real-model tests: calibrated on 32 CelebA faces,
/// with 120 other CelebA faces held out. The int8 files are written into a temporary bundle folder (with a manifest whose
/// entries carry their hashes), so the runtime's own loaders can open them.
/// </summary>
public sealed class RealModelFixture : IDisposable
{
    public static readonly string[] ModelIds = ["faceres", "blazeface-back", "emotion-oarriaga"];

    private readonly DirectoryInfo? _folder;

    public RealModelFixture()
    {
        SourceBundle = TestPaths.RequireBundle();
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            return;
        }

        var manifest = ManifestSerializer.ReadFromFolder(SourceBundle);
        var faces = new CelebAReader().Read(celeba, limit: null).Faces;
        var selected = LabeledSubset.EvenlySpaced(faces, 152);
        var calibration = LabeledSubset.EvenlySpaced(selected, 32);
        var chosen = calibration.Select(f => f.ImagePath).ToHashSet();
        var holdout = selected.Where(f => !chosen.Contains(f.ImagePath)).ToList();
        Labels = holdout.ToDictionary(f => f.ImagePath);
        var entries = ModelIds.Select(id => manifest.Models.Single(m => m.Id == id)).ToList();
        using (var builder = new CalibrationSetBuilder(SourceBundle))
        {
            Calibration = builder.Build(entries, [.. calibration.Select(f => f.ImagePath)], celeba);
            Holdout = builder.Build(entries, [.. holdout.Select(f => f.ImagePath)], celeba);
        }

        _folder = Directory.CreateTempSubdirectory("faceattr-int8-bundle-");
        Int8Bundle = _folder.FullName;
        var written = new List<ModelEntry>();
        foreach (var entry in entries)
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(SourceBundle, entry.File)));
            var result = QdqQuantizer.Quantize(model, Calibration.Tensors(entry.Id));
            var path = Path.Combine(Int8Bundle, entry.File);
            File.WriteAllBytes(path, result.Model.ToByteArray());
            Results[entry.Id] = result;
            Floats[entry.Id] = entry;
            Int8s[entry.Id] = entry with { Sha256 = ModelFile.Sha256(path), Precision = ModelPrecision.Int8 };
            written.Add(Int8s[entry.Id]);
        }

        File.WriteAllText(Path.Combine(Int8Bundle, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest with { Models = written, Heads = null }));
    }

    /// <summary>False when the real faces are absent on this machine (never in CI): the tests then say so and stop.</summary>
    public bool Available => _folder is not null;

    public string SourceBundle { get; }

    public string Int8Bundle { get; } = string.Empty;

    public CalibrationSet Calibration { get; } = null!;

    public CalibrationSet Holdout { get; } = null!;

    public IReadOnlyDictionary<string, LabeledFace> Labels { get; } = new Dictionary<string, LabeledFace>();

    public Dictionary<string, QuantizationResult> Results { get; } = [];

    public Dictionary<string, ModelEntry> Floats { get; } = [];

    public Dictionary<string, ModelEntry> Int8s { get; } = [];

    public string FloatPath(string id) => Path.Combine(SourceBundle, Floats[id].File);

    public string Int8Path(string id) => Path.Combine(Int8Bundle, Int8s[id].File);

    public void Dispose() => _folder?.Delete(recursive: true);
}
