using static TorchSharp.torch;

namespace FaceAttr.Training.Losses;

/// <summary>
/// The masked losses every head uses. Weights are per sample (or per sample and attribute): 0 masks a label the sample's
/// dataset does not give, a class weight or a pseudo-label confidence scales it. Each loss is the weighted mean over
/// the samples that carry the label, and an exact zero (no gradient) when none does. Shapes are asserted (see
/// <see cref="ShapeCheck"/>).
/// </summary>
public static class HeadLoss
{
    /// <summary>
    /// Cross-entropy of <paramref name="logits"/> [N, C] against class indices <paramref name="targets"/> [N] (int64),
    /// weighted by <paramref name="weights"/> [N], with focal modulation <c>(1 − p)^γ</c> when <paramref name="focalGamma"/> &gt; 0.
    /// Targets of masked samples (weight 0) may be any value, −1 included.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Tensor weights, double focalGamma = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ShapeCheck.Require(logits, [-1, -1], "logits");
        var n = logits.shape[0];
        ShapeCheck.Require(targets, [n], "class targets");
        ShapeCheck.Require(weights, [n], "sample weights");
        if (targets.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"class targets must be int64, got {targets.dtype}");
        }

        using var scope = NewDisposeScope();
        var logp = logits.log_softmax(1);
        var picked = logp.gather(1, targets.clamp(0, logits.shape[1] - 1).unsqueeze(1)).squeeze(1);
        return WeightedMean(Focal(picked, focalGamma).neg(), weights).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Cross-entropy against a set of allowed classes per sample: <c>−log Σ_{c allowed} p(c)</c>. <paramref name="allowed"/>
    /// [N, C] is 1 for allowed classes. Used where a dataset only narrows the answer (CelebA "Eyeglasses" means eyeglasses
    /// or sunglasses for the 3-class eyewear head).
    /// </summary>
    public static Tensor SetCrossEntropy(Tensor logits, Tensor allowed, Tensor weights, double focalGamma = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ShapeCheck.Require(logits, [-1, -1], "logits");
        var n = logits.shape[0];
        ShapeCheck.Require(allowed, [n, logits.shape[1]], "allowed classes");
        ShapeCheck.Require(weights, [n], "sample weights");
        using var scope = NewDisposeScope();
        var logp = logits.log_softmax(1);
        var masked = logp + ((allowed <= 0).to_type(logp.dtype) * -1e4f);
        var picked = masked.logsumexp(1);
        return WeightedMean(Focal(picked, focalGamma).neg(), weights).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Binary cross-entropy of <paramref name="logits"/> [N, A] against 0/1 <paramref name="targets"/> [N, A], weighted
    /// per element by <paramref name="weights"/> [N, A]; focal modulation when <paramref name="focalGamma"/> &gt; 0.
    /// </summary>
    public static Tensor Binary(Tensor logits, Tensor targets, Tensor weights, double focalGamma = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ShapeCheck.Require(logits, [-1, -1], "logits");
        ShapeCheck.Require(targets, logits.shape, "binary targets");
        ShapeCheck.Require(weights, logits.shape, "binary weights");
        using var scope = NewDisposeScope();
        var logp1 = nn.functional.logsigmoid(logits);
        var logp0 = nn.functional.logsigmoid(logits.neg());
        var logpt = (targets * logp1) + ((1 - targets) * logp0);
        return WeightedMean(Focal(logpt, focalGamma).neg(), weights).MoveToOuterDisposeScope();
    }

    /// <summary>Weighted L1 of <paramref name="predictions"/> [N] against <paramref name="targets"/> [N], weights [N].</summary>
    public static Tensor L1(Tensor predictions, Tensor targets, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ShapeCheck.Require(predictions, [-1], "predictions");
        var n = predictions.shape[0];
        ShapeCheck.Require(targets, [n], "regression targets");
        ShapeCheck.Require(weights, [n], "sample weights");
        using var scope = NewDisposeScope();
        return WeightedMean((predictions - targets).abs(), weights).MoveToOuterDisposeScope();
    }

    private static Tensor Focal(Tensor logpt, double gamma) =>
        gamma > 0 ? (1 - logpt.exp()).clamp_min(0).pow(gamma) * logpt : logpt;

    private static Tensor WeightedMean(Tensor perItem, Tensor weights)
    {
        var total = weights.sum();
        var sum = (perItem * weights).sum();
        // No labelled item: an exact zero that keeps the graph (gradient zero) instead of 0/0.
        return sum / total.clamp_min(1e-8);
    }
}
