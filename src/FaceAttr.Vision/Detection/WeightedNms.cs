using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Vision.Detection;

/// <summary>
/// Weighted non-max suppression as MediaPipe's <c>NonMaxSuppressionCalculator</c> does it in
/// <c>WEIGHTED</c> mode: take the best remaining proposal, gather every remaining proposal whose IoU with
/// it is above the threshold (itself included), replace the cluster by the score-weighted average of
/// its boxes and keypoints, keep the best score, repeat. Averaging steadies boxes from frame to frame
/// better than keeping the single best proposal.
/// Holds its scratch buffers, so a run allocates nothing; not thread-safe.
/// </summary>
public sealed class WeightedNms
{
    private readonly float[] _keys;
    private readonly int[] _order;
    private readonly bool[] _taken;

    /// <summary>Creates scratch space for up to <paramref name="capacity"/> proposals per run.</summary>
    public WeightedNms(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _keys = new float[capacity];
        _order = new int[capacity];
        _taken = new bool[capacity];
    }

    /// <summary>Most proposals a run accepts.</summary>
    public int Capacity => _keys.Length;

    /// <summary>
    /// Merges <paramref name="proposals"/> (any order) and appends at most <paramref name="maxResults"/>
    /// faces to <paramref name="results"/>, best score first.
    /// </summary>
    /// <param name="proposals">Candidate faces; not modified.</param>
    /// <param name="iouThreshold">Proposals whose IoU with a cluster's best is above this join it (0 &lt; t ≤ 1).</param>
    /// <param name="maxResults">Most faces appended.</param>
    /// <param name="results">Receives the merged faces; existing items are kept.</param>
    public void Run(ReadOnlySpan<DetectedFace> proposals, float iouThreshold, int maxResults, List<DetectedFace> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (proposals.Length > Capacity)
        {
            throw new ArgumentException($"{proposals.Length} proposals, capacity is {Capacity}", nameof(proposals));
        }

        var n = proposals.Length;
        var keys = _keys.AsSpan(0, n);
        var order = _order.AsSpan(0, n);
        var taken = _taken.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            keys[i] = -proposals[i].Score;
            order[i] = i;
        }

        keys.Sort(order);
        taken.Clear();
        var added = 0;
        for (var i = 0; i < n && added < maxResults; i++)
        {
            if (taken[i])
            {
                continue;
            }

            ref readonly var best = ref proposals[order[i]];
            float weightSum = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            var points = default(FaceKeypoints);
            for (var j = i; j < n; j++)
            {
                if (taken[j])
                {
                    continue;
                }

                ref readonly var other = ref proposals[order[j]];
                if (j != i && best.Box.IoU(other.Box) <= iouThreshold)
                {
                    continue;
                }

                taken[j] = true;
                var w = other.Score;
                weightSum += w;
                x0 += other.Box.X * w;
                y0 += other.Box.Y * w;
                x1 += other.Box.Right * w;
                y1 += other.Box.Bottom * w;
                var otherPoints = other.Keypoints;
                for (var k = 0; k < FaceKeypoints.Count; k++)
                {
                    points[k] += otherPoints[k] * w;
                }
            }

            if (weightSum <= 0)
            {
                // All-zero scores: nothing to weight by, keep the best proposal as it is.
                results.Add(best);
            }
            else
            {
                var inv = 1f / weightSum;
                for (var k = 0; k < FaceKeypoints.Count; k++)
                {
                    points[k] *= inv;
                }

                var box = new BoxF(x0 * inv, y0 * inv, (x1 - x0) * inv, (y1 - y0) * inv);
                results.Add(new DetectedFace(box, best.Score, points));
            }

            added++;
        }
    }
}
