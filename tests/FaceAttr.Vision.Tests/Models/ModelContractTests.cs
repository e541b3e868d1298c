using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Models;

namespace FaceAttr.Vision.Tests.Models;

/// <summary>The real bundle loads, and every kind of manifest/graph mismatch fails fast with a message naming it.</summary>
public sealed class ModelContractTests
{
    private static readonly BundleManifest Manifest = ManifestSerializer.ReadFromFolder(TestPaths.RequireBundle());

    private static ModelEntry Faceres => Manifest.Models.Single(m => m.Id == "faceres");

    [Fact]
    public void EveryBundleModelOpensAndMatchesItsManifest()
    {
        foreach (var entry in Manifest.Models)
        {
            using var session = SessionFactory.Open(TestPaths.Bundle, entry, new SessionSettings());
            Assert.Contains(entry.Input.Name, session.InputMetadata.Keys);
        }
    }

    [Fact]
    public void WrongInputNameIsNamed()
    {
        var ex = Reject(Faceres with { Input = Faceres.Input with { Name = "image" } });
        Assert.Contains("manifest input 'image' is not in the ONNX graph", ex, StringComparison.Ordinal);
        Assert.Contains("input_1", ex, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongInputSizeOrChannelsIsNamed()
    {
        Assert.Contains("112x112x3", Reject(Faceres with { Input = Faceres.Input with { Width = 112, Height = 112 } }), StringComparison.Ordinal);
        Assert.Contains("224x224x1", Reject(Faceres with { Input = Faceres.Input with { Color = ColorOrder.Gray } }), StringComparison.Ordinal);
        Assert.Contains("[N,3,224,224]", Reject(Faceres with { Input = Faceres.Input with { Layout = TensorLayout.Nchw } }), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongOrMissingOutputIsNamed()
    {
        var outputs = Faceres.Outputs.ToList();
        outputs[1] = outputs[1] with { Size = 101 };
        Assert.Contains("'age_pred/Softmax' holds 100 values per item, the manifest says 101",
            Reject(Faceres with { Outputs = outputs }), StringComparison.Ordinal);
        Assert.Contains("manifest output 'age'",
            Reject(Faceres with { Outputs = [new ModelOutput { Name = "age", Kind = OutputKind.Regression, Size = 1 }] }), StringComparison.Ordinal);
    }

    [Fact]
    public void HashMismatchAndMissingFileAreNamed()
    {
        Assert.Contains("but the manifest says " + new string('0', 64),
            Reject(Faceres with { Sha256 = new string('0', 64) }), StringComparison.Ordinal);
        Assert.Contains("is missing", Reject(Faceres with { File = "nope.onnx" }), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileOnnxRuntimeCannotLoadIsAContractError()
    {
        var folder = Directory.CreateTempSubdirectory("faceattr-broken-").FullName;
        try
        {
            var path = Path.Combine(folder, "broken.onnx");
            File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
            var entry = Faceres with { File = "broken.onnx", Sha256 = ModelFile.Sha256(path) };
            var ex = Assert.Throws<ModelContractException>(() => SessionFactory.Open(folder, entry, new SessionSettings()));
            Assert.Contains("ONNX Runtime cannot load broken.onnx", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Reject(ModelEntry entry) =>
        Assert.Throws<ModelContractException>(() => SessionFactory.Open(TestPaths.Bundle, entry, new SessionSettings())).Message;
}
