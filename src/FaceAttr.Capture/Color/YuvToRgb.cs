using System.Runtime.CompilerServices;
namespace FaceAttr.Capture;

/// <summary>
/// YUV → packed RGB24 with the ITU-R BT.601 matrix at limited ("TV") range, the encoding of UVC webcams and of
/// <c>rpicam-vid</c> YUV output. Integer arithmetic in 8.8 fixed point; no allocation.
/// </summary>
/// <remarks>
/// With C = Y − 16, D = U − 128, E = V − 128:
/// R = (298·C + 409·E + 128) >> 8, G = (298·C − 100·D − 208·E + 128) >> 8, B = (298·C + 516·D + 128) >> 8,
/// each clamped to 0–255 (1.164, 1.596, 0.391, 0.813 and 2.018 scaled by 256).
/// </remarks>
public static class YuvToRgb
{
    /// <summary>Converts packed YUYV 4:2:2 (bytes Y0 U Y1 V per pixel pair) to RGB24.</summary>
    /// <param name="yuyv">Source rows; each is <paramref name="stride"/> bytes apart.</param>
    /// <param name="stride">Bytes per source row (the driver's <c>bytesperline</c>), at least width × 2.</param>
    /// <param name="width">Width in pixels; even.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="rgb">Destination, exactly width × height × 3 bytes.</param>
    /// <exception cref="ArgumentException">A size does not match.</exception>
    // Hot per-frame loops: compiled fully optimized at once (no tier-0 code, no on-stack replacement mid-stream).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvertYuyv(ReadOnlySpan<byte> yuyv, int stride, int width, int height, Span<byte> rgb)
    {
        CheckSize(width, height, rgb);
        if (stride < width * 2)
        {
            throw new ArgumentException($"stride {stride} is less than width × 2 = {width * 2}", nameof(stride));
        }

        if (yuyv.Length < (long)stride * (height - 1) + width * 2)
        {
            throw new ArgumentException($"{yuyv.Length} bytes of YUYV are too few for {width}x{height} at stride {stride}", nameof(yuyv));
        }

        for (var y = 0; y < height; y++)
        {
            DangerousConvertYuyvRow(yuyv.Slice(y * stride, width * 2), rgb.Slice(y * width * 3, width * 3));
        }
    }

    /// <summary>Converts planar I420 / YUV420p (a full Y plane, then U and V planes at half width and height, no padding) to RGB24.</summary>
    /// <param name="i420">Source: width × height + 2 × (width / 2) × (height / 2) bytes.</param>
    /// <param name="width">Width in pixels; even.</param>
    /// <param name="height">Height in pixels; even.</param>
    /// <param name="rgb">Destination, exactly width × height × 3 bytes.</param>
    /// <exception cref="ArgumentException">A size does not match.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvertI420(ReadOnlySpan<byte> i420, int width, int height, Span<byte> rgb)
    {
        CheckSize(width, height, rgb);
        if (height % 2 != 0)
        {
            throw new ArgumentException($"I420 height {height} must be even", nameof(height));
        }

        var chromaWidth = width / 2;
        var chromaSize = chromaWidth * (height / 2);
        if (i420.Length < I420Bytes(width, height))
        {
            throw new ArgumentException($"{i420.Length} bytes of I420 are too few for {width}x{height}", nameof(i420));
        }

        var yPlane = i420[..(width * height)];
        var uPlane = i420.Slice(width * height, chromaSize);
        var vPlane = i420.Slice((width * height) + chromaSize, chromaSize);
        for (var y = 0; y < height; y++)
        {
            DangerousConvertI420Row(
                yPlane.Slice(y * width, width),
                uPlane.Slice(y / 2 * chromaWidth, chromaWidth),
                vPlane.Slice(y / 2 * chromaWidth, chromaWidth),
                rgb.Slice(y * width * 3, width * 3));
        }
    }

