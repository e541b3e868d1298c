using FaceAttr.Vision.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceAttr.Vision.Tests.Imaging;

/// <summary>Real-world bad and odd inputs: each decodes to RGB or fails with one clear line naming the file.</summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faceattr-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write<TPixel>(string name, Image<TPixel> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var path = Path.Combine(_folder, name);
        using (image)
        {
            image.Save(path, encoder);
        }

        return path;
    }

    private static Image<TPixel> Pattern<TPixel>(int w, int h, Func<int, int, TPixel> color)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = new Image<TPixel>(w, h);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                image[x, y] = color(x, y);
            }
        }

        return image;
    }

    [Fact]
    public void WebpNamedJpgDecodesByContent()
    {
        var path = Write("photo.jpg", Pattern(16, 8, (x, y) => new Rgb24(200, 10, 10)), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        var image = ImageDecoder.Load(path);
        Assert.Equal((16, 8), (image.Width, image.Height));
        Assert.Equal(new byte[] { 200, 10, 10 }, image.Pixels[..3]);
    }

    [Fact]
    public void GreyscaleAnd16BitPngBecomeRgb()
    {
        var grey = ImageDecoder.Load(Write("grey.png", Pattern(4, 4, (x, y) => new L8(77)), new PngEncoder { ColorType = PngColorType.Grayscale }));
        Assert.Equal(new byte[] { 77, 77, 77 }, grey.Pixels[..3]);
        var deep = ImageDecoder.Load(Write("deep.png", Pattern(4, 4, (x, y) => new Rgb48(65535, 0, 32896)),
            new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb }));
        Assert.Equal(new byte[] { 255, 0, 128 }, deep.Pixels[..3]);
    }

    [Fact]
    public void ZeroByteTruncatedAndJunkFilesGiveClearErrors()
    {
        var empty = Path.Combine(_folder, "empty.jpg");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty file", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(empty)).Message, StringComparison.Ordinal);

        var junk = Path.Combine(_folder, "notes.jpg");
        File.WriteAllText(junk, "this is not an image");
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(junk));
        Assert.StartsWith(junk, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not an image format", ex.Message, StringComparison.Ordinal);

        var full = Write("full.jpg", Pattern(64, 64, (x, y) => new Rgb24((byte)x, (byte)y, 0)), new JpegEncoder());
        var truncated = Path.Combine(_folder, "truncated.jpg");
        var bytes = File.ReadAllBytes(full);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);

        // A truncated JPEG either fails clearly or decodes what it holds (ImageSharp fills the missing rows); never a crash.
        try
        {
            var partial = ImageDecoder.Load(truncated);
            Assert.Equal(64, partial.Width);
        }
        catch (ImageDecodeException cut)
        {
            Assert.StartsWith(truncated, cut.Message, StringComparison.Ordinal);
        }

        var missing = Path.Combine(_folder, "nope.png");
        Assert.Contains("cannot read", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeImagesAreRefusedBeforeDecoding()
    {
        var path = Write("big.png", new Image<Rgb24>(300, 200), new PngEncoder());
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(path, maxPixels: 50_000));
        Assert.Contains("300x200", ex.Message, StringComparison.Ordinal);
        Assert.Equal(300, ImageDecoder.Load(path).Width);
    }

    [Fact]
    public void TheRealWebpNamedJpgOfTheExpressionSetDecodes()
    {
        // The expression set holds a real WebP named .jpg; decoding it proves content sniffing on real data.
        var expressions = FaceAttr.TestSupport.TestPaths.DataOrFailInCi("expressions");
        if (expressions is null)
        {
            return;
        }

        var webp = Path.Combine(expressions, "images", "facial-expressions_2868588k.jpg");
        var image = ImageDecoder.Load(webp);
        Assert.True(image.Width > 10 && image.Height > 10);
    }
}
