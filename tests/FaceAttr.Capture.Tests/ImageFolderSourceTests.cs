using FaceAttr.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace FaceAttr.Capture.Tests;

public sealed class ImageFolderSourceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faceattr-capture-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Save(string name, int width, int height, Rgb24 colour, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var image = new Image<Rgb24>(width, height, colour);
        var path = Path.Combine(_folder, name);
        image.Save(path, encoder);
        return path;
    }

    private static async Task<List<(int Width, int Height, byte R, byte G, byte B)>> PlayAsync(ImageFolderSource source, int frames)
    {
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 64 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = source.RunAsync(channel, cts.Token);
        var seen = new List<(int, int, byte, byte, byte)>();
        while (seen.Count < frames)
        {
            using var frame = await channel.ReadAsync(cts.Token);
            var p = frame.Pixels;
            seen.Add((frame.Width, frame.Height, p[0], p[1], p[2]));
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        channel.Dispose();
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
        return seen;
    }

    [Fact]
    public async Task LoopsByContentSkipsCorruptFilesLoggingEachOnceAndScalesWideImages()
    {
        Save("a.png", 40, 30, new Rgb24(255, 0, 0), new PngEncoder());
        Save("b.jpg", 50, 20, new Rgb24(0, 255, 0), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }); // WebP named .jpg
        File.WriteAllBytes(Path.Combine(_folder, "c.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x03]); // a JPEG that stops in its header
        File.WriteAllText(Path.Combine(_folder, "d.jpg"), "not a picture at all");
        Save("e.png", 200, 100, new Rgb24(0, 0, 255), new PngEncoder());
        File.WriteAllBytes(Path.Combine(_folder, "f.png"), []);
        Save(".hidden.png", 10, 10, new Rgb24(9, 9, 9), new PngEncoder());

        var log = new RecordingLog();
        var source = new ImageFolderSource(new ImageFolderOptions { Path = _folder, Fps = 100, MaxWidth = 100 }, log);
        var frames = await PlayAsync(source, 9); // three passes over the three good images

        Assert.Equal(
            [
                (40, 30, 255, 0, 0), (50, 20, 0, 255, 0), (100, 50, 0, 0, 255),
                (40, 30, 255, 0, 0), (50, 20, 0, 255, 0), (100, 50, 0, 0, 255),
                (40, 30, 255, 0, 0), (50, 20, 0, 255, 0), (100, 50, 0, 0, 255),
            ],
            frames);
        Assert.Equal(3, source.SkippedFiles);
        Assert.Equal(3, source.CachedImages);
        var warnings = log.Entries.Where(e => e.Level == CaptureLogLevel.Warning).Select(e => e.Message).ToList();
        output.WriteLine(string.Join(Environment.NewLine, warnings));
        Assert.Equal(3, warnings.Count); // once each, however many passes
        Assert.Contains(warnings, w => w.Contains("c.jpg", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("d.jpg: not an image format", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("f.png: empty file", StringComparison.Ordinal));

        // A restart reuses the cache: no decoding, no new warnings.
        await PlayAsync(source, 3);
        Assert.Equal(3, log.Entries.Count(e => e.Level == CaptureLogLevel.Warning));
    }

    [Fact]
    public async Task EachImageStaysForFramesPerImageFramesBeforeTheNext()
    {
        Save("a.png", 8, 8, new Rgb24(255, 0, 0), new PngEncoder());
        Save("b.png", 8, 8, new Rgb24(0, 0, 255), new PngEncoder());
        var source = new ImageFolderSource(new ImageFolderOptions { Path = _folder, Fps = 100, FramesPerImage = 3 });
        var reds = (await PlayAsync(source, 8)).Select(f => f.R).ToList();
        Assert.Equal([255, 255, 255, 0, 0, 0, 255, 255], reds.Select(r => (int)r));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void FramesPerImageOutsideItsRangeIsRefused(int frames) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderOptions { Path = _folder, FramesPerImage = frames }.Validate());

    [Fact]
    public async Task AFolderWithoutReadableImagesIsUnavailable()
    {
        using var channel = new FrameChannel();
        var missing = new ImageFolderSource(new ImageFolderOptions { Path = Path.Combine(_folder, "nope") });
        Assert.Contains("no such folder or file", (await Assert.ThrowsAsync<CaptureUnavailableException>(() => missing.RunAsync(channel, CancellationToken.None))).Message, StringComparison.Ordinal);

        var empty = new ImageFolderSource(new ImageFolderOptions { Path = _folder });
        Assert.Contains("the folder is empty", (await Assert.ThrowsAsync<CaptureUnavailableException>(() => empty.RunAsync(channel, CancellationToken.None))).Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "hello");
        var junk = new ImageFolderSource(new ImageFolderOptions { Path = _folder });
        Assert.Contains("none of its 1 files is a readable image", (await Assert.ThrowsAsync<CaptureUnavailableException>(() => junk.RunAsync(channel, CancellationToken.None))).Message, StringComparison.Ordinal);
        Assert.Equal(1, channel.Counters.Errors);
    }

    [Fact]
    public async Task TheRealSamplePhotosPlayScaledAndAreNotBlank()
    {
        var samples = Path.Combine(TestPaths.Bundle, "samples");
        Assert.True(Directory.Exists(samples), $"the sample photos are missing at {samples}; run ./setup.sh");
        var source = new ImageFolderSource(new ImageFolderOptions { Path = samples, Fps = 100, MaxWidth = 640 });
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 64 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = source.RunAsync(channel, cts.Token);
        var heights = new List<int>();
        long lastSequence = 0;
        for (var i = 0; i < 6; i++)
        {
            using var frame = await channel.ReadAsync(cts.Token);
            Assert.Equal(640, frame.Width);
            heights.Add(frame.Height);
            Assert.True(Pixels.StdDev(frame.Pixels) > 20);
            Assert.True(frame.Sequence > lastSequence);
            lastSequence = frame.Sequence;
        }

        // The six photos are 1920 wide and 1280–1537 high: scaled to 640 wide, 427–512 high, in name order.
        Assert.Equal([427, 456, 450, 483, 466, 512], heights);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(6, source.CachedImages);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new ImageFolderSource(new ImageFolderOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderSource(new ImageFolderOptions { Path = _folder, Fps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderSource(new ImageFolderOptions { Path = _folder, MaxWidth = 8 }));
    }

    [Fact]
    public async Task TheTestPatternSourceScrollsItsBars()
    {
        var source = new TestPatternSource(new TestPatternOptions { Width = 64, Height = 8, Fps = 500 });
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 8 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var run = source.RunAsync(channel, cts.Token);
        using (var first = await channel.ReadAsync(cts.Token))
        using (var second = await channel.ReadAsync(cts.Token))
        {
            Assert.Equal((64, 8), (first.Width, first.Height));
            Assert.False(first.Pixels.SequenceEqual(second.Pixels));
            Assert.True(first.Pixels[..(64 * 3)].SequenceEqual(first.Pixels.Slice(7 * 64 * 3, 64 * 3)));
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
