using FaceAttr.Bundles.Compatibility;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Updating;
using FaceAttr.Bundles.Versioning;
using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;

namespace FaceAttr.Bundles.Tests;

public sealed class CompatibilityTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly CompatibilityChecker _checker = new(new CompatibilityOptions { RuntimeVersion = BundleVersion.Parse("1.0.0") });

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void EveryModelOfTheDefaultBundlePassesContractAndTestInference()
    {
        var report = _checker.Check(TestPaths.RequireBundle());
        Assert.Equal(Fixtures.Default.Models.Count, report.Models.Count);
    }

    [Fact]
    public void ContractMismatchNamesTheOutput()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("b"), edit: m => m with
        {
            Models = [m.Models[0], m.Models[1] with { Outputs = [m.Models[1].Outputs[0] with { Name = "gender_probs" }] }],
        });
        var ex = Refuse(folder);
        Assert.Equal(UpdateFailure.ContractMismatch, ex.Failure);
        Assert.Contains("manifest output 'gender_probs' is not in the ONNX graph", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelThatOutputsNanIsRefused()
    {
        var folder = Fixtures.BundleWithGenderModel(_temp.Sub("b"), Fixtures.NanGenderModel());
        var ex = Refuse(folder);
        Assert.Equal(UpdateFailure.BadOutput, ex.Failure);
        Assert.Contains("output 'Identity' gave NaN at index 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelOnnxRuntimeCannotLoadIsRefused()
    {
        var folder = Fixtures.BundleWithGenderModel(_temp.Sub("b"), "this is not a protobuf"u8.ToArray());
        var ex = Refuse(folder);
        Assert.Equal(UpdateFailure.UnloadableModel, ex.Failure);
        Assert.Contains("ONNX Runtime cannot load replaced-gender.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuntimeTooOldOrAnotherTaxonomyIsIncompatible()
    {
        var newer = Refuse(Fixtures.SmallBundle(_temp.Sub("b1"), edit: m => m with { MinRuntimeVersion = "9.0.0" }));
        Assert.Equal(UpdateFailure.Incompatible, newer.Failure);
        Assert.Contains("needs runtime 9.0.0 or newer, this device runs 1.0.0", newer.Message, StringComparison.Ordinal);

        var taxonomy = Refuse(Fixtures.SmallBundle(_temp.Sub("b2"), edit: m => m with { TaxonomyVersion = 0 }));
        Assert.Equal(UpdateFailure.Incompatible, taxonomy.Failure);
        Assert.Contains("taxonomy version 0", taxonomy.Message, StringComparison.Ordinal);

        var noDetector = Refuse(Fixtures.SmallBundle(_temp.Sub("b3"), edit: m => m with { Models = [m.Models[1]] }));
        Assert.Contains("no detector model", noDetector.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestMustRepeatTheSignedNameAndVersion()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("b"), "0.2.0");
        using var key = SigningKey.Generate();
        var signed = key.Sign(new string('a', 64), 10, "faceattr-test", "0.3.0");
        var ex = Assert.Throws<UpdateException>(() => _checker.Check(folder, signed));
        Assert.Equal(UpdateFailure.BadManifest, ex.Failure);
        Assert.Contains("signature is for faceattr-test 0.3.0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedManifestIsRefused()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("b"));
        File.WriteAllText(Path.Combine(folder, ManifestSerializer.FileName), "{ \"name\": ");
        Assert.Equal(UpdateFailure.BadManifest, Refuse(folder).Failure);
    }

    private UpdateException Refuse(string folder)
    {
        var ex = Assert.Throws<UpdateException>(() => _checker.Check(folder));
        Assert.Equal(UpdateStage.Check, ex.Stage);
        return ex;
    }
}
