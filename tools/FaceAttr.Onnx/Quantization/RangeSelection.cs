namespace FaceAttr.Onnx.Quantization;

/// <summary>Chooses a quantization range from a value histogram: percentile clipping or TensorRT's KL-divergence threshold.</summary>
internal static class RangeSelection
{
    /// <summary>uint8 levels the chosen range is divided into.</summary>
    private const int Levels = 256;

    /// <summary>
    /// The range holding <paramref name="percentile"/> percent of the values, the remainder cut evenly from both tails
    /// (as ONNX Runtime's percentile calibrator does for asymmetric activations).
    /// </summary>
    public static (float Lo, float Hi) Percentile(ValueHistogram histogram, double percentile)
    {
        var counts = histogram.Counts;
        double total = counts.Sum();
        if (total == 0)
        {
            return (0f, 0f);
        }

        var cut = (100.0 - percentile) / 200.0;
        double cumulative = 0;
        int left = -1, right = counts.Length - 1;
        for (var i = 0; i < counts.Length; i++)
        {
            cumulative += counts[i];
            var share = cumulative / total;
            if (left < 0 && share >= cut)
            {
                left = i;
            }

            if (share >= 1 - cut)
            {
                right = i;
                break;
            }
        }

        return (histogram.Edge(Math.Max(left, 0)), histogram.Edge(right + 1));
    }

    /// <summary>
    /// The window of bins whose clipped distribution, re-binned into 256 levels, loses the least information (smallest
    /// KL divergence from the unclipped one). <paramref name="zeroBin"/> is the bin where value 0 starts: 0 for a histogram
    /// over [0, max] (the window grows to the right), the middle for one over [−a, a] (it grows symmetrically).
    /// </summary>
    public static (float Lo, float Hi) Entropy(ValueHistogram histogram, int zeroBin)
    {
        var counts = histogram.Counts;
        var n = counts.Length;
        var oneSided = zeroBin == 0;
        var first = oneSided ? Levels : Levels / 2;
        var last = oneSided ? n : Math.Min(zeroBin, n - zeroBin);
        if (last < first || counts.Sum() == 0)
        {
            return (histogram.Lo, histogram.Hi);
        }

        var best = last;
        var bestDivergence = double.PositiveInfinity;
        for (var i = first; i <= last; i++)
        {
            var start = oneSided ? 0 : zeroBin - i;
            var end = oneSided ? i : zeroBin + i;
            var divergence = Divergence(counts, start, end);
            if (divergence < bestDivergence)
            {
                bestDivergence = divergence;
                best = i;
            }
        }

        return oneSided
            ? (0f, histogram.Edge(best))
            : (histogram.Edge(zeroBin - best), histogram.Edge(zeroBin + best));
    }

    /// <summary>KL(P‖Q): P the counts in [start, end) with the outside mass folded into the end bins, Q the window re-binned into <see cref="Levels"/> and spread back.</summary>
    private static double Divergence(long[] counts, int start, int end)
    {
        var width = end - start;
        var p = new double[width];
        for (var j = 0; j < width; j++)
        {
            p[j] = counts[start + j];
        }

        for (var j = 0; j < start; j++)
        {
            p[0] += counts[j];
        }

        for (var j = end; j < counts.Length; j++)
        {
            p[width - 1] += counts[j];
        }

        var q = new double[width];
        var merged = width / Levels;
        for (var level = 0; level < Levels; level++)
        {
            var from = level * merged;
            var to = level == Levels - 1 ? width : from + merged;
            double sum = 0;
            var nonZero = 0;
            for (var j = from; j < to; j++)
            {
                sum += counts[start + j];
                nonZero += p[j] != 0 ? 1 : 0;
            }

            if (nonZero == 0)
            {
                continue;
            }

            for (var j = from; j < to; j++)
            {
                q[j] = p[j] != 0 ? sum / nonZero : 0;
            }
        }

        if (!Smooth(p) || !Smooth(q))
        {
            return double.PositiveInfinity;
        }

        double kl = 0;
        for (var j = 0; j < width; j++)
        {
            kl += p[j] * Math.Log(p[j] / q[j]);
        }

        return kl;
    }

    /// <summary>Normalises to sum 1 and gives empty bins a little mass taken from the others, so that the divergence is finite.</summary>
    private static bool Smooth(double[] distribution)
    {
        const double eps = 1e-4;
        var total = distribution.Sum();
        var zeros = distribution.Count(v => v == 0);
        var nonZeros = distribution.Length - zeros;
        if (total <= 0 || nonZeros == 0)
        {
            return false;
        }

        var take = eps * zeros / nonZeros;
        for (var j = 0; j < distribution.Length; j++)
        {
            distribution[j] = distribution[j] == 0 ? eps : (distribution[j] / total) - take;
            if (distribution[j] <= 0)
            {
                distribution[j] = eps;
            }
        }

        return true;
    }
}
