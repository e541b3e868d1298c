using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Pruning;

/// <summary>
/// Moves what removed channels contributed on average into the layer that read them. In eval mode a channel outputs
/// act(γ·x̂ + β) with x̂ normalised by the running statistics, so roughly N(0, 1); its expected output is then
/// E[act(z)], z ~ N(β, γ²) — exactly the constant act(β) when γ = 0. A constant input channel adds Σ W[o, c]·value to
/// output o of the next conv (away from its zero-padded border; the stage's max-pool passes a constant through), which
/// the next BatchNorm absorbs by lowering its running mean; after global average pooling it adds W_fc[:, c]·value to
/// the fc output exactly, absorbed by the fc bias (and likewise a gender branch's output, absorbed by its bias).
/// </summary>
internal static class RemovedChannelFold
{
    /// <summary>Adjusts the next BatchNorm running means and the fc bias in <paramref name="state"/> (full-width source tensors, replaced, not changed in place).</summary>
    public static void Apply(Dictionary<string, Tensor> state, ChannelSelection selection, ActivationKind activation)
    {
        for (var k = 0; k < selection.Blocks.Count; k++)
        {
            var block = selection.Blocks[k];
            if (block.Removed == 0)
            {
                continue;
            }

            var prefix = FaceAttrNet.BlockPrefix(k);
            var removed = tensor(Enumerable.Range(0, block.Width).Except(block.Kept).Select(c => (long)c).ToArray());
            var gamma = state[$"{prefix}.bn.weight"].index_select(0, removed);
            var beta = state[$"{prefix}.bn.bias"].index_select(0, removed);
            var slope = activation == ActivationKind.PRelu ? state[$"{prefix}.act.weight"].index_select(0, removed) : zeros_like(beta);
            var value = ExpectedActivation(gamma, beta, slope);
            if (k + 1 < selection.Blocks.Count)
            {
                var next = FaceAttrNet.BlockPrefix(k + 1);
                // [Cout, removed]: each removed input channel's kernel summed over its 3×3 taps.
                var taps = state[$"{next}.conv.weight"].index_select(1, removed).sum([2, 3]);
                var mean = $"{next}.bn.running_mean";
                state[mean] = state[mean] - taps.matmul(value);
            }
            else
            {
                var columns = state["fc.weight"].index_select(1, removed);
                state["fc.bias"] = state["fc.bias"] + columns.matmul(value);
                if (state.TryGetValue("gender_fc.weight", out var branch))
                {
                    // The branch reads each channel at all s·s positions of the map; a constant channel adds the sum of
                    // its s·s columns times the constant.
                    var area = branch.shape[1] / block.Width;
                    var perChannel = branch.reshape(branch.shape[0], block.Width, area).sum(2).index_select(1, removed);
                    state["gender_fc.bias"] = state["gender_fc.bias"] + perChannel.matmul(value);
                }
            }
        }
    }

    /// <summary>E[PReLU(z)] for z ~ N(β, γ²) and slope a (a = 0 for ReLU): E[relu z] + a·(β − E[relu z]).</summary>
    internal static Tensor ExpectedActivation(Tensor gamma, Tensor beta, Tensor slope)
    {
        var sigma = gamma.abs();
        var degenerate = sigma < 1e-12;
        var safe = where(degenerate, ones_like(sigma), sigma);
        var u = beta / safe;
        var cdf = 0.5 * (1 + (u / Math.Sqrt(2)).erf());
        var pdf = (-0.5 * u * u).exp() / Math.Sqrt(2 * Math.PI);
        var relu = where(degenerate, beta.clamp_min(0), (beta * cdf) + (safe * pdf));
        return relu + (slope * (beta - relu));
    }
}
