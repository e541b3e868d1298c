namespace FaceAttr.Onnx.Export;

/// <summary>
/// Folds an inference-mode batch norm into the convolution before it:
/// <c>γ·(W∗x + b − μ)/√(σ² + ε) + β</c> is a convolution with weights <c>W·s</c> and bias <c>(b − μ)·s + β</c>,
/// <c>s = γ/√(σ² + ε)</c> per output channel. The device then runs one Conv instead of Conv + BatchNormalization, and the
/// quantizer sees one weight tensor per layer.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Returns the folded weights (same layout [Cout, …]) and bias [Cout].</summary>
    /// <param name="weights">Convolution weights, output channel first ([Cout, Cin, kH, kW] flattened).</param>
    /// <param name="bias">Convolution bias [Cout], or null for a convolution without bias.</param>
    /// <param name="gamma">BN scale [Cout].</param>
    /// <param name="beta">BN shift [Cout].</param>
    /// <param name="runningMean">BN running mean [Cout].</param>
    /// <param name="runningVar">BN running variance [Cout].</param>
    /// <param name="epsilon">BN epsilon.</param>
    public static (float[] Weights, float[] Bias) Fold(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, double epsilon)
    {
        var outChannels = gamma.Length;
        if (beta.Length != outChannels || runningMean.Length != outChannels || runningVar.Length != outChannels)
        {
            throw new ArgumentException($"batch norm vectors disagree: gamma {gamma.Length}, beta {beta.Length}, mean {runningMean.Length}, var {runningVar.Length}");
        }

        if (outChannels == 0 || weights.Length % outChannels != 0)
        {
            throw new ArgumentException($"{weights.Length} weights do not split into {outChannels} output channels");
        }

        if (!bias.IsEmpty && bias.Length != outChannels)
        {
            throw new ArgumentException($"bias has {bias.Length} values for {outChannels} output channels");
        }

        var perChannel = weights.Length / outChannels;
        var folded = new float[weights.Length];
        var foldedBias = new float[outChannels];
        for (var c = 0; c < outChannels; c++)
        {
            // Double precision: the fold must not add error on top of the 1e-4 parity budget.
            var scale = gamma[c] / Math.Sqrt(runningVar[c] + epsilon);
            for (var i = 0; i < perChannel; i++)
            {
                folded[(c * perChannel) + i] = (float)(weights[(c * perChannel) + i] * scale);
            }

            var b = bias.IsEmpty ? 0.0 : bias[c];
            foldedBias[c] = (float)(((b - runningMean[c]) * scale) + beta[c]);
        }

        return (folded, foldedBias);
    }
}
