namespace FaceAttr.Daemon;

/// <summary>
/// Judges new models after a swap from the pipeline's counters: analysis errors, NaN/Inf outputs, frames that stopped
/// being processed, faces no longer found, and mean latency against the models before. Pure arithmetic on two
/// snapshots, so every verdict is testable without a camera.
/// </summary>
public static class HealthWindow
{
    /// <summary>The pipeline counters at one moment.</summary>
    public readonly record struct Snapshot(long FramesIn, long Processed, long Faces, long Errors, long NonFinite, double LatencySumMs)
    {
        /// <summary>Reads the counters now.</summary>
        public static Snapshot Take(PipelineStats stats)
        {
            ArgumentNullException.ThrowIfNull(stats);
            return new(stats.Capture?.FramesIn ?? 0, stats.Processed, stats.Faces, stats.AnalysisErrors, stats.NonFiniteOutputs, stats.LatencySumMs);
        }
    }

    /// <summary>
    /// Null when the window [<paramref name="swap"/>, <paramref name="end"/>] looks healthy against the models' life
    /// before it ([<paramref name="start"/>, <paramref name="swap"/>]); else the reason.
    /// </summary>
    public static string? Judge(Snapshot start, Snapshot swap, Snapshot end, double maxLatencyRatio)
    {
        var errors = end.Errors - swap.Errors;
        if (errors > 0)
        {
            return $"{errors} frames failed in analysis with the new models";
        }

        var nonFinite = end.NonFinite - swap.NonFinite;
        if (nonFinite > 0)
        {
            return $"the new models gave NaN or infinite outputs on {nonFinite} faces";
        }

        var processed = end.Processed - swap.Processed;
        if (processed == 0)
        {
            return end.FramesIn > swap.FramesIn ? "no frame was processed with the new models while frames arrived" : null;
        }

        var beforeFrames = swap.Processed - start.Processed;
        if (beforeFrames >= 5)
        {
            var facesBefore = (double)(swap.Faces - start.Faces) / beforeFrames;
            var facesAfter = (double)(end.Faces - swap.Faces) / processed;
            if (facesBefore >= 0.5 && facesAfter == 0 && processed >= 5)
            {
                return $"the new models found no face in {processed} frames (before: {facesBefore:0.0} per frame)";
            }

            var latencyBefore = (swap.LatencySumMs - start.LatencySumMs) / beforeFrames;
            var latencyAfter = (end.LatencySumMs - swap.LatencySumMs) / processed;
            if (latencyBefore > 0 && latencyAfter > maxLatencyRatio * latencyBefore)
            {
                return $"mean frame latency rose from {latencyBefore:0} ms to {latencyAfter:0} ms (limit {maxLatencyRatio}x)";
            }
        }

        return null;
    }
}
