using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceAttr.Vision.Imaging;

/// <summary>
/// Decodes image files by their content (not their extension), to 8-bit RGB, whatever the stored
/// format (grey, CMYK JPEG, 16-bit PNG, WebP, ...), refusing images larger than a pixel cap before
/// decoding them and applying EXIF orientation.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Default cap on decoded pixels (40 megapixels ≈ 120 MB of RGB).</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>Decodes <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">Missing, empty, unreadable, truncated or oversized input.</exception>
    public static DecodedImage Load(string path, long maxPixels = DefaultMaxPixels)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"{path}: cannot read: {ex.Message}", ex);
        }

        return Decode(bytes, path, maxPixels);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> is used in messages.</summary>
    public static DecodedImage Decode(byte[] bytes, string name, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new ImageDecodeException($"{name}: empty file (0 bytes)");
        }

        try
        {
            var info = Image.Identify(bytes) ?? throw new ImageDecodeException($"{name}: not an image format FaceAttr can read");
            if ((long)info.Width * info.Height > maxPixels)
            {
                throw new ImageDecodeException(
                    $"{name}: {info.Width}x{info.Height} is over the {maxPixels / 1_000_000} megapixel cap");
            }

            using var image = Image.Load<Rgb24>(bytes);
            image.Mutate(x => x.AutoOrient());
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new DecodedImage(pixels, image.Width, image.Height);
        }
        catch (UnknownImageFormatException ex)
        {
            throw new ImageDecodeException($"{name}: not an image format FaceAttr can read ({ex.Message})", ex);
        }
        catch (InvalidImageContentException ex)
        {
            throw new ImageDecodeException($"{name}: corrupt or truncated image ({ex.Message})", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new ImageDecodeException($"{name}: unsupported image variant ({ex.Message})", ex);
        }
    }
}
