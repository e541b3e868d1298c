using static TorchSharp.torch;

namespace FaceAttr.Training.Network;

/// <summary>A decoded age: expected years and an interval holding the central 80% of the predicted distribution.</summary>
/// <param name="Years">Expected age in years.</param>
/// <param name="Low">10th percentile in years.</param>
/// <param name="High">90th percentile in years.</param>
public readonly record struct AgeEstimate(float Years, float Low, float High);

/// <summary>
/// Stagewise age classification, SSR-Net style: 0–<see cref="RangeYears"/> years in 3 stages of 3 bins. Stage 1 picks a
/// 30-year bin, stage 2 a 10-year bin inside it, stage 3 a 3⅓-year bin inside that; each stage's 3-way head is shared
/// across parents, so the whole range (27 fine bins) costs 9 outputs. Decoding: the expected value
/// <c>V·(Σ p₁(i)·i/3 + Σ p₂(i)·i/9 + Σ p₃(i)·i/27) + V/54</c> and percentiles of the product distribution.
/// </summary>
public static class AgeStages
{
    /// <summary>Bins per stage.</summary>
    public const int Bins = 3;

    /// <summary>Stages.</summary>
    public const int Stages = 3;

    /// <summary>Years covered (older ages are clamped into the last bin).</summary>
    public const float RangeYears = 90f;

    /// <summary>Width of a bin of stage <paramref name="stage"/> (0-based) in years: 30, 10, 3⅓.</summary>
    public static float BinYears(int stage) => RangeYears / MathF.Pow(Bins, stage + 1);

    /// <summary>Local bin index (0–2) of <paramref name="years"/> at each stage.</summary>
    public static (int Stage1, int Stage2, int Stage3) Targets(float years)
    {
        var fine = Math.Clamp((int)(Math.Clamp(years, 0f, RangeYears) / BinYears(2)), 0, 26);
        return (fine / 9, fine / 3 % 3, fine % 3);
    }

    /// <summary>Expected age in years [N] from the three stage logits [N, 3] (differentiable).</summary>
    public static Tensor ExpectedYears(IReadOnlyList<Tensor> stageLogits)
    {
        ArgumentNullException.ThrowIfNull(stageLogits);
        if (stageLogits.Count != Stages)
        {
            throw new ArgumentException($"expected {Stages} stage outputs, got {stageLogits.Count}", nameof(stageLogits));
        }

        using var scope = NewDisposeScope();
        using var index = arange(Bins, dtype: float32);
        Tensor? sum = null;
        for (var k = 0; k < Stages; k++)
        {
            Losses.ShapeCheck.Require(stageLogits[k], [-1, Bins], $"age stage {k + 1} logits");
            var term = (stageLogits[k].softmax(1) * index).sum(1) * BinYears(k);
            sum = sum is null ? term : sum + term;
        }

        return (sum! + (BinYears(2) / 2f)).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes one face from its stage probabilities (each 3 values summing to 1).</summary>
    public static AgeEstimate Decode(ReadOnlySpan<float> stage1, ReadOnlySpan<float> stage2, ReadOnlySpan<float> stage3)
    {
        if (stage1.Length != Bins || stage2.Length != Bins || stage3.Length != Bins)
        {
            throw new ArgumentException($"each stage needs {Bins} probabilities");
        }

        Span<float> joint = stackalloc float[27];
        var expected = BinYears(2) / 2f;
        for (var i = 0; i < Bins; i++)
        {
            expected += (stage1[i] * i * BinYears(0)) + (stage2[i] * i * BinYears(1)) + (stage3[i] * i * BinYears(2));
            for (var j = 0; j < Bins; j++)
            {
                for (var k = 0; k < Bins; k++)
                {
                    joint[(i * 9) + (j * 3) + k] = stage1[i] * stage2[j] * stage3[k];
                }
            }
        }

        return new AgeEstimate(expected, Percentile(joint, 0.1f), Percentile(joint, 0.9f));
    }

    private static float Percentile(ReadOnlySpan<float> joint, float q)
    {
        var total = 0f;
        foreach (var p in joint)
        {
            total += p;
        }

        var target = q * total;
        var cumulative = 0f;
        var width = BinYears(2);
        for (var i = 0; i < joint.Length; i++)
        {
            if (cumulative + joint[i] >= target && joint[i] > 0)
            {
                // Linear inside the bin.
                return (i + ((target - cumulative) / joint[i])) * width;
            }

            cumulative += joint[i];
        }

        return RangeYears;
    }
}
