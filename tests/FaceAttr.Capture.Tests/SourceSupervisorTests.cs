using System.Diagnostics;

namespace FaceAttr.Capture.Tests;

/// <summary>A source whose every run is scripted by the test; <c>run</c> is 1 for the first run.</summary>
internal sealed class ScriptedSource(Func<int, FrameChannel, CancellationToken, Task> script) : IFrameSource
{
    private int _runs;

    public string Name => "scripted";

    public int Runs => Volatile.Read(ref _runs);

    public Task RunAsync(FrameChannel output, CancellationToken cancellationToken) =>
        script(Interlocked.Increment(ref _runs), output, cancellationToken);

    public static async Task Frames(FrameChannel output, int count, CancellationToken cancellationToken, int intervalMs = 5)
    {
        for (var i = 0; i < count; i++)
        {
            var frame = output.Pool.Rent(4, 4);
            frame.MarkCaptured(i + 1);
            output.TryWrite(frame);
            await Task.Delay(intervalMs, cancellationToken);
        }
    }

    public static async Task Forever(FrameChannel output, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Frames(output, 1, cancellationToken);
        }
    }
}

public sealed class SourceSupervisorTests
{
    private static SupervisorOptions Fast(Action<SupervisorOptions>? change = null)
    {
        var options = new SupervisorOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
            MaxRestartsPerWindow = 1000,
            RestartWindow = TimeSpan.FromSeconds(1),
            StartTimeout = TimeSpan.FromSeconds(5),
            StallTimeout = TimeSpan.FromSeconds(5),
            StopTimeout = TimeSpan.FromSeconds(2),
            CheckInterval = TimeSpan.FromMilliseconds(10),
        };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void BackoffDoublesUpToTheCapAndAHealthyRunResetsIt()
    {
        var policy = new RestartPolicy(new SupervisorOptions { InitialBackoff = TimeSpan.FromSeconds(0.5), MaxBackoff = TimeSpan.FromSeconds(30), MaxRestartsPerWindow = 1000 });
        var now = TimeSpan.Zero;
        var delays = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var delay = policy.NextDelay(now, lastRunWasHealthy: false);
            delays.Add(delay.TotalSeconds);
            now += delay;
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(0.5, policy.NextDelay(now, lastRunWasHealthy: true).TotalSeconds);
        Assert.Equal(1, policy.NextDelay(now, lastRunWasHealthy: false).TotalSeconds);
    }

