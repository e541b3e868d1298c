using FaceAttr.Training.Data;
using FaceAttr.Training.Losses;
using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Training;

/// <summary>The per-term losses of one batch (<see cref="HeadSet.LossTerms"/>), each masked to the samples that label it.</summary>
public static class MultiTaskLoss
{
    /// <summary>
    /// Loss per term for <paramref name="logits"/> against <paramref name="batch"/>. <paramref name="fineExpression"/> is false
    /// during the coarse phase of coarse-to-fine training (the fine expression term is then left out).
    /// </summary>
    public static Dictionary<string, Tensor> Compute(HeadLogits logits, Batch batch, TrainOptions options, bool fineExpression)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        double Gamma(string term) => options.FocalGamma.GetValueOrDefault(term);
        var losses = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [HeadSet.Gender] = HeadLoss.CrossEntropy(logits.Gender, batch.Gender, batch.GenderWeight, Gamma(HeadSet.Gender)),
        };

        var age = HeadLoss.CrossEntropy(logits.AgeStages[0], batch.AgeStages[0], batch.AgeWeight, Gamma(HeadSet.Age));
        for (var k = 1; k < AgeStages.Stages; k++)
        {
            age += HeadLoss.CrossEntropy(logits.AgeStages[k], batch.AgeStages[k], batch.AgeWeight, Gamma(HeadSet.Age));
        }

        if (options.AgeL1Weight > 0)
        {
            using var years = AgeStages.ExpectedYears(logits.AgeStages);
            age += HeadLoss.L1(years / 10f, batch.AgeYears / 10f, batch.AgeWeight) * options.AgeL1Weight;
        }

        losses[HeadSet.Age] = age;
        var coarse = HeadLoss.CrossEntropy(logits.ExpressionCoarse, batch.ExpressionCoarse, batch.ExpressionWeight, Gamma(HeadSet.ExpressionCoarse));
        if (options.SmileHintWeight > 0)
        {
            // Smile helps expression: on faces labelled only for smile, P(happy) should follow the smile label.
            using var happy = logits.Expression.log_softmax(1)[.., 0];
            using var notHappy = (1 - happy.exp()).clamp_min(1e-6).log();
            var hint = -((batch.SmileTarget * happy) + ((1 - batch.SmileTarget) * notHappy));
            coarse += (hint * batch.SmileHint).sum() / batch.SmileHint.sum().clamp_min(1e-8) * options.SmileHintWeight;
        }

        losses[HeadSet.ExpressionCoarse] = coarse;
        if (fineExpression)
        {
            losses[HeadSet.Expression] = HeadLoss.CrossEntropy(logits.Expression, batch.Expression, batch.ExpressionWeight, Gamma(HeadSet.Expression));
        }

        losses[HeadSet.Eyewear] = HeadLoss.SetCrossEntropy(logits.Eyewear, batch.EyewearAllowed, batch.EyewearWeight, Gamma(HeadSet.Eyewear));
        losses[HeadSet.Binary] = HeadLoss.Binary(logits.Binary, batch.Binary, batch.BinaryWeight, Gamma(HeadSet.Binary));
        return losses;
    }
}
