namespace FaceAttr.Daemon;

/// <summary>Counters and latency samples of the pipeline, read by the stats heartbeat. Thread-safe.</summary>
public sealed class PipelineStats
{
    private readonly object _gate = new();
    private readonly double[] _latencies = new double[512];
    private int _latencyCount;
    private int _latencyNext;
    private long _processed;
    private long _faces;
    private long _events;

    /// <summary>Frames analyzed.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Faces seen.</summary>
    public long Faces => Interlocked.Read(ref _faces);

    /// <summary>Events published.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Records one analyzed frame, its face count and its capture-to-publish latency.</summary>
    public void Record(int faces, int events, double latencyMs)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Add(ref _faces, faces);
        Interlocked.Add(ref _events, events);
        lock (_gate)
        {
            _latencies[_latencyNext] = latencyMs;
            _latencyNext = (_latencyNext + 1) % _latencies.Length;
            _latencyCount = Math.Min(_latencyCount + 1, _latencies.Length);
        }
    }

    /// <summary>Latency percentile (0..1) in milliseconds over the last 512 frames; 0 before any frame.</summary>
    public double LatencyPercentile(double q)
    {
        double[] copy;
        lock (_gate)
        {
            if (_latencyCount == 0)
            {
                return 0;
            }

            copy = _latencies[.._latencyCount];
        }

        Array.Sort(copy);
        return copy[(int)Math.Min(copy.Length - 1, q * copy.Length)];
    }
}
