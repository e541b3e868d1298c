using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Quantize;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>Calibration inputs from a folder of images: one per model and face, every unusable image listed with its reason.</summary>
public sealed class CalibrationSetBuilderQuantizationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faceattr-calibration-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void EachModelGetsItsOwnInputPerFaceAndBadImagesAreReported()
    {
        var bundle = TestPaths.RequireBundle();
        var samples = Path.Combine(bundle, "samples");
        File.Copy(Path.Combine(samples, "sample1.jpg"), Path.Combine(_folder, "a-photo.jpg"));
        File.Copy(Path.Combine(samples, "sample2.jpg"), Path.Combine(_folder, "b-photo.jpg"));
        File.WriteAllBytes(Path.Combine(_folder, "c-truncated.jpg"), File.ReadAllBytes(Path.Combine(samples, "sample3.jpg"))[..150]);
        File.WriteAllBytes(Path.Combine(_folder, "d-empty.png"), []);

        using var builder = new CalibrationSetBuilder(bundle);
        string[] ids = ["blazeface-back", "facemesh", "iris", "faceres", "emotion-oarriaga"];
        var models = ids.Select(id => builder.Manifest.Models.Single(m => m.Id == id)).ToList();
        var set = builder.Build(models, CalibrationSetBuilder.ImageFiles(_folder, out var other), _folder);

        Assert.Equal(0, other);
        Assert.Equal(4, set.Images);
        Assert.Equal(2, set.Faces);
        Assert.Equal(2, set.Undecodable);
        Assert.Contains(set.Issues, i => i.ImagePath.EndsWith("c-truncated.jpg", StringComparison.Ordinal) && i.Reason.StartsWith("does not decode", StringComparison.Ordinal));
        Assert.Contains(set.Issues, i => i.ImagePath.EndsWith("d-empty.png", StringComparison.Ordinal));
        foreach (var model in models)
        {
            // Iris gets both eyes of each face.
            Assert.Equal(model.Role == ModelRole.Iris ? 4 : 2, set.Items[model.Id].Count);
            Assert.All(set.Items[model.Id], item => Assert.Equal(TensorWriter.ItemLength(model.Input), item.Tensor.Length));
        }

        // Different crops, different normalisations: faceres takes 0–255, emotion grey −1…1.
        Assert.InRange(set.Items["faceres"][0].Tensor.Max(), 100f, 255f);
        Assert.InRange(set.Items["emotion-oarriaga"][0].Tensor.Min(), -1f, 0f);
        Assert.NotEqual(set.Items["faceres"][0].Tensor.Average(), set.Items["faceres"][1].Tensor.Average());
    }

    [Fact]
    public void AFolderThatDoesNotExistIsAClearError()
    {
        var missing = Path.Combine(_folder, "nothing");
        var error = Assert.Throws<CalibrationSetException>(() => CalibrationSetBuilder.ImageFiles(missing, out _));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
