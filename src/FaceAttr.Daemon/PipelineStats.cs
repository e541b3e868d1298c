using FaceAttr.Capture;

namespace FaceAttr.Daemon;

/// <summary>Counters and latency samples of the pipeline, read by the stats heartbeat. Thread-safe.</summary>
public sealed class PipelineStats
{
    private readonly Lock _gate = new();
    private readonly double[] _latencies = new double[512];
    private int _latencyCount;
    private int _latencyNext;
    private long _processed;
    private long _faces;
    private long _events;
    private int _peoplePresent;
    private long _analysisErrors;
    private long _latencySumMicros;
    private long _nonFinite;
    private Func<CaptureCounters>? _capture;
    private long _lastLoopTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Frames analyzed.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Faces seen.</summary>
    public long Faces => Interlocked.Read(ref _faces);

    /// <summary>Events produced by the tracker.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Sum of every frame's capture-to-publish latency, milliseconds (mean over an interval = delta / delta <see cref="Processed"/>).</summary>
    public double LatencySumMs => Interlocked.Read(ref _latencySumMicros) / 1000.0;

    /// <summary>Frames whose analysis threw (a model that fails at run time).</summary>
    public long AnalysisErrors => Interlocked.Read(ref _analysisErrors);

    /// <summary>Faces whose attributes came out NaN or infinite (a model that turned bad).</summary>
    public long NonFiniteOutputs => Interlocked.Read(ref _nonFinite);

    /// <summary>Counts a frame whose analysis threw.</summary>
    public void RecordAnalysisError() => Interlocked.Increment(ref _analysisErrors);

    /// <summary>Counts a face with a NaN or infinite attribute.</summary>
    public void RecordNonFiniteOutput() => Interlocked.Increment(ref _nonFinite);

    /// <summary>People counted as present after the last frame.</summary>
    public int PeoplePresent => Volatile.Read(ref _peoplePresent);

    /// <summary>The frame channel's counters (frames in, dropped, restarts), once the pipeline has a channel.</summary>
    public CaptureCounters? Capture => Volatile.Read(ref _capture)?.Invoke();

    /// <summary>Time since the pipeline loop last went round (it does at least once a second, frame or not).</summary>
    public TimeSpan SinceLastLoop => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastLoopTimestamp));

    /// <summary>Marks one turn of the pipeline loop; the systemd watchdog is fed only while this keeps happening.</summary>
    public void MarkLoop() => Interlocked.Exchange(ref _lastLoopTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());

    /// <summary>Connects the capture counters (called once by the pipeline when it creates its channel).</summary>
    public void AttachCapture(Func<CaptureCounters> counters) => Volatile.Write(ref _capture, counters);

    /// <summary>Records one analyzed frame: its face and event counts, the people present and its capture-to-publish latency.</summary>
    public void Record(int faces, int events, int peoplePresent, double latencyMs)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Add(ref _latencySumMicros, (long)(latencyMs * 1000));
        Interlocked.Add(ref _faces, faces);
        Interlocked.Add(ref _events, events);
        Volatile.Write(ref _peoplePresent, peoplePresent);
        lock (_gate)
        {
            _latencies[_latencyNext] = latencyMs;
            _latencyNext = (_latencyNext + 1) % _latencies.Length;
            _latencyCount = Math.Min(_latencyCount + 1, _latencies.Length);
        }
    }

    /// <summary>Records events produced while no frame arrived (people leaving an idle camera).</summary>
    public void RecordIdle(int events, int peoplePresent)
    {
        Interlocked.Add(ref _events, events);
        Volatile.Write(ref _peoplePresent, peoplePresent);
    }

    /// <summary>Latency percentiles (0..1) in milliseconds over the last 512 frames; zeros before any frame.</summary>
    public (double P50, double P99) LatencyPercentiles()
    {
        double[] copy;
        lock (_gate)
        {
            if (_latencyCount == 0)
            {
                return (0, 0);
            }

            copy = _latencies[.._latencyCount];
        }

        Array.Sort(copy);
        return (At(copy, 0.5), At(copy, 0.99));
    }

    private static double At(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];
}
