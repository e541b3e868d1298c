using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Pruning;

/// <summary>A pruned network and the channels it kept. The caller owns (and disposes) <see cref="Network"/>.</summary>
/// <param name="Network">The smaller network, in eval mode.</param>
/// <param name="Selection">Channels kept per block.</param>
public sealed record PrunedNetwork(FaceAttrNet Network, ChannelSelection Selection);

/// <summary>
/// Network slimming (Liu et al. 2017): ranks conv channels by the |γ| of their BatchNorm, keeps the strongest and builds
/// a genuinely smaller <see cref="FaceAttrNet"/> (per-block widths in <see cref="NetworkOptions.BlockWidths"/>) whose
/// tensors are slices of the source's: each block's conv output filters, BatchNorm scale/shift/statistics and PReLU
/// slopes; the next conv's input channels (across the stage's max-pool too); the fc's input columns after global pooling,
/// and a gender branch's input columns (every position of each kept channel of the last map).
/// </summary>
public static class ChannelPruner
{
    /// <summary>The BatchNorm scales γ of every block of <paramref name="net"/>, in block order.</summary>
    public static IReadOnlyList<float[]> Gammas(FaceAttrNet net)
    {
        ArgumentNullException.ThrowIfNull(net);
        using var scope = NewDisposeScope();
        var state = net.state_dict();
        return [.. Enumerable.Range(0, net.Options.BlockCount).Select(k => state[$"{FaceAttrNet.BlockPrefix(k)}.bn.weight"].detach().data<float>().ToArray())];
    }

    /// <summary>Selects channels of <paramref name="source"/> by <paramref name="options"/> and builds the pruned network.</summary>
    public static PrunedNetwork Prune(FaceAttrNet source, PruneOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var selection = ChannelSelector.Select(Gammas(source), options);
        return new PrunedNetwork(Apply(source, selection, options.FoldRemovedChannels), selection);
    }

    /// <summary>
    /// Builds the network of <paramref name="source"/> restricted to <paramref name="selection"/>'s channels (eval mode;
    /// the caller owns it). <paramref name="source"/> is not changed.
    /// </summary>
    public static FaceAttrNet Apply(FaceAttrNet source, ChannelSelection selection, bool foldRemovedChannels)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selection);
        var widths = source.Options.ResolvedBlockWidths();
        if (!selection.Blocks.Select(b => b.Width).SequenceEqual(widths) || selection.Blocks.Any(b => b.Kept.Count == 0 || b.Kept.Any(c => c < 0 || c >= b.Width)))
        {
            throw new ArgumentException($"the selection is for blocks [{string.Join(", ", selection.Blocks.Select(b => b.Width))}], the network has [{string.Join(", ", widths)}], or it keeps no channel of a block", nameof(selection));
        }

        var pruned = new FaceAttrNet(source.Options with { BlockWidths = selection.KeptWidths });
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var old = source.state_dict().ToDictionary(p => p.Key, p => p.Value.detach());
            if (foldRemovedChannels)
            {
                RemovedChannelFold.Apply(old, selection, source.Options.Activation);
            }

            var sliced = new Dictionary<string, Tensor>(old, StringComparer.Ordinal);
            var input = arange(3, dtype: int64);
            for (var k = 0; k < selection.Blocks.Count; k++)
            {
                var prefix = FaceAttrNet.BlockPrefix(k);
                var output = tensor(selection.Blocks[k].Kept.Select(c => (long)c).ToArray());
                sliced[$"{prefix}.conv.weight"] = old[$"{prefix}.conv.weight"].index_select(0, output).index_select(1, input);
                foreach (var name in new[] { "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "act.weight" })
                {
                    if (old.TryGetValue($"{prefix}.{name}", out var perChannel))
                    {
                        sliced[$"{prefix}.{name}"] = perChannel.index_select(0, output);
                    }
                }

                input = output;
            }

            sliced["fc.weight"] = old["fc.weight"].index_select(1, input);
            if (old.TryGetValue("gender_fc.weight", out var branch))
            {
                sliced["gender_fc.weight"] = branch.index_select(1, MapColumns(selection.Blocks[^1].Kept, source.Options.FinalMapSize));
            }

            pruned.load_state_dict(sliced, strict: true);
        }

        pruned.eval();
        return pruned;
    }

    /// <summary>
    /// Columns of a layer that reads the last map flattened channel by channel ([C, s, s] → C·s·s): every one of each
    /// channel's s·s positions, in order.
    /// </summary>
    internal static Tensor MapColumns(IEnumerable<int> channels, int mapSize)
    {
        var area = mapSize * mapSize;
        return tensor(channels.SelectMany(c => Enumerable.Range(c * area, area)).Select(column => (long)column).ToArray());
    }
}
