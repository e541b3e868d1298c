using FaceAttr.Core.Imaging;

namespace FaceAttr.Vision.Imaging;

/// <summary>An image decoded to packed RGB. Owns its pixel array.</summary>
/// <param name="Pixels">Row-major RGB, width × height × 3 bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record DecodedImage(byte[] Pixels, int Width, int Height)
{
    /// <summary>A view for the analysis code.</summary>
    public RgbImage View => new(Pixels, Width, Height);
}
