using Xunit.Abstractions;

namespace FaceAttr.Capture.Tests.V4l2Tests;

/// <summary>The real V4L2 state machine (<see cref="V4l2Session"/> via <see cref="V4l2Source"/>) driven against the simulated device.</summary>
public sealed class V4l2SourceTests(ITestOutputHelper output)
{
    private static readonly SupervisorOptions FastRestarts = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(80),
        MaxRestartsPerWindow = 1000,
        RestartWindow = TimeSpan.FromSeconds(1),
        StartTimeout = TimeSpan.FromSeconds(5),
        StallTimeout = TimeSpan.FromSeconds(5),
        CheckInterval = TimeSpan.FromMilliseconds(10),
    };

    private static V4l2Options Options(int width = 640, int height = 480, V4l2PixelFormat format = V4l2PixelFormat.Auto, double fps = 30) =>
        new() { DevicePath = "/dev/video9", Width = width, Height = height, PixelFormat = format, Fps = fps, BufferCount = 4 };

    /// <summary>Runs the source directly (no supervisor) until <paramref name="frames"/> frames arrive, checking each, then cancels.</summary>
    private static async Task<(List<(int Width, int Height)> Sizes, V4l2Source Source)> CaptureAsync(
        SimulatedDeviceProvider provider, V4l2Options options, int frames, Action<Frame>? check = null, RecordingLog? log = null)
    {
        var source = new V4l2Source(options, provider, log);
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 2 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = source.RunAsync(channel, cts.Token);
        var sizes = new List<(int, int)>();
        while (sizes.Count < frames)
        {
            using var frame = await channel.ReadAsync(cts.Token);
            sizes.Add((frame.Width, frame.Height));
            check?.Invoke(frame);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        channel.Dispose();
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
        return (sizes, source);
    }

    private static void AssertRedAndWhite(Frame frame)
    {
        var pixels = frame.Pixels;
        var row = frame.Height / 2 * frame.Width * 3;
        var left = pixels.Slice(row + (frame.Width / 4 * 3), 3).ToArray();
        var right = pixels.Slice(row + (frame.Width * 3 / 4 * 3), 3).ToArray();
        Assert.True(left[0] >= 250 && left[1] <= 5 && left[2] <= 5, $"left should be red, is {string.Join(",", left)}");
        Assert.True(right.All(c => c >= 250), $"right should be white, is {string.Join(",", right)}");
    }

    [Fact]
    public async Task YuyvAtTheRequestedSizeStreamsConvertedFramesAndReleasesEverything()
    {
        var camera = new SimulatedCamera();
        var provider = new SimulatedDeviceProvider(camera);
        var (sizes, source) = await CaptureAsync(provider, Options(640, 480), frames: 10, AssertRedAndWhite);

        Assert.All(sizes, s => Assert.Equal((640, 480), s));
        Assert.Equal("YUYV", source.Format!.PixelFormat);
        Assert.Equal(30, source.Format.Fps);
        Assert.Equal(4, source.Format.Buffers);
        Assert.Equal("Simulated UVC Camera", source.Format.Card);

        var device = Assert.Single(provider.Opened);
        Assert.True(device.Closed);
        Assert.Equal(0, device.MappedBuffers);
        Assert.Equal(0, device.AllocatedBuffers);

        // The exact set-up and tear-down sequence of the state machine.
        var calls = device.Calls.Where(c => c is not ("poll" or "VIDIOC_DQBUF" or "VIDIOC_QBUF")).ToList();
        output.WriteLine(string.Join(" ", device.Calls.Take(40)));
        Assert.Equal(
            [
                "VIDIOC_QUERYCAP", "VIDIOC_ENUM_FMT", "VIDIOC_ENUM_FMT", "VIDIOC_ENUM_FMT",
                "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES",
                "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES", "VIDIOC_ENUM_FRAMESIZES",
                "VIDIOC_S_FMT", "VIDIOC_G_PARM", "VIDIOC_S_PARM", "VIDIOC_REQBUFS",
                "VIDIOC_QUERYBUF", "mmap", "VIDIOC_QUERYBUF", "mmap", "VIDIOC_QUERYBUF", "mmap", "VIDIOC_QUERYBUF", "mmap",
                "VIDIOC_STREAMON", "VIDIOC_STREAMOFF", "munmap", "munmap", "munmap", "munmap", "VIDIOC_REQBUFS", "close",
            ],
            calls);
        Assert.Equal(4, device.Calls.TakeWhile(c => c != "VIDIOC_STREAMON").Count(c => c == "VIDIOC_QBUF"));
        Assert.Equal(0, source.CorruptFrames);
    }

    [Fact]
    public async Task AnUnofferedSizeNegotiatesTheNearestOne()
    {
        // 800x600 is not offered: the nearest YUYV size is 640x480, as close as MJPEG's, so YUYV wins.
        var provider = new SimulatedDeviceProvider(new SimulatedCamera());
        var log = new RecordingLog();
        var (sizes, source) = await CaptureAsync(provider, Options(800, 600), frames: 3, AssertRedAndWhite, log);
        Assert.All(sizes, s => Assert.Equal((640, 480), s));
        Assert.Equal(("YUYV", 640, 480), (source.Format!.PixelFormat, source.Format.Width, source.Format.Height));
        Assert.Equal(1, log.Count(CaptureLogLevel.Information, "asked for 800x600; nearest the camera offers is 640x480"));

        // 1920x1080 is offered only as MJPEG: Auto takes MJPEG rather than the nearest YUYV (1280x720).
        provider = new SimulatedDeviceProvider(new SimulatedCamera());
        (sizes, source) = await CaptureAsync(provider, Options(1920, 1080), frames: 2, AssertRedAndWhite);
        Assert.All(sizes, s => Assert.Equal((1920, 1080), s));
        Assert.Equal("MJPG", source.Format!.PixelFormat);

        // Forced YUYV at 1920x1080 gets YUYV's nearest, 1280x720.
        provider = new SimulatedDeviceProvider(new SimulatedCamera());
        (sizes, source) = await CaptureAsync(provider, Options(1920, 1080, V4l2PixelFormat.Yuyv), frames: 2, AssertRedAndWhite);
        Assert.All(sizes, s => Assert.Equal((1280, 720), s));
        Assert.Equal(("YUYV", 1280, 720), (source.Format!.PixelFormat, source.Format.Width, source.Format.Height));
    }

    [Fact]
    public async Task TheFrameRateIsTheDriversNearest()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera());
        var (_, source) = await CaptureAsync(provider, Options(fps: 12), frames: 1);
        Assert.Equal(15, source.Format!.Fps);

        // A driver without rate control: VIDIOC_G_PARM gives ENOTTY, which is handled, not an error.
        provider = new SimulatedDeviceProvider(new SimulatedCamera { HasFrameRateControl = false });
        (_, source) = await CaptureAsync(provider, Options(), frames: 1);
        Assert.Null(source.Format!.Fps);
        Assert.DoesNotContain("VIDIOC_S_PARM", provider.Opened[0].Calls);
    }

    [Fact]
    public async Task MjpegWithAndWithoutHuffmanTablesDecodes()
    {
        foreach (var strip in new[] { false, true })
        {
            var provider = new SimulatedDeviceProvider(new SimulatedCamera { MjpegWithoutHuffmanTables = strip });
            var (sizes, source) = await CaptureAsync(provider, Options(1280, 720, V4l2PixelFormat.Mjpeg), frames: 3, AssertRedAndWhite);
            Assert.All(sizes, s => Assert.Equal((1280, 720), s));
            Assert.Equal(0, source.CorruptFrames);
        }
    }

    [Fact]
    public async Task PaddedYuyvRowsUseTheDriversStride()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera { RowPadding = 64 });
        var (_, source) = await CaptureAsync(provider, Options(320, 240), frames: 2, AssertRedAndWhite);
        Assert.Equal((320 * 2) + 64, source.Format!.BytesPerLine);
    }

    [Fact]
    public async Task ADamagedFrameIsSkippedAndCountedAndStreamingContinues()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera()) { Configure = d => d.DamageFrame(2) };
        var log = new RecordingLog();
        var sequences = new List<long>();
        var (_, source) = await CaptureAsync(provider, Options(), frames: 5, f => sequences.Add(f.Sequence), log);
        Assert.Equal(1, source.CorruptFrames);
        Assert.Equal(1, log.Count(CaptureLogLevel.Warning, "the driver flagged the frame as damaged"));
        Assert.Equal(sequences.Order(), sequences);
    }

    [Theory]
    [InlineData(V4l2.VIDIOC_QUERYCAP, Errno.EIO, "VIDIOC_QUERYCAP failed: EIO (5")]
    [InlineData(V4l2.VIDIOC_S_FMT, Errno.EBUSY, "VIDIOC_S_FMT failed: EBUSY (16")]
    [InlineData(V4l2.VIDIOC_S_PARM, Errno.EIO, "VIDIOC_S_PARM failed: EIO (5")]
    [InlineData(V4l2.VIDIOC_REQBUFS, Errno.ENOMEM, "VIDIOC_REQBUFS failed: ENOMEM (12")]
    [InlineData(V4l2.VIDIOC_QUERYBUF, Errno.EINVAL, "VIDIOC_QUERYBUF failed: EINVAL (22")]
    [InlineData(V4l2.VIDIOC_QBUF, Errno.EIO, "VIDIOC_QBUF failed: EIO (5")]
    [InlineData(V4l2.VIDIOC_STREAMON, Errno.ENOSPC, "VIDIOC_STREAMON failed: ENOSPC (28")]
    [InlineData(V4l2.VIDIOC_DQBUF, Errno.EIO, "VIDIOC_DQBUF failed: EIO (5")]
    public async Task AFailingIoctlIsATypedErrorNamingItAndNothingLeaks(uint request, int errno, string expected)
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera()) { Configure = d => d.Fail(request, errno) };
        var source = new V4l2Source(Options(), provider, null);
        using var channel = new FrameChannel();
        var error = await Assert.ThrowsAsync<V4l2Exception>(() => source.RunAsync(channel, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Equal(V4l2.Name(request), error.Operation);
        Assert.Equal(errno, error.ErrorNumber);
        Assert.Equal("/dev/video9", error.Device);
        Assert.StartsWith("/dev/video9: " + expected, error.Message, StringComparison.Ordinal);

        // Whatever step failed, every mapping was undone, the buffers freed and the device closed.
        var device = Assert.Single(provider.Opened);
        Assert.True(device.Closed);
        Assert.Equal(0, device.MappedBuffers);
        Assert.Equal(0, device.AllocatedBuffers);
        Assert.Equal(0, channel.Pool.Statistics.Outstanding - channel.Count);
    }

    [Fact]
    public async Task ANonCaptureNodeIsUnavailableWithTheReason()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera { DeviceCaps = 0x00800000 | V4l2.CAP_STREAMING });
        var source = new V4l2Source(Options(), provider, null);
        using var channel = new FrameChannel();
        var error = await Assert.ThrowsAsync<CaptureUnavailableException>(() => source.RunAsync(channel, CancellationToken.None));
        Assert.Contains("is not a video capture device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCameraIsUnavailableAndRetriedUntilItIsPluggedIn()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera()) { Present = false };
        var source = new V4l2Source(Options(), provider, null);
        using var channel = new FrameChannel();
        var supervisor = new SourceSupervisor(source, channel, FastRestarts);
        await using var sink = new FrameSink(channel, AssertRedAndWhite);
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        await Wait.UntilAsync(() => provider.OpenAttempts >= 3, TimeSpan.FromSeconds(5), "three open attempts");
        var missing = supervisor.State;
        Assert.Equal(SourceStatus.Unavailable, missing.Status);
        Assert.Contains("/dev/video9: no such device", missing.Reason, StringComparison.Ordinal);
        Assert.Contains("open failed: ENOENT (2", missing.Reason, StringComparison.Ordinal);

        provider.Present = true;
        await Wait.UntilAsync(() => sink.Count >= 5 && supervisor.State.Status == SourceStatus.Running, TimeSpan.FromSeconds(5), "frames and Running once plugged in");
        await cts.CancelAsync();
        await run;
        output.WriteLine($"unavailable: {missing.Reason}; open attempts {provider.OpenAttempts}, restarts {supervisor.Restarts}");
    }

    [Fact]
    public async Task UnpluggingMidStreamRestartsAndReplugResumes()
    {
        var provider = new SimulatedDeviceProvider(new SimulatedCamera());
        provider.Configure = d =>
        {
            if (provider.Opened.Count == 0)
            {
                // The first camera disappears after 20 frames, and its device node with it.
                d.UnplugAfter(20);
                d.OnUnplug = () => provider.Present = false;
            }
        };
        var log = new RecordingLog();
        var source = new V4l2Source(Options(), provider, log);
        using var channel = new FrameChannel();
        var supervisor = new SourceSupervisor(source, channel, FastRestarts, log);
        var statuses = new List<SourceStatus>();
        supervisor.StateChanged += (_, s) => statuses.Add(s.Status);
        await using var sink = new FrameSink(channel);
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        await Wait.UntilAsync(() => supervisor.State.Status == SourceStatus.Unavailable, TimeSpan.FromSeconds(5), "unavailable after the unplug");
        var framesBefore = sink.Count;
        var framesInBeforeReplug = channel.Counters.FramesIn;
        provider.Present = true;
        await Wait.UntilAsync(
            () => provider.Opened.Count == 2 && sink.Count >= framesBefore + 10 && supervisor.State.Status == SourceStatus.Running,
            TimeSpan.FromSeconds(5),
            "frames from the plugged-in camera");
        await cts.CancelAsync();
        await run;

        output.WriteLine($"statuses {string.Join(" → ", statuses)}; restarts {supervisor.Restarts}; counters {channel.Counters}");
        Assert.Equal(
            [SourceStatus.Starting, SourceStatus.Running, SourceStatus.Restarting, SourceStatus.Starting, SourceStatus.Unavailable, SourceStatus.Running, SourceStatus.Stopped],
            statuses);
        Assert.Contains(log.Entries, e => e.Level == CaptureLogLevel.Warning && e.Message.Contains("VIDIOC_QBUF failed: ENODEV (19", StringComparison.Ordinal));
        Assert.Equal(0, log.Count(CaptureLogLevel.Error, string.Empty));
        Assert.All(provider.Opened, d => Assert.True(d.Closed && d.MappedBuffers == 0));
        Assert.True(supervisor.Restarts >= 2);
        Assert.Equal(20, framesInBeforeReplug); // all 20 frames of the first camera, the last one too
    }
}