    [Fact]
    public void TheRateCapHoldsRestartsToTheWindow()
    {
        // Backoff alone would allow a restart every 10 ms; the cap allows 3 per 10 s.
        var policy = new RestartPolicy(new SupervisorOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(10),
            MaxRestartsPerWindow = 3,
            RestartWindow = TimeSpan.FromSeconds(10),
        });
        var now = TimeSpan.Zero;
        var starts = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            now += policy.NextDelay(now, lastRunWasHealthy: false);
            starts.Add(now);
        }

        for (var i = 0; i < starts.Count; i++)
        {
            var inWindow = starts.Count(s => s > starts[i] - TimeSpan.FromSeconds(10) && s <= starts[i]);
            Assert.True(inWindow <= 3, $"{inWindow} restarts in the 10 s before {starts[i]}");
        }

        Assert.InRange(starts[^1].TotalSeconds, 20, 21); // 9 restarts at 3 per 10 s
    }

    [Fact]
    public async Task AStalledSourceIsRestartedWithTheReason()
    {
        var source = new ScriptedSource(async (run, output, ct) =>
        {
            await ScriptedSource.Frames(output, 3, ct);
            if (run == 1)
            {
                await Task.Delay(Timeout.Infinite, ct); // hangs, like a wedged camera
            }

            await ScriptedSource.Forever(output, ct);
        });
        using var channel = new FrameChannel();
        var log = new RecordingLog();
        var supervisor = new SourceSupervisor(source, channel, Fast(o => o.StallTimeout = TimeSpan.FromMilliseconds(200)), log);
        var reasons = new List<string?>();
        supervisor.StateChanged += (_, s) => reasons.Add(s.Reason);
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);

        await Wait.UntilAsync(() => source.Runs >= 2 && supervisor.State.Status == SourceStatus.Running, TimeSpan.FromSeconds(5), "the second run");
        await cts.CancelAsync();
        await task;

        // (≥: on a loaded machine a later run may also see a 200 ms gap; the first restart is the hang.)
        Assert.True(supervisor.Restarts >= 1);
        Assert.Contains("stalled: no frame for 0.2 s", reasons);
        Assert.Equal(1, log.Count(CaptureLogLevel.Warning, "restarting (restart 1, next try in 0.01 s): stalled"));
    }

    [Fact]
    public async Task ASourceWithNoFirstFrameIsRestartedAfterTheStartTimeout()
    {
        var source = new ScriptedSource((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        using var channel = new FrameChannel();
        var supervisor = new SourceSupervisor(source, channel, Fast(o => o.StartTimeout = TimeSpan.FromMilliseconds(150)));
        var reasons = new List<string?>();
        supervisor.StateChanged += (_, s) => reasons.Add(s.Reason);
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);
        await Wait.UntilAsync(() => supervisor.Restarts >= 2, TimeSpan.FromSeconds(5), "two restarts");
        await cts.CancelAsync();
        await task;
        Assert.Contains("no first frame within 0.15 s", reasons);
        Assert.True(channel.Counters.Errors >= 2);
        Assert.True(source.Runs >= 2);
    }

    [Fact]
    public async Task AnUnexpectedExceptionIsLoggedAsAnErrorAndRestartedNeverThrown()
    {
        var source = new ScriptedSource((run, output, ct) => run switch
        {
            1 => throw new InvalidOperationException("bug in the source (thrown synchronously)"),
            2 => Task.FromException(new ArgumentException("bug in the source (faulted task)")),
            _ => ScriptedSource.Forever(output, ct),
        });
        using var channel = new FrameChannel();
        var log = new RecordingLog();
        var supervisor = new SourceSupervisor(source, channel, Fast(), log);
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);
        await Wait.UntilAsync(() => supervisor.State.Status == SourceStatus.Running, TimeSpan.FromSeconds(5), "running after two bugs");
        await cts.CancelAsync();
        await task;

        var errors = log.Entries.Where(e => e.Level == CaptureLogLevel.Error).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains("InvalidOperationException: bug in the source (thrown synchronously)", errors[0].Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(errors[1].Exception);
        Assert.Equal((2L, 2L), (channel.Counters.SourceRestarts, channel.Counters.Errors));
    }

    [Fact]
    public async Task AThrowingStateHandlerIsLoggedAndIgnored()
    {
        var source = new ScriptedSource((_, output, ct) => ScriptedSource.Forever(output, ct));
        using var channel = new FrameChannel();
        var log = new RecordingLog();
        var supervisor = new SourceSupervisor(source, channel, Fast(), log);
        supervisor.StateChanged += (_, _) => throw new InvalidOperationException("handler bug");
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);
        await Wait.UntilAsync(() => channel.FramesIn >= 5, TimeSpan.FromSeconds(5), "frames");
        await cts.CancelAsync();
        await task;
        Assert.True(log.Count(CaptureLogLevel.Error, "a StateChanged handler threw") >= 2);
        Assert.Equal(SourceStatus.Stopped, supervisor.State.Status);
    }

    [Fact]
    public async Task ASourceIgnoringCancellationIsAbandonedAfterTheStopTimeout()
    {
        var source = new ScriptedSource((run, output, _) => run == 1 ? Task.Delay(Timeout.Infinite, CancellationToken.None) : ScriptedSource.Forever(output, CancellationToken.None));
        using var channel = new FrameChannel();
        var log = new RecordingLog();
        var supervisor = new SourceSupervisor(source, channel, Fast(o =>
        {
            o.StartTimeout = TimeSpan.FromMilliseconds(100);
            o.StopTimeout = TimeSpan.FromMilliseconds(100);
        }), log);
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);
        await Wait.UntilAsync(() => source.Runs >= 2, TimeSpan.FromSeconds(5), "a second run despite the hung first one");
        await cts.CancelAsync();
        var watch = Stopwatch.StartNew();
        await task;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "stopping waits at most StopTimeout for a run that ignores cancellation");
        Assert.True(log.Count(CaptureLogLevel.Error, "did not stop within 0.1 s of being cancelled; abandoned") >= 1);
    }

    [Fact]
    public async Task CancellationDuringTheBackoffStopsPromptlyAndASecondRunIsRefused()
    {
        var source = new ScriptedSource((_, _, _) => throw new CaptureException("always broken"));
        using var channel = new FrameChannel();
        var supervisor = new SourceSupervisor(source, channel, Fast(o =>
        {
            o.InitialBackoff = TimeSpan.FromSeconds(30);
            o.MaxBackoff = TimeSpan.FromSeconds(30);
        }));
        using var cts = new CancellationTokenSource();
        var task = supervisor.RunAsync(cts.Token);
        await Wait.UntilAsync(() => supervisor.State.Status == SourceStatus.Restarting, TimeSpan.FromSeconds(5), "the first failure");
        Assert.Equal("always broken", supervisor.State.Reason);
        Assert.NotNull(supervisor.State.NextAttempt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => supervisor.RunAsync(CancellationToken.None));

        var watch = Stopwatch.StartNew();
        await cts.CancelAsync();
        await task;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(SourceStatus.Stopped, supervisor.State.Status);
        Assert.Null(supervisor.State.Reason);
    }
}
