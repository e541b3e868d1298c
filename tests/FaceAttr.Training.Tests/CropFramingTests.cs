using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Alignment;
using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Training.Tests;

/// <summary>Training sees exactly the crop the device feeds the network: the centre window of a cached crop.</summary>
public sealed class CropFramingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-framing-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void TheCentreOfACachedCropIsTheDeviceCrop()
    {
        const int Input = 64;
        const float CropScale = FaceCrops.DefaultCropScale;
        var bundle = TestPaths.RequireBundle();
        var path = Path.Combine(bundle, "samples", "sample1.jpg");
        var sample = TrainingSample.From(new LabeledFace(path), "framing", HeadSet.DefaultBinary);
        var cache = new CropCacheOptions { BundleFolder = bundle, CacheFolder = _dir.FullName, Threads = 1, InputSize = Input, CropScale = CropScale };

        var crops = CropCache.Load([sample], cache).Crops;

        // The device crop: the same detection, box × crop scale, sampled straight at the input size (FaceAnalyzer's transform).
        var device = new byte[Input * Input * 3];
        using (var aligner = new FaceAligner(bundle))
        {
            Assert.Equal(AlignmentPath.Detected, aligner.Crop(ImageDecoder.Load(path), CropScale, Input, device));
        }

        var side = crops.Side;
        var offset = (side - Input) / 2;
        Assert.Equal(FaceCrops.SideFor(Input), side);
        var cached = crops[0];
        var largest = 0;
        for (var y = 0; y < Input; y++)
        {
            for (var x = 0; x < Input * 3; x++)
            {
                var d = Math.Abs(cached[((y + offset) * side * 3) + (offset * 3) + x] - device[(y * Input * 3) + x]);
                largest = Math.Max(largest, d);
            }
        }

        // Same sample positions, so only float rounding of the transform may differ; a framing mismatch (the network
        // trained on box × 1.244 while the device fed box × 1.4) differs by tens of levels.
        Assert.True(largest <= 2, $"largest byte difference {largest}");
    }
}
