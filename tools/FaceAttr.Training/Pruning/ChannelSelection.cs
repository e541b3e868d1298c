namespace FaceAttr.Training.Pruning;

/// <summary>The channels one block keeps.</summary>
/// <param name="Width">Channels before pruning.</param>
/// <param name="Kept">Indices of the kept channels, ascending (their order in the pruned block).</param>
public sealed record BlockSelection(int Width, IReadOnlyList<int> Kept)
{
    /// <summary>Channels removed.</summary>
    public int Removed => Width - Kept.Count;
}

/// <summary>The channels every block keeps (block 0 is the stem, then two per stage).</summary>
/// <param name="Blocks">One entry per block.</param>
public sealed record ChannelSelection(IReadOnlyList<BlockSelection> Blocks)
{
    /// <summary>Channels removed over all blocks.</summary>
    public int Removed => Blocks.Sum(b => b.Removed);

    /// <summary>Fraction of all conv channels removed.</summary>
    public double RemovedFraction => Removed / (double)Blocks.Sum(b => b.Width);

    /// <summary>Width of each block after pruning.</summary>
    public IReadOnlyList<int> KeptWidths => [.. Blocks.Select(b => b.Kept.Count)];
}

/// <summary>
/// Chooses channels from their BatchNorm scales: one global ranking over all blocks, weakest removed first, each block
/// stopping at its floor (<see cref="PruneOptions.MinChannels"/>, <see cref="PruneOptions.MinFraction"/>). A global
/// ranking lets layers that matter keep more; the floor stops a layer whose scales happen to be small from being cut
/// to nothing, which would cut the network in two.
/// </summary>
public static class ChannelSelector
{
    /// <summary>Selects from <paramref name="gammas"/>: the BatchNorm scales of each block, in block order.</summary>
    public static ChannelSelection Select(IReadOnlyList<float[]> gammas, PruneOptions options)
    {
        ArgumentNullException.ThrowIfNull(gammas);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var scores = gammas.Select(g => Scores(g, options.Score)).ToArray();
        var floors = gammas.Select(g => Math.Min(g.Length, Math.Max(options.MinChannels, (int)Math.Ceiling(options.MinFraction * g.Length)))).ToArray();
        var total = gammas.Sum(g => g.Length);
        var target = options.Ratio is { } ratio ? (int)Math.Round(ratio * total) : total;
        var ranked = scores
            .SelectMany((layer, block) => layer.Select((score, channel) => (Score: score, Block: block, Channel: channel)))
            .OrderBy(c => c.Score).ThenBy(c => c.Block).ThenBy(c => c.Channel);
        var removed = gammas.Select(g => new bool[g.Length]).ToArray();
        var removedPerBlock = new int[gammas.Count];
        var count = 0;
        foreach (var (score, block, channel) in ranked)
        {
            if (count == target || (options.Threshold is { } threshold && score >= threshold))
            {
                break;
            }

            if (gammas[block].Length - removedPerBlock[block] > floors[block])
            {
                removed[block][channel] = true;
                removedPerBlock[block]++;
                count++;
            }
        }

        return new ChannelSelection([.. removed.Select(r => new BlockSelection(r.Length, [.. Enumerable.Range(0, r.Length).Where(c => !r[c])]))]);
    }

    private static double[] Scores(float[] gamma, ChannelScore score)
    {
        var magnitude = gamma.Select(g => (double)Math.Abs(g)).ToArray();
        if (score == ChannelScore.Gamma)
        {
            return magnitude;
        }

        var mean = magnitude.Length == 0 ? 0 : magnitude.Average();
        return mean > 0 ? [.. magnitude.Select(m => m / mean)] : magnitude;
    }
}
