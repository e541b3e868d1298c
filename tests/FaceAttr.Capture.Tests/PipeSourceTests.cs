using System.Diagnostics;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Capture.Tests;

/// <summary>The pipe source against a real ffmpeg child reading the real sample photos, and against children that misbehave.</summary>
public sealed class PipeSourceTests(ITestOutputHelper output)
{
    private const int Width = 640;
    private const int Height = 427;

    private static readonly SupervisorOptions FastRestarts = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        MaxRestartsPerWindow = 1000,
        RestartWindow = TimeSpan.FromSeconds(1),
        StartTimeout = TimeSpan.FromSeconds(10),
        StallTimeout = TimeSpan.FromSeconds(5),
        CheckInterval = TimeSpan.FromMilliseconds(20),
    };

    private static string SamplesPattern()
    {
        var samples = Path.Combine(TestPaths.Bundle, "samples");
        Assert.True(File.Exists(Path.Combine(samples, "sample1.jpg")), $"the sample photos are missing at {samples}; run ./setup.sh");
        return Path.Combine(samples, "sample%d.jpg");
    }

    [Fact]
    public async Task FfmpegImageLoopDeliversRealPhotosAtTheRequestedSize()
    {
        var command = PipeCommands.FfmpegImageLoop(SamplesPattern(), fps: 30, Width, Height, realtime: false);
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 4 });
        var source = new PipeSource(command);
        var supervisor = new SourceSupervisor(source, channel, FastRestarts);
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        // Read 60 frames (10 passes over the 6 photos) as fast as ffmpeg decodes and scales them.
        var deviations = new List<double>();
        var watch = new Stopwatch();
        for (var i = 0; i < 60; i++)
        {
            using var frame = await channel.ReadAsync(cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            if (i == 0)
            {
                watch.Start();
            }

            Assert.Equal((Width, Height), (frame.Width, frame.Height));
            Assert.Equal(Width * Height * 3, frame.Image.Pixels.Length);
            if (i < 6)
            {
                deviations.Add(Pixels.StdDev(frame.Pixels));
            }
        }

        watch.Stop();
        var counters = channel.Counters;
        await cts.CancelAsync();
        await run;

        var fps = 59 / watch.Elapsed.TotalSeconds;
        output.WriteLine($"ffmpeg image loop {Width}x{Height} rgb24, unpaced: {fps:0} fps; in {counters.FramesIn}, dropped {counters.Dropped}, restarts {counters.SourceRestarts}; stddev of the first photos {string.Join(", ", deviations.Select(d => d.ToString("0.0")))}");
        Assert.All(deviations, d => Assert.True(d > 20, $"a frame looks blank (stddev {d:0.0})"));
        Assert.Equal(0, counters.SourceRestarts);
        Assert.Equal(SourceStatus.Stopped, supervisor.State.Status);
        Assert.Null(source.ProcessId);
        Assert.Equal(0, channel.Pool.Statistics.Outstanding - channel.Count);
    }

    [Fact]
    public async Task PipeThroughputAt640x427IsMeasured()
    {
        // A cheap synthetic input, so the number is the pipe and the reader, not ffmpeg's JPEG decoder.
        // (testsrc2 rounds 427 down to an even 426 rows; the scale filter restores the size the reader expects.)
        const int frames = 300;
        var command = new PipeCommand(
            "ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "warning", "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=1000",
             "-frames:v", frames.ToString(), "-vf", $"scale={Width}:{Height}", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
            Width,
            Height);
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 4 });
        var source = new PipeSource(command);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var run = source.RunAsync(channel, cts.Token);
        _ = run.ContinueWith(_ => channel.Complete(), TaskScheduler.Default);
        long read = 0;
        double lastDeviation = 0;
        await foreach (var frame in channel.Reader.ReadAllAsync(cts.Token))
        {
            using (frame)
            {
                read++;
                lastDeviation = Pixels.StdDev(frame.Pixels[..3000]);
            }
        }

        watch.Stop();
        var allocatedPerFrame = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)frames;

        // The child ends after its frames: the run reports the end of the stream (the supervisor would restart it).
        var ended = await Assert.ThrowsAsync<PipeSourceException>(() => run);
        Assert.Contains($"the stream ended after {frames} frames", ended.Message, StringComparison.Ordinal);
        Assert.Equal(0, ended.ExitCode);
        var counters = channel.Counters;
        output.WriteLine($"pipe throughput {Width}x{Height} rgb24 (ffmpeg testsrc2, {frames} frames): {counters.FramesIn / watch.Elapsed.TotalSeconds:0} fps delivered, {read} read by a reader computing stats, {counters.Dropped} dropped; {allocatedPerFrame / 1024:0.0} KB allocated per frame (process-wide) vs {Width * Height * 3 / 1024} KB of pixels; pool {channel.Pool.Statistics}");
        Assert.True(allocatedPerFrame < Width * Height * 3 / 4, $"{allocatedPerFrame:0} bytes allocated per frame: pixel buffers are not being reused");
        Assert.Equal(frames, counters.FramesIn);
        Assert.Equal(frames, read + counters.Dropped);
        Assert.True(lastDeviation > 10);
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
    }

    [Fact]
    public async Task KillingTheChildMidStreamRestartsItAndFramesContinue()
    {
        var command = PipeCommands.FfmpegImageLoop(SamplesPattern(), fps: 25, Width, Height, realtime: true);
        using var channel = new FrameChannel();
        var source = new PipeSource(command);
        var supervisor = new SourceSupervisor(source, channel, FastRestarts);
        await using var sink = new FrameSink(channel, frame => Assert.Equal((Width, Height), (frame.Width, frame.Height)));
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        var pids = new List<int>();
        for (var kill = 1; kill <= 2; kill++)
        {
            var before = sink.Count;
            await Wait.UntilAsync(() => sink.Count >= before + 5 && source.ProcessId is not null, TimeSpan.FromSeconds(15), $"frames before kill {kill}");
            var pid = source.ProcessId!.Value;
            pids.Add(pid);
            using (var child = Process.GetProcessById(pid))
            {
                child.Kill();
            }

            await Wait.UntilAsync(() => supervisor.Restarts >= kill, TimeSpan.FromSeconds(10), $"restart {kill}");
        }

        var afterKills = sink.Count;
        await Wait.UntilAsync(() => sink.Count >= afterKills + 5 && supervisor.State.Status == SourceStatus.Running, TimeSpan.FromSeconds(15), "frames after the last restart");
        Assert.NotEqual(pids[0], source.ProcessId);
        await cts.CancelAsync();
        await run;

        output.WriteLine($"killed pids {string.Join(", ", pids)}; restarts {supervisor.Restarts}, children started {source.ProcessStarts}, frames {sink.Count}; counters {channel.Counters}");
        Assert.Equal(2, supervisor.Restarts);
        Assert.Equal(3, source.ProcessStarts);
        Assert.Equal(2, channel.Counters.SourceRestarts);
    }

    [Fact]
    public async Task AShortFinalFrameIsCountedAsAResyncRestartNotACrash()
    {
        // Two whole 64x48 frames and 1000 bytes of a third, then the child exits 0.
        const int w = 64, h = 48;
        var bytes = (2 * w * h * 3) + 1000;
        var command = new PipeCommand("sh", ["-c", $"head -c {bytes} /dev/urandom"], w, h);
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 8 });
        var log = new RecordingLog();
        var source = new PipeSource(command, log: log);
        var supervisor = new SourceSupervisor(source, channel, FastRestarts, log);
        await using var sink = new FrameSink(channel);
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        // The supervisor counts a restart a moment after the short read that caused it: wait for both counters.
        await Wait.UntilAsync(() => source.ShortReads >= 3 && sink.Count >= 6 && supervisor.Restarts >= 3 && channel.Counters.SourceRestarts >= 3,
            TimeSpan.FromSeconds(10), "three short reads and their restarts");
        var state = supervisor.State;
        await cts.CancelAsync();
        await run;

        output.WriteLine($"state while restarting: {state}");
        Assert.True(supervisor.Restarts >= 3);
        Assert.True(channel.Counters.SourceRestarts >= 3);
        Assert.Contains("short read: 1000 of 9216 bytes of frame 3", log.Entries.First(e => e.Level == CaptureLogLevel.Warning).Message, StringComparison.Ordinal);
        Assert.Equal(0, log.Count(CaptureLogLevel.Error, string.Empty));
        Assert.Equal(0, channel.Pool.Statistics.Outstanding - channel.Count);
    }

    [Fact]
    public async Task ANonexistentCommandIsUnavailableWithTheReasonAndRetried()
    {
        var command = new PipeCommand("/nonexistent/faceattr-camera", [], 64, 48);
        using var channel = new FrameChannel();
        var source = new PipeSource(command);
        var supervisor = new SourceSupervisor(source, channel, FastRestarts);
        var states = new List<SourceState>();
        supervisor.StateChanged += (_, s) => states.Add(s);
        using var cts = new CancellationTokenSource();
        var run = supervisor.RunAsync(cts.Token);

        await Wait.UntilAsync(() => supervisor.Restarts >= 3, TimeSpan.FromSeconds(10), "three retries");
        var state = supervisor.State;
        await cts.CancelAsync();
        await run;

        output.WriteLine(state.ToString());
        Assert.Equal(SourceStatus.Unavailable, state.Status);
        Assert.Contains("cannot start '/nonexistent/faceattr-camera'", state.Reason, StringComparison.Ordinal);
        Assert.NotNull(state.NextAttempt);
        Assert.Equal(0, channel.Counters.FramesIn);

        // Starting → Unavailable once, then no flapping on each retry, then Stopped.
        Assert.Equal([SourceStatus.Starting, SourceStatus.Unavailable, SourceStatus.Stopped], states.Select(s => s.Status));
    }
}
