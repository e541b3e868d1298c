using FaceAttr.Training.Data;

namespace FaceAttr.Training.Augmentation;

/// <summary>The random choices for one sample (so tests can check flips and determinism).</summary>
/// <param name="Flip">Mirrored left–right.</param>
/// <param name="Angle">Rotation in radians.</param>
/// <param name="Scale">Zoom factor.</param>
/// <param name="ShiftX">Shift in input pixels.</param>
/// <param name="ShiftY">Shift in input pixels.</param>
/// <param name="Brightness">Added to 0–1 values.</param>
/// <param name="Contrast">Multiplier about the mean.</param>
/// <param name="Saturation">Multiplier about the grey value.</param>
/// <param name="Gray">Converted to grey.</param>
public readonly record struct AugmentParameters(bool Flip, float Angle, float Scale, float ShiftX, float ShiftY, float Brightness, float Contrast, float Saturation, bool Gray)
{
    /// <summary>The identity: the centre crop, unchanged.</summary>
    public static AugmentParameters Identity { get; } = new(false, 0, 1, 0, 0, 0, 1, 1, false);
}

/// <summary>
/// Turns a cached crop (<see cref="FaceCrops"/>) into a network input: one bilinear resample applying flip, rotation, scale
/// and shift about the crop centre, then colour jitter, then <c>(v/255 − 0.5)/0.5</c> in CHW order. The random choices depend
/// only on (seed, epoch, sample index), so a run is reproducible whatever the batch order or thread count.
/// </summary>
public static class Augmenter
{
    /// <summary>The deterministic parameters for sample <paramref name="sampleIndex"/> in <paramref name="epoch"/>.</summary>
    public static AugmentParameters Draw(AugmentOptions options, int seed, int epoch, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return AugmentParameters.Identity;
        }

        var random = new Random(Mix(seed, epoch, sampleIndex));
        float Uniform(float max) => ((float)random.NextDouble() * 2f - 1f) * max;
        return new AugmentParameters(
            random.NextDouble() < options.FlipProbability,
            Uniform(options.MaxRotationDegrees) * MathF.PI / 180f,
            1f + Uniform(options.MaxScale),
            Uniform(options.MaxShift),
            Uniform(options.MaxShift),
            Uniform(options.Brightness),
            1f + Uniform(options.Contrast),
            1f + Uniform(options.Saturation),
            random.NextDouble() < options.GrayProbability);
    }

    /// <summary>
    /// Writes the <paramref name="inputSize"/>² × 3 normalised CHW input for <paramref name="crop"/> (side
    /// <paramref name="cropSide"/>) into <paramref name="destination"/>.
    /// </summary>
    public static void Apply(ReadOnlySpan<byte> crop, int cropSide, int inputSize, in AugmentParameters p, Span<float> destination)
    {
        var plane = inputSize * inputSize;
        if (destination.Length < plane * 3 || crop.Length != cropSide * cropSide * 3)
        {
            throw new ArgumentException("crop or destination has the wrong size");
        }

        var cos = MathF.Cos(p.Angle) / p.Scale;
        var sin = MathF.Sin(p.Angle) / p.Scale;
        var half = inputSize / 2f;
        var cropHalf = cropSide / 2f;
        var sumGray = 0f;
        for (var y = 0; y < inputSize; y++)
        {
            for (var x = 0; x < inputSize; x++)
            {
                var dx = (p.Flip ? inputSize - 1 - x : x) + 0.5f - half;
                var dy = y + 0.5f - half;
                var sx = (cos * dx) - (sin * dy) + cropHalf + p.ShiftX - 0.5f;
                var sy = (sin * dx) + (cos * dy) + cropHalf + p.ShiftY - 0.5f;
                Sample(crop, cropSide, sx, sy, out var r, out var g, out var b);
                var i = (y * inputSize) + x;
                destination[i] = r;
                destination[plane + i] = g;
                destination[(2 * plane) + i] = b;
                sumGray += (0.299f * r) + (0.587f * g) + (0.114f * b);
            }
        }

        var mean = sumGray / plane;
        for (var i = 0; i < plane; i++)
        {
            var r = destination[i];
            var g = destination[plane + i];
            var b = destination[(2 * plane) + i];
            var grey = (0.299f * r) + (0.587f * g) + (0.114f * b);
            var saturation = p.Gray ? 0f : p.Saturation;
            r = grey + ((r - grey) * saturation);
            g = grey + ((g - grey) * saturation);
            b = grey + ((b - grey) * saturation);
            destination[i] = Normalise(((r - mean) * p.Contrast) + mean + p.Brightness);
            destination[plane + i] = Normalise(((g - mean) * p.Contrast) + mean + p.Brightness);
            destination[(2 * plane) + i] = Normalise(((b - mean) * p.Contrast) + mean + p.Brightness);
        }
    }

    /// <summary>
    /// Swap pairs for a horizontal flip among <paramref name="binaryAttributes"/>: <c>x_left</c> ↔ <c>x_right</c> and
    /// <c>left_x</c> ↔ <c>right_x</c> (also inside names, e.g. <c>eye_left_occluded</c> ↔ <c>eye_right_occluded</c>).
    /// </summary>
    public static IReadOnlyList<(int Left, int Right)> FlipPairs(IReadOnlyList<string> binaryAttributes)
    {
        ArgumentNullException.ThrowIfNull(binaryAttributes);
        var pairs = new List<(int, int)>();
        for (var i = 0; i < binaryAttributes.Count; i++)
        {
            var name = binaryAttributes[i];
            if (!name.Contains("left", StringComparison.Ordinal))
            {
                continue;
            }

            var j = binaryAttributes.ToList().IndexOf(name.Replace("left", "right", StringComparison.Ordinal));
            if (j >= 0)
            {
                pairs.Add((i, j));
            }
        }

        return pairs;
    }

    private static float Normalise(float v01) => (Math.Clamp(v01, 0f, 1f) - 0.5f) / 0.5f;

    private static void Sample(ReadOnlySpan<byte> crop, int side, float x, float y, out float r, out float g, out float b)
    {
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        var fx = x - x0;
        var fy = y - y0;
        r = g = b = 0;
        for (var k = 0; k < 4; k++)
        {
            var xi = x0 + (k & 1);
            var yi = y0 + (k >> 1);
            var w = ((k & 1) == 1 ? fx : 1 - fx) * ((k >> 1) == 1 ? fy : 1 - fy);
            if (w <= 0 || xi < 0 || yi < 0 || xi >= side || yi >= side)
            {
                continue;
            }

            var o = ((yi * side) + xi) * 3;
            r += w * crop[o] / 255f;
            g += w * crop[o + 1] / 255f;
            b += w * crop[o + 2] / 255f;
        }
    }

    private static int Mix(int seed, int epoch, int index)
    {
        var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        h ^= ((ulong)(uint)epoch + 0x632BE59BD9B4E019UL) * 0xBF58476D1CE4E5B9UL;
        h ^= ((ulong)(uint)index + 0x2545F4914F6CDD1DUL) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (int)(h & 0x7FFFFFFF);
    }
}