    /// <summary>Bytes of one I420 frame of the given size.</summary>
    public static int I420Bytes(int width, int height) => (width * height) + (2 * (width / 2) * (height / 2));

    private static void CheckSize(int width, int height, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width % 2 != 0)
        {
            throw new ArgumentException($"width {width} must be even for 4:2:x chroma", nameof(width));
        }

        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"expected {width * height * 3} bytes of RGB for {width}x{height}, got {rgb.Length}", nameof(rgb));
        }
    }

    // Lookup tables for the 8.8 fixed-point terms, and a saturating table for the result >> 8 (which spans
    // −277 … 534 over all inputs): the row loops below then do only adds, shifts and loads.
    private const int SaturateOffset = 320;
    private static readonly int[] LumaTerm = Table(i => (298 * (i - 16)) + 128);
    private static readonly int[] RedV = Table(i => 409 * (i - 128));
    private static readonly int[] GreenU = Table(i => -100 * (i - 128));
    private static readonly int[] GreenV = Table(i => -208 * (i - 128));
    private static readonly int[] BlueU = Table(i => 516 * (i - 128));
    private static readonly byte[] Saturate = Enumerable.Range(-SaturateOffset, 1024).Select(v => (byte)Math.Clamp(v, 0, 255)).ToArray();

    /// <summary>One row of YUYV; the caller has checked that <paramref name="rgb"/> is 1.5 × the length of <paramref name="yuyv"/>.</summary>
    private static unsafe void DangerousConvertYuyvRow(ReadOnlySpan<byte> yuyv, Span<byte> rgb)
    {
        fixed (byte* source = yuyv, target = rgb)
        fixed (int* luma = LumaTerm, redV = RedV, greenU = GreenU, greenV = GreenV, blueU = BlueU)
        fixed (byte* saturate = Saturate)
        {
            var clamp = saturate + SaturateOffset;
            var s = source;
            var d = target;
            var end = source + yuyv.Length;
            while (s < end)
            {
                int u = s[1], v = s[3];
                int r = redV[v], g = greenU[u] + greenV[v], b = blueU[u];
                int y0 = luma[s[0]], y1 = luma[s[2]];
                d[0] = clamp[(y0 + r) >> 8];
                d[1] = clamp[(y0 + g) >> 8];
                d[2] = clamp[(y0 + b) >> 8];
                d[3] = clamp[(y1 + r) >> 8];
                d[4] = clamp[(y1 + g) >> 8];
                d[5] = clamp[(y1 + b) >> 8];
                s += 4;
                d += 6;
            }
        }
    }

    /// <summary>One row of I420; the caller has checked the plane and row lengths.</summary>
    private static unsafe void DangerousConvertI420Row(ReadOnlySpan<byte> yRow, ReadOnlySpan<byte> uRow, ReadOnlySpan<byte> vRow, Span<byte> rgb)
    {
        fixed (byte* ys = yRow, us = uRow, vs = vRow, target = rgb)
        fixed (int* luma = LumaTerm, redV = RedV, greenU = GreenU, greenV = GreenV, blueU = BlueU)
        fixed (byte* saturate = Saturate)
        {
            var clamp = saturate + SaturateOffset;
            var d = target;
            for (var x = 0; x < uRow.Length; x++)
            {
                int u = us[x], v = vs[x];
                int r = redV[v], g = greenU[u] + greenV[v], b = blueU[u];
                int y0 = luma[ys[2 * x]], y1 = luma[ys[(2 * x) + 1]];
                d[0] = clamp[(y0 + r) >> 8];
                d[1] = clamp[(y0 + g) >> 8];
                d[2] = clamp[(y0 + b) >> 8];
                d[3] = clamp[(y1 + r) >> 8];
                d[4] = clamp[(y1 + g) >> 8];
                d[5] = clamp[(y1 + b) >> 8];
                d += 6;
            }
        }
    }

    private static int[] Table(Func<int, int> term) => Enumerable.Range(0, 256).Select(term).ToArray();
}
