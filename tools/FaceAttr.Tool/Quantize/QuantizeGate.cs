using System.Globalization;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Whether an int8 model is good enough to ship: no head may lose more than <c>maxLoss</c> points of accuracy against the
/// labels (or, for faces without labels for that head, more than <c>maxLoss</c> points of agreement with the float model,
/// i.e. 100 − agreement %), and age may not get worse by more than <c>maxAgeLoss</c> years of MAE (or, unlabelled, move by
/// more than that on average). Landmark shifts are reported, not gated.
/// </summary>
public static class QuantizeGate
{
    // Figures such as 99 of 100 faces come out as 0.98999999…; a loss equal to the limit passes.
    private const double Tolerance = 1e-9;

    /// <summary>One line per head that fails, naming the model, the figures and the limit; empty when all pass.</summary>
    public static IReadOnlyList<string> Failures(string modelId, IReadOnlyList<HeadFigure> figures, double maxLoss, double maxAgeLoss)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var failures = new List<string>();
        foreach (var head in figures.GroupBy(f => f.Head))
        {
            var accuracy = head.FirstOrDefault(f => f.Metric == HeadFigure.Accuracy);
            var agreement = head.FirstOrDefault(f => f.Metric == HeadFigure.Agreement);
            var mae = head.FirstOrDefault(f => f.Metric == HeadFigure.MaeYears);
            var delta = head.FirstOrDefault(f => f.Metric == HeadFigure.DeltaYears);
            if (mae is { Reference: { } maeFloat } && mae.Value - maeFloat > maxAgeLoss + Tolerance)
            {
                failures.Add(Line($"{modelId} {head.Key}: MAE {maeFloat:0.00} → {mae.Value:0.00} years (+{mae.Value - maeFloat:0.00}, limit {maxAgeLoss:0.00})"));
            }
            else if (mae is null && delta is not null && delta.Value > maxAgeLoss + Tolerance)
            {
                failures.Add(Line($"{modelId} {head.Key}: int8 ages differ from float by {delta.Value:0.00} years on average (limit {maxAgeLoss:0.00})"));
            }

            if (accuracy is { Reference: { } accFloat } && (accFloat - accuracy.Value) * 100 > maxLoss + Tolerance)
            {
                failures.Add(Line($"{modelId} {head.Key}: accuracy {accFloat:P1} → {accuracy.Value:P1} ({(accFloat - accuracy.Value) * 100:0.0} points lost, limit {maxLoss:0.0})"));
            }
            else if (accuracy is null && agreement is not null && (1 - agreement.Value) * 100 > maxLoss + Tolerance)
            {
                failures.Add(Line($"{modelId} {head.Key}: agrees with float on {agreement.Value:P1} of {agreement.Count} faces ({(1 - agreement.Value) * 100:0.0} points lost, limit {maxLoss:0.0})"));
            }
        }

        return failures;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
