namespace FaceAttr.Training.Pruning;

/// <summary>How a channel's importance is compared across layers.</summary>
public enum ChannelScore
{
    /// <summary>|γ| as it is: one global threshold over all layers (the paper's rule; meant for networks trained with BN-L1).</summary>
    Gamma,

    /// <summary>
    /// |γ| divided by the mean |γ| of its layer. Without the sparsity penalty each layer settles on its own γ scale (the
    /// next BatchNorm renormalises whatever comes in), so raw |γ| ranks layers against each other, not channels.
    /// </summary>
    LayerRelativeGamma,
}

/// <summary>
/// What <see cref="ChannelPruner"/> removes. Give <see cref="Ratio"/> or <see cref="Threshold"/>; every layer keeps at
/// least <see cref="MinChannels"/> and <see cref="MinFraction"/> of its channels.
/// </summary>
public sealed record PruneOptions
{
    /// <summary>Fraction of all conv channels (summed over blocks) to remove, 0–0.95 (e.g. 0.3); null when <see cref="Threshold"/> is used.</summary>
    public double? Ratio { get; init; }

    /// <summary>Remove every channel whose score (see <see cref="Score"/>) is below this, ≥ 0; null when <see cref="Ratio"/> is used.</summary>
    public double? Threshold { get; init; }

    /// <summary>Fewest channels a layer keeps, 1 or more (default 4).</summary>
    public int MinChannels { get; init; } = 4;

    /// <summary>Smallest fraction of its channels a layer keeps, 0–1 (default 0.25).</summary>
    public double MinFraction { get; init; } = 0.25;

    /// <summary>Ranking across layers (default <see cref="ChannelScore.LayerRelativeGamma"/>).</summary>
    public ChannelScore Score { get; init; } = ChannelScore.LayerRelativeGamma;

    /// <summary>
    /// Replace each removed channel by its expected output instead of by zero (default true). With BatchNorm in eval mode
    /// a channel outputs act(γ·x̂ + β), on average E[act(z)], z ~ N(β, γ²) — the constant act(β) when γ = 0 — which
    /// the next layer absorbs: the next BatchNorm's running mean (exact away from the zero-padded border) or, through
    /// global pooling, the fc bias (exact). Matters only until fine-tuning re-estimates the statistics.
    /// </summary>
    public bool FoldRemovedChannels { get; init; } = true;

    /// <summary>Throws when the options are out of range or name neither or both criteria.</summary>
    public void Validate()
    {
        if (Ratio.HasValue == Threshold.HasValue)
        {
            throw new ArgumentException("give a ratio or a threshold (exactly one)");
        }

        if (Ratio is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r, nameof(Ratio));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(r, 0.95, nameof(Ratio));
        }

        if (Threshold is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, nameof(Threshold));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinChannels, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MinFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MinFraction, 1.0);
    }
}
