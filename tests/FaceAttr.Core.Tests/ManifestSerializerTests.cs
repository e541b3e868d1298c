using FaceAttr.Core.Bundles;

namespace FaceAttr.Core.Tests;

public sealed class ManifestSerializerTests
{
    private static ModelEntry Entry(string id = "m") => new()
    {
        Id = id,
        Role = ModelRole.Attributes,
        File = $"{id}.onnx",
        Sha256 = new string('a', 64),
        Input = new ModelInput { Name = "x", Width = 64, Height = 64, Color = ColorOrder.Gray, Scale = 1 / 255f, Mean = [0.5f], Std = [0.5f] },
        Outputs = [new ModelOutput { Name = "y", Kind = OutputKind.Softmax, Head = "gender", Labels = ["female", "male"], Size = 2 }],
    };

    private static BundleManifest Manifest(params ModelEntry[] models) => new() { Name = "b", Version = "1.0.0", Models = models };

    [Fact]
    public void RoundTripsWithSnakeCaseContractNames()
    {
        var json = ManifestSerializer.ToJson(Manifest(Entry()));
        Assert.Contains("\"taxonomy_version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"color\": \"gray\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"softmax\"", json, StringComparison.Ordinal);
        var back = ManifestSerializer.Parse(json, "test");
        Assert.Equal("m", back.Models[0].Id);
        Assert.Equal([0.5f], back.Models[0].Input.Mean);
        Assert.Equal(ColorOrder.Gray, back.Models[0].Input.Color);
    }

    [Theory]
    [InlineData("{", "not a valid manifest")]
    [InlineData("null", "empty")]
    [InlineData("""{"name":"b","version":"1","models":[],"surprise":1}""", "surprise")]
    [InlineData("""{"schema_version":9,"name":"b","version":"1","models":[]}""", "schema_version 9")]
    [InlineData("""{"taxonomy_version":99,"name":"b","version":"1","models":[]}""", "taxonomy_version 99")]
    public void RejectsMalformedManifestsWithAClearMessage(string json, string expected)
    {
        var ex = Assert.Throws<BundleFormatException>(() => ManifestSerializer.Parse(json, "m.json"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("m.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsContractViolations()
    {
        Assert.Contains("duplicate", Reject(Manifest(Entry("a"), Entry("a"))), StringComparison.Ordinal);
        Assert.Contains("plain file name", Reject(Manifest(Entry() with { File = "../evil.onnx" })), StringComparison.Ordinal);
        Assert.Contains("64 hex", Reject(Manifest(Entry() with { Sha256 = "xyz" })), StringComparison.Ordinal);
        Assert.Contains("2 labels but size 3", Reject(Manifest(Entry() with
        {
            Outputs = [new ModelOutput { Name = "y", Kind = OutputKind.Softmax, Labels = ["a", "b"], Size = 3 }],
        })), StringComparison.Ordinal);
        Assert.Contains("std", Reject(Manifest(Entry() with { Input = Entry().Input with { Std = [0f] } })), StringComparison.Ordinal);
        Assert.Contains("mean has 2 values", Reject(Manifest(Entry() with { Input = Entry().Input with { Mean = [1f, 2f] } })), StringComparison.Ordinal);
        Assert.Contains("anchors", Reject(Manifest(Entry() with { Role = ModelRole.Detector })), StringComparison.Ordinal);
    }

    private static string Reject(BundleManifest manifest) =>
        Assert.Throws<BundleFormatException>(() => ManifestSerializer.Parse(ManifestSerializer.ToJson(manifest), "m.json")).Message;
}
