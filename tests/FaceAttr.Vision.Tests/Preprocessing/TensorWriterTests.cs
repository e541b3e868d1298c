using FaceAttr.Core.Bundles;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Tests.Preprocessing;

public sealed class TensorWriterTests
{
    // A 2x2 image: red, green / blue, white.
    private static readonly byte[] Pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];

    private static float[] Write(ModelInput input, Affine2D? crop = null)
    {
        var output = new float[TensorWriter.ItemLength(input)];
        TensorWriter.Write(new RgbImage(Pixels, 2, 2), crop ?? Affine2D.FromRect(0, 0, 2, 2, input.Width, input.Height), input, output);
        return output;
    }

    private static ModelInput Input(ColorOrder color, TensorLayout layout = TensorLayout.Nhwc, float scale = 1f) =>
        new() { Name = "x", Width = 2, Height = 2, Color = color, Layout = layout, Scale = scale };

    [Fact]
    public void IdentityCropReproducesPixelsInRgbNhwc() =>
        Assert.Equal([255f, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], Write(Input(ColorOrder.Rgb)));

    [Fact]
    public void BgrSwapsRedAndBlue() =>
        Assert.Equal([0f, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255], Write(Input(ColorOrder.Bgr)));

    [Fact]
    public void NchwWritesPlanes() =>
        Assert.Equal([255f, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], Write(Input(ColorOrder.Rgb, TensorLayout.Nchw)));

    [Fact]
    public void GrayUsesItuWeightsAndNormalisation()
    {
        var input = Input(ColorOrder.Gray, scale: 1 / 255f) with { Mean = [0.5f], Std = [0.5f] };
        var output = Write(input);
        Assert.Equal((0.2989f - 0.5f) / 0.5f, output[0], 4);
        Assert.Equal((0.587f - 0.5f) / 0.5f, output[1], 4);
        Assert.Equal((0.114f - 0.5f) / 0.5f, output[2], 4);
        Assert.Equal((0.9999f - 0.5f) / 0.5f, output[3], 3);
    }

    [Fact]
    public void BlazeFaceNormalisationMapsToMinusOneToOne()
    {
        var input = Input(ColorOrder.Rgb, scale: 1 / 127.5f) with { Mean = [1f] };
        var output = Write(input);
        Assert.Equal(1f, output[0], 5);
        Assert.Equal(-1f, output[1], 5);
    }

    [Fact]
    public void OutsideTheImageReadsBlackAndRotationTurnsTheImage()
    {
        // A crop rotated by 90° about the image centre: crop x runs down the source's y axis.
        var crop = Affine2D.FromRotatedSquare(1, 1, 2, MathF.PI / 2, 2, 2);
        var output = Write(Input(ColorOrder.Rgb), crop);

        // Crop pixel (0,0) is (−.5,−.5) from the centre; turned by +90° it is (+.5,−.5): source pixel (1,0), green.
        // Crop pixel (1,0) is (+.5,−.5); turned it is (+.5,+.5): source pixel (1,1), white.
        Assert.Equal([0f, 255, 0], output[0..3]);
        Assert.Equal([255f, 255, 255], output[3..6]);

        var far = Write(Input(ColorOrder.Rgb), Affine2D.FromRect(10, 10, 2, 2, 2, 2));
        Assert.All(far, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TooSmallDestinationThrows() =>
        Assert.Throws<ArgumentException>(() =>
            TensorWriter.Write(new RgbImage(Pixels, 2, 2), Affine2D.FromRect(0, 0, 2, 2, 2, 2), Input(ColorOrder.Rgb), new float[3]));
}
