using System.Globalization;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Whether an int8 model is good enough to ship. Each head is judged by labels wherever any compared set labels it: on
/// every such set it may lose at most <c>maxLoss</c> points of accuracy, and age at most <c>maxAgeLoss</c> years of MAE.
/// Only a head no set labels falls back to the float model: at most <c>maxLoss</c> points of disagreement
/// (100 − agreement %) and ages moving at most <c>maxAgeLoss</c> years on average, on every set. Agreement is a stricter
/// proxy than accuracy (a changed decision on a face both models got wrong costs agreement, not accuracy), so it must not
/// overrule real labels measured on another set. Landmark shifts are reported, not gated.
/// </summary>
public static class QuantizeGate
{
    // Figures such as 99 of 100 faces come out as 0.98999999…; a loss equal to the limit passes.
    private const double Tolerance = 1e-9;

    /// <summary>One line per failing head and set, naming the model, the set, the figures and the limit; empty when all pass.</summary>
    /// <param name="modelId">The model, for the lines.</param>
    /// <param name="figures">Figures of every compared set (told apart by <see cref="HeadFigure.Dataset"/>).</param>
    /// <param name="maxLoss">Most accuracy (or agreement) points a head may lose.</param>
    /// <param name="maxAgeLoss">Most years the age MAE may grow (or ages may move).</param>
    public static IReadOnlyList<string> Failures(string modelId, IReadOnlyList<HeadFigure> figures, double maxLoss, double maxAgeLoss)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var failures = new List<string>();
        foreach (var head in figures.GroupBy(f => f.Head))
        {
            var maes = Labelled(head, HeadFigure.MaeYears);
            var years = maes.Count > 0 ? maes : [.. head.Where(f => f.Metric == HeadFigure.DeltaYears)];
            var accuracies = Labelled(head, HeadFigure.Accuracy);
            var classes = accuracies.Count > 0 ? accuracies : [.. head.Where(f => f.Metric == HeadFigure.Agreement)];
            foreach (var figure in years.Concat(classes))
            {
                if (Failure(modelId, figure, maxLoss, maxAgeLoss) is { } line)
                {
                    failures.Add(line);
                }
            }
        }

        return failures;
    }

    private static List<HeadFigure> Labelled(IEnumerable<HeadFigure> head, string metric) =>
        [.. head.Where(f => f.Metric == metric && f.Reference is not null)];

    private static string? Failure(string modelId, HeadFigure f, double maxLoss, double maxAgeLoss)
    {
        var where = f.Dataset is null ? $"{modelId} {f.Head}" : $"{modelId} {f.Head} on {f.Dataset}";
        var reference = f.Reference ?? 0;
        return f.Metric switch
        {
            HeadFigure.MaeYears when f.Value - reference > maxAgeLoss + Tolerance =>
                Line($"{where}: MAE {reference:0.00} → {f.Value:0.00} years (+{f.Value - reference:0.00}, limit {maxAgeLoss:0.00})"),
            HeadFigure.DeltaYears when f.Value > maxAgeLoss + Tolerance =>
                Line($"{where}: int8 ages differ from float by {f.Value:0.00} years on average (limit {maxAgeLoss:0.00})"),
            HeadFigure.Accuracy when (reference - f.Value) * 100 > maxLoss + Tolerance =>
                Line($"{where}: accuracy {reference:P1} → {f.Value:P1} ({(reference - f.Value) * 100:0.0} points lost, limit {maxLoss:0.0})"),
            HeadFigure.Agreement when (1 - f.Value) * 100 > maxLoss + Tolerance =>
                Line($"{where}: agrees with float on {f.Value:P1} of {f.Count} faces ({(1 - f.Value) * 100:0.0} points lost, limit {maxLoss:0.0})"),
            _ => null,
        };
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
