namespace FaceAttr.Capture;

/// <summary>The sizes a camera offers for one pixel format: discrete sizes are ranges with min = max.</summary>
internal readonly record struct FrameSizeRange(int MinWidth, int MaxWidth, int StepWidth, int MinHeight, int MaxHeight, int StepHeight)
{
    public static FrameSizeRange Discrete(int width, int height) => new(width, width, 1, height, height, 1);
}

/// <summary>Pure choices of format negotiation, separate from the ioctls so they are tested exhaustively.</summary>
internal static class V4l2Negotiation
{
    /// <summary>The offered size nearest to <paramref name="width"/> × <paramref name="height"/> (scale-invariant distance: |ln(w/W)| + |ln(h/H)|; ties go to the larger).</summary>
    /// <returns>The size, or null when nothing is offered.</returns>
    public static (int Width, int Height, double Distance)? Nearest(IReadOnlyList<FrameSizeRange> sizes, int width, int height)
    {
        (int Width, int Height, double Distance)? best = null;
        foreach (var range in sizes)
        {
            var w = Snap(width, range.MinWidth, range.MaxWidth, range.StepWidth);
            var h = Snap(height, range.MinHeight, range.MaxHeight, range.StepHeight);
            var distance = Math.Abs(Math.Log((double)w / width)) + Math.Abs(Math.Log((double)h / height));
            if (best is null || distance < best.Value.Distance - 1e-12 || (Math.Abs(distance - best.Value.Distance) <= 1e-12 && (long)w * h > (long)best.Value.Width * best.Value.Height))
            {
                best = (w, h, distance);
            }
        }

        return best;
    }

    /// <summary>
    /// The pixel format to ask for, and the size for it. <paramref name="sizes"/> gives the sizes offered for a
    /// format, or null when the driver cannot enumerate them (then the requested size is asked for and the
    /// driver adjusts it).
    /// </summary>
    /// <returns>The format and size, or null when the camera offers none of the acceptable formats.</returns>
    public static (uint PixelFormat, int Width, int Height)? Choose(
        IReadOnlyCollection<uint> offered, Func<uint, IReadOnlyList<FrameSizeRange>?> sizes, V4l2PixelFormat preference, int width, int height)
    {
        uint[] candidates = preference switch
        {
            V4l2PixelFormat.Yuyv => [V4l2.PIX_FMT_YUYV],
            V4l2PixelFormat.Mjpeg => [V4l2.PIX_FMT_MJPEG],
            _ => [V4l2.PIX_FMT_YUYV, V4l2.PIX_FMT_MJPEG],
        };

        (uint PixelFormat, int Width, int Height, double Distance)? best = null;
        foreach (var format in candidates)
        {
            if (!offered.Contains(format))
            {
                continue;
            }

            var list = sizes(format);
            var size = list is null || list.Count == 0 ? (width, height, 0) : Nearest(list, width, height)!.Value;

            // Candidates are in preference order: a later one must be strictly closer to win.
            if (best is null || size.Item3 < best.Value.Distance - 1e-12)
            {
                best = (format, size.Item1, size.Item2, size.Item3);
            }
        }

        return best is { } b ? (b.PixelFormat, b.Width, b.Height) : null;
    }

    /// <summary>A frame rate as the time-per-frame fraction V4L2 wants: 30 → 1/30, 7.5 → 2/15, 29.97 → 100/2997.</summary>
    public static (uint Numerator, uint Denominator) TimePerFrame(double fps)
    {
        var denominator = (long)Math.Round(fps * 1000);
        long numerator = 1000;
        var a = numerator;
        var b = denominator;
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return ((uint)(numerator / a), (uint)(denominator / a));
    }

    private static int Snap(int value, int min, int max, int step)
    {
        if (max <= min)
        {
            return min;
        }

        var clamped = Math.Clamp(value, min, max);
        step = Math.Max(step, 1);
        var snapped = min + (int)Math.Round((double)(clamped - min) / step) * step;
        return Math.Min(snapped, max);
    }
}
