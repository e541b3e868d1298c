namespace FaceAttr.Core.Imaging;

/// <summary>
/// A read-only view of packed 8-bit RGB pixels (3 bytes a pixel, rows back to back). It owns nothing:
/// whoever owns the buffer keeps it alive while the view is used.
/// </summary>
public readonly ref struct RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold exactly width × height × 3 bytes.</summary>
    public RgbImage(ReadOnlySpan<byte> pixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}", nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
    }

    /// <summary>The pixels, row-major RGB.</summary>
    public ReadOnlySpan<byte> Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }
}
