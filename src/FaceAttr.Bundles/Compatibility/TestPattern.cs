namespace FaceAttr.Bundles.Compatibility;

/// <summary>
/// The known input of the test inference: a deterministic RGB image (a face-coloured disc with darker eyes
/// and mouth on a grey gradient), so every model sees plausible pixel statistics rather than zeros.
/// </summary>
public static class TestPattern
{
    /// <summary>Packed RGB bytes of a <paramref name="width"/>×<paramref name="height"/> pattern.</summary>
    public static byte[] Create(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var pixels = new byte[width * height * 3];
        float cx = width / 2f, cy = height / 2f, r = Math.Min(width, height) * 0.35f;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var grey = (byte)(60 + (120 * (x + y) / (width + height)));
                (byte R, byte G, byte B) c = (grey, grey, grey);
                float dx = (x - cx) / r, dy = (y - cy) / r;
                if ((dx * dx) + (dy * dy * 0.8f) < 1f)
                {
                    c = (224, 172, 140);
                    var eye = Math.Min(Sq(dx + 0.35f) + Sq(dy + 0.25f), Sq(dx - 0.35f) + Sq(dy + 0.25f));
                    if (eye < 0.012f || (Math.Abs(dy - 0.45f) < 0.05f && Math.Abs(dx) < 0.3f))
                    {
                        c = (70, 40, 40);
                    }
                }

                pixels[i] = c.R;
                pixels[i + 1] = c.G;
                pixels[i + 2] = c.B;
            }
        }

        return pixels;
    }

    private static float Sq(float v) => v * v;
}
