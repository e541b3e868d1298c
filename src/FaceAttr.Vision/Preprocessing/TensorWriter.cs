using FaceAttr.Core.Bundles;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Vision.Preprocessing;

/// <summary>
/// Fills a model's input tensor from an RGB image in one pass: affine crop (rotation for alignment),
/// bilinear sampling, colour order or grey conversion, and <c>(p · scale − mean) / std</c>, in the
/// manifest's layout. Allocation-free; pixels outside the image read as black.
/// </summary>
public static class TensorWriter
{
    /// <summary>Luma weights of the grey conversion (ITU-R 601).</summary>
    public const float GrayR = 0.2989f, GrayG = 0.587f, GrayB = 0.114f;

    /// <summary>Number of floats one batch item of <paramref name="input"/> needs.</summary>
    public static int ItemLength(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Width * input.Height * input.Channels;
    }

    /// <summary>Writes one batch item for <paramref name="input"/> into <paramref name="destination"/>.</summary>
    public static void Write(RgbImage image, in Affine2D crop, ModelInput input, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(input);
        int w = input.Width, h = input.Height, channels = input.Channels;
        if (destination.Length < w * h * channels)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, {w * h * channels} needed", nameof(destination));
        }

        // Fold (p·scale − mean)/std into p·gain + bias per output channel.
        Span<float> gain = stackalloc float[3];
        Span<float> bias = stackalloc float[3];
        for (var c = 0; c < channels; c++)
        {
            var mean = input.Mean.Length == 1 ? input.Mean[0] : input.Mean[c];
            var std = input.Std.Length == 1 ? input.Std[0] : input.Std[c];
            gain[c] = input.Scale / std;
            bias[c] = -mean / std;
        }

        var pixels = image.Pixels;
        var planeSize = w * h;
        var nchw = input.Layout == TensorLayout.Nchw;
        var color = input.Color;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                // Sample at pixel centres so that an identity crop reproduces the image exactly.
                var s = crop.Apply(x + 0.5f, y + 0.5f);
                Sample(pixels, image.Width, image.Height, s.X - 0.5f, s.Y - 0.5f, out var r, out var g, out var b);
                var index = (y * w) + x;
                if (color == ColorOrder.Gray)
                {
                    var grey = (GrayR * r) + (GrayG * g) + (GrayB * b);
                    destination[index] = (grey * gain[0]) + bias[0];
                    continue;
                }

                float c0 = r, c2 = b;
                if (color == ColorOrder.Bgr)
                {
                    c0 = b;
                    c2 = r;
                }

                if (nchw)
                {
                    destination[index] = (c0 * gain[0]) + bias[0];
                    destination[planeSize + index] = (g * gain[1]) + bias[1];
                    destination[(2 * planeSize) + index] = (c2 * gain[2]) + bias[2];
                }
                else
                {
                    var o = index * 3;
                    destination[o] = (c0 * gain[0]) + bias[0];
                    destination[o + 1] = (g * gain[1]) + bias[1];
                    destination[o + 2] = (c2 * gain[2]) + bias[2];
                }
            }
        }
    }

    private static void Sample(ReadOnlySpan<byte> pixels, int width, int height, float fx, float fy,
        out float r, out float g, out float b)
    {
        var x0 = (int)MathF.Floor(fx);
        var y0 = (int)MathF.Floor(fy);
        var ax = fx - x0;
        var ay = fy - y0;
        r = g = b = 0;
        Accumulate(pixels, width, height, x0, y0, (1 - ax) * (1 - ay), ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0 + 1, y0, ax * (1 - ay), ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0, y0 + 1, (1 - ax) * ay, ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0 + 1, y0 + 1, ax * ay, ref r, ref g, ref b);
    }

    private static void Accumulate(ReadOnlySpan<byte> pixels, int width, int height, int x, int y, float weight,
        ref float r, ref float g, ref float b)
    {
        if (weight == 0 || (uint)x >= (uint)width || (uint)y >= (uint)height)
        {
            return;
        }

        var o = ((y * width) + x) * 3;
        r += pixels[o] * weight;
        g += pixels[o + 1] * weight;
        b += pixels[o + 2] * weight;
    }
}
