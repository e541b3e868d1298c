using System.Collections.Concurrent;
using System.Diagnostics;

namespace FaceAttr.Capture.Tests;

/// <summary>Collects log lines so tests can assert on them (and fail on unexpected errors).</summary>
internal sealed class RecordingLog : ICaptureLog
{
    private readonly ConcurrentQueue<(CaptureLogLevel Level, string Source, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(CaptureLogLevel Level, string Source, string Message, Exception? Exception)> Entries => [.. _entries];

    public void Log(CaptureLogLevel level, string source, string message, Exception? exception = null) =>
        _entries.Enqueue((level, source, message, exception));

    public int Count(CaptureLogLevel level, string contains) =>
        Entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));
}

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Reads frames from a channel in the background, checking each and disposing it.</summary>
internal sealed class FrameSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _count;

    public FrameSink(FrameChannel channel, Action<Frame>? inspect = null)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in channel.Reader.ReadAllAsync(_stop.Token))
                {
                    using (frame)
                    {
                        inspect?.Invoke(frame);
                        Interlocked.Increment(ref _count);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public long Count => Interlocked.Read(ref _count);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

internal static class Pixels
{
    /// <summary>Standard deviation of all channel values: ~0 for a blank frame, tens for a photo.</summary>
    public static double StdDev(ReadOnlySpan<byte> pixels)
    {
        double sum = 0, sumSq = 0;
        foreach (var p in pixels)
        {
            sum += p;
            sumSq += p * p;
        }

        var mean = sum / pixels.Length;
        return Math.Sqrt(Math.Max(0, (sumSq / pixels.Length) - (mean * mean)));
    }
}
