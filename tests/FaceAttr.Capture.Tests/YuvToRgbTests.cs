using System.Diagnostics;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Capture.Tests;

/// <summary>BT.601 limited-range conversion against values computed by hand from the matrix.</summary>
public sealed class YuvToRgbTests(ITestOutputHelper output)
{
    // (Y, U, V) → (R, G, B), each worked out from R = 1.164(Y−16) + 1.596(V−128),
    // G = 1.164(Y−16) − 0.391(U−128) − 0.813(V−128), B = 1.164(Y−16) + 2.018(U−128), clamped.
    public static TheoryData<byte, byte, byte, byte, byte, byte> Colours => new()
    {
        { 16, 128, 128, 0, 0, 0 },         // black
        { 235, 128, 128, 255, 255, 255 },  // white: 1.164 × 219 = 254.9
        { 126, 128, 128, 128, 128, 128 },  // mid grey: 1.164 × 110 = 128.0
        { 81, 90, 240, 255, 0, 0 },        // red: R = 75.7 + 178.8 = 254.4, G = 75.7 + 14.9 − 91.1 ≈ 0, B = 75.7 − 76.7 → 0
        { 145, 54, 34, 0, 255, 1 },        // green: R = 150.2 − 150.0 ≈ 0, G = 150.2 + 28.9 + 76.4 → 255, B = 150.2 − 149.3 = 0.8
        { 41, 240, 110, 0, 0, 255 },       // blue: R = 29.1 − 28.7 ≈ 0, G = 29.1 − 43.8 + 14.6 ≈ 0, B = 29.1 + 226.0 → 255
        { 0, 128, 128, 0, 0, 0 },          // below black clamps to 0
        { 255, 128, 128, 255, 255, 255 },  // above white clamps to 255
        { 100, 150, 100, 53, 112, 142 },   // a mix: R = 97.8 − 44.7 = 53.1, G = 97.8 − 8.6 + 22.8 = 111.9, B = 97.8 + 44.4 = 142.2
    };

    [Theory]
    [MemberData(nameof(Colours))]
    public void YuyvPixelPairsConvert(byte y, byte u, byte v, byte r, byte g, byte b)
    {
        byte[] yuyv = [y, u, y, v];
        var rgb = new byte[6];
        YuvToRgb.ConvertYuyv(yuyv, 4, 2, 1, rgb);
        AssertClose((r, g, b), rgb.AsSpan(0, 3));
        AssertClose((r, g, b), rgb.AsSpan(3, 3));
    }

    [Theory]
    [MemberData(nameof(Colours))]
    public void I420BlocksConvert(byte y, byte u, byte v, byte r, byte g, byte b)
    {
        // 2x2 pixels: four Y, one U, one V.
        byte[] i420 = [y, y, y, y, u, v];
        var rgb = new byte[12];
        YuvToRgb.ConvertI420(i420, 2, 2, rgb);
        for (var p = 0; p < 4; p++)
        {
            AssertClose((r, g, b), rgb.AsSpan(p * 3, 3));
        }
    }

    [Fact]
    public void EachPixelOfAPairKeepsItsOwnLumaAndRowsHonourTheStride()
    {
        // Two rows of one pair each, with 4 bytes of row padding: black|white, then white|black, same chroma.
        byte[] yuyv = [16, 128, 235, 128, 9, 9, 9, 9, 235, 128, 16, 128, 9, 9, 9, 9];
        var rgb = new byte[2 * 2 * 3];
        YuvToRgb.ConvertYuyv(yuyv, 8, 2, 2, rgb);
        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0 }, rgb);
    }

    [Fact]
    public void SizeMismatchesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => YuvToRgb.ConvertYuyv(new byte[7], 4, 2, 2, new byte[12]));
        Assert.Throws<ArgumentException>(() => YuvToRgb.ConvertYuyv(new byte[8], 2, 2, 1, new byte[6]));
        Assert.Throws<ArgumentException>(() => YuvToRgb.ConvertYuyv(new byte[8], 4, 2, 1, new byte[5]));
        Assert.Throws<ArgumentException>(() => YuvToRgb.ConvertI420(new byte[5], 2, 2, new byte[12]));
        Assert.Throws<ArgumentException>(() => YuvToRgb.ConvertI420(new byte[12], 3, 2, new byte[18]));
    }

    private static void AssertClose((byte R, byte G, byte B) expected, ReadOnlySpan<byte> actual)
    {
        // ±2: the 8.8 fixed-point coefficients round differently from the 3-decimal ones above.
        Assert.True(
            Math.Abs(expected.R - actual[0]) <= 2 && Math.Abs(expected.G - actual[1]) <= 2 && Math.Abs(expected.B - actual[2]) <= 2,
            $"expected {expected}, got ({actual[0]}, {actual[1]}, {actual[2]})");
    }

    [Fact]
    public void ConversionCostIsMeasuredAndAllocatesNothing()
    {
        const int w = 640, h = 480, frames = 50;
        var yuyv = new byte[w * h * 2];
        var i420 = new byte[YuvToRgb.I420Bytes(w, h)];
        Random.Shared.NextBytes(yuyv);
        Random.Shared.NextBytes(i420);
        var rgb = new byte[w * h * 3];
        // Warm up past tiered compilation (tier-1 and on-stack replacement allocate on this thread when they kick in).
        for (var i = 0; i < 64; i++)
        {
            YuvToRgb.ConvertYuyv(yuyv, w * 2, w, h, rgb);
            YuvToRgb.ConvertI420(i420, w, h, rgb);
        }

        double yuyvMs = 0, i420Ms = 0;
        var watch = new Stopwatch(); // outside the measured pass: a Stopwatch is an allocation
        var passes = ThreadAllocations.UntilZero(() =>
        {
            watch.Restart();
            for (var i = 0; i < frames; i++)
            {
                YuvToRgb.ConvertYuyv(yuyv, w * 2, w, h, rgb);
            }

            yuyvMs = watch.Elapsed.TotalMilliseconds / frames;
            watch.Restart();
            for (var i = 0; i < frames; i++)
            {
                YuvToRgb.ConvertI420(i420, w, h, rgb);
            }

            i420Ms = watch.Elapsed.TotalMilliseconds / frames;
        });
        Assert.True(passes[^1] == 0, $"bytes allocated by {2 * frames} conversions, per pass: {string.Join(", ", passes)}");
        #if DEBUG
        const string build = "Debug";
#else
        const string build = "Release";
#endif
        output.WriteLine($"640x480 to RGB: YUYV {yuyvMs:0.00} ms/frame, I420 {i420Ms:0.00} ms/frame ({build} build, this machine)");
    }
}
