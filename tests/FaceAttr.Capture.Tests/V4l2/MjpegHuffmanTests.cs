using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceAttr.Capture.Tests.V4l2Tests;

public sealed class MjpegHuffmanTests
{
    [Fact]
    public void AFrameWithoutTablesGetsTheStandardOnesAndDecodesIdentically()
    {
        var complete = SimulatedV4l2Device.EncodeJpeg(96, 64, stripHuffmanTables: false);
        var stripped = SimulatedV4l2Device.StripHuffmanTables(complete);
        Assert.True(stripped.Length < complete.Length);

        Assert.Equal(-1, MjpegHuffman.FindMissingTables(complete));
        var sos = MjpegHuffman.FindMissingTables(stripped);
        Assert.True(sos > 0);
        Assert.Equal((0xFF, 0xDA), (stripped[sos], stripped[sos + 1]));

        // ImageSharp 2.1 does not fail on a frame without tables: it silently decodes a flat grey picture.
        using (var silent = Image.Load<Rgb24>(stripped))
        {
            Assert.Equal(new Rgb24(128, 128, 128), silent[10, 10]);
            Assert.Equal(new Rgb24(128, 128, 128), silent[90, 60]);
        }

        // ...but with the Annex K tables inserted it decodes to exactly the pixels of the original (which ImageSharp
        // encoded with those same standard tables).
        byte[]? scratch = null;
        var repaired = MjpegHuffman.WithTables(stripped, ref scratch).ToArray();
        Assert.Equal(stripped.Length + MjpegHuffman.SegmentLength, repaired.Length);
        using var expected = Image.Load<Rgb24>(complete);
        using var actual = Image.Load<Rgb24>(repaired);
        var e = new byte[96 * 64 * 3];
        var a = new byte[96 * 64 * 3];
        expected.CopyPixelDataTo(e);
        actual.CopyPixelDataTo(a);
        Assert.Equal(e, a);

        // A frame that has tables is passed through untouched, without a copy.
        var same = MjpegHuffman.WithTables(complete, ref scratch);
        Assert.True(same.Overlaps(complete));
    }

    [Fact]
    public void JunkIsLeftForTheDecoderToReject()
    {
        byte[]? scratch = null;
        byte[] junk = [1, 2, 3, 4, 5, 6];
        Assert.Equal(-2, MjpegHuffman.FindMissingTables(junk));
        Assert.Equal(junk, MjpegHuffman.WithTables(junk, ref scratch).ToArray());
        Assert.Equal(-2, MjpegHuffman.FindMissingTables([0xFF, 0xD8, 0xFF, 0xE0, 0x00]));
        Assert.Null(scratch);
    }
}
