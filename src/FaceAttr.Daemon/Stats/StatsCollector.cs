using System.Diagnostics;
using FaceAttr.Device;
using FaceAttr.Messaging;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>
/// Turns the pipeline's counters into a <see cref="DeviceStats"/> heartbeat: rates over the time since the previous
/// heartbeat, latency percentiles over the last 512 frames, memory, CPU temperature and firmware throttling (from the
/// board's thermal zones and, on a Raspberry Pi, <c>get_throttled</c>). One instance per daemon.
/// </summary>
public sealed class StatsCollector(IOptions<DaemonOptions> options, PipelineStats stats, BoardSensors sensors, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private long _lastTimestamp = time.GetTimestamp();
    private long _lastIn;
    private long _lastProcessed;

    /// <summary>Takes the figures now and starts the next rate interval.</summary>
    public DeviceStats Take()
    {
        var capture = stats.Capture;
        var framesIn = capture?.FramesIn ?? 0;
        var processed = stats.Processed;
        double seconds;
        long inDelta;
        long processedDelta;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            seconds = time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            inDelta = framesIn - _lastIn;
            processedDelta = processed - _lastProcessed;
            _lastTimestamp = now;
            _lastIn = framesIn;
            _lastProcessed = processed;
        }

        var (p50, p99) = stats.LatencyPercentiles();
        var board = sensors.Read();
        using var self = Process.GetCurrentProcess();
        var nowUtc = time.GetUtcNow();
        return new DeviceStats
        {
            Device = options.Value.DeviceId,
            Timestamp = nowUtc,
            UptimeSeconds = Math.Round((nowUtc - _started).TotalSeconds, 1),
            FpsIn = Rate(inDelta, seconds),
            FpsProcessed = Rate(processedDelta, seconds),
            DroppedFrames = capture is { } c ? c.Dropped + c.Errors : 0, // latest-wins drops plus corrupt or partial frames
            LatencyP50Ms = Math.Round(p50, 2),
            LatencyP99Ms = Math.Round(p99, 2),
            CpuTemperatureC = board.CpuTemperatureC,
            Throttling = board.Throttling is { } throttle ? throttle.ConditionNames() : null,
            MemoryMb = Math.Round(self.WorkingSet64 / (1024.0 * 1024.0), 1),
            PeoplePresent = stats.PeoplePresent,
        };
    }

    private static double Rate(long count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 2) : 0;
}
