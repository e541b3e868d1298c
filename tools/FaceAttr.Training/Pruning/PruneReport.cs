using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceAttr.Training.Network;
using FaceAttr.Training.Reporting;

namespace FaceAttr.Training.Pruning;

/// <summary>
/// The pruning report: <c>prune-report.json</c> (everything in <see cref="PruneOutcome"/>) and <c>prune-report.md</c>
/// (widths, parameters, MACs, ms/face and per-head validation of the source, the pruned and the fine-tuned network),
/// plus the fine-tuning curves.
/// </summary>
public static class PruneReport
{
    /// <summary>JSON report file name.</summary>
    public const string JsonFile = "prune-report.json";

    /// <summary>Markdown report file name.</summary>
    public const string MarkdownFile = "prune-report.md";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the report into <paramref name="folder"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string folder, PruneOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Directory.CreateDirectory(folder);
        var json = Path.Combine(folder, JsonFile);
        File.WriteAllText(json, JsonSerializer.Serialize(outcome, Json));
        var markdown = Path.Combine(folder, MarkdownFile);
        File.WriteAllText(markdown, Markdown(outcome));
        List<string> written = [json, markdown];
        if (outcome.History.Count > 0)
        {
            written.AddRange(CurvePlotter.Write(Path.Combine(folder, "curves"), outcome.History));
        }

        return written;
    }

    /// <summary>The Markdown report.</summary>
    public static string Markdown(PruneOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var inv = CultureInfo.InvariantCulture;
        var p = outcome.Prune;
        var s = new StringBuilder();
        s.AppendLine("# Pruned network").AppendLine();
        var criterion = p.Ratio is { } r ? string.Create(inv, $"ratio {r:0.###}") : string.Create(inv, $"threshold {p.Threshold:0.####}");
        s.AppendLine(inv, $"- source: {outcome.Source}");
        s.AppendLine(inv, $"- pruned by BatchNorm |γ| ({p.Score}, {criterion}, each layer keeps at least max({p.MinChannels}, {p.MinFraction:0%})): " +
            $"{outcome.Selection.Removed} of {outcome.Selection.Blocks.Sum(b => b.Width)} conv channels removed ({outcome.Selection.RemovedFraction:0.0%}); removed channels folded: {p.FoldRemovedChannels}");
        if (outcome.FineTune is { } f)
        {
            s.AppendLine(inv, $"- fine-tuned {f.Epochs} epochs: {f.Optimizer} lr {f.LearningRate} batch {f.BatchSize}, balance {f.Balance}" +
                $" (task weights {(outcome.BalancerStateInherited ? "continued from the source run" : "started afresh")}), BN-L1 {f.BatchNormL1}, seed {f.Seed}");
        }
        else
        {
            s.AppendLine("- not fine-tuned");
        }

        s.AppendLine(inv, $"- {outcome.Seconds:0} s; timings: TorchSharp forward, batch 1, eval mode, median, {outcome.TorchThreads} torch threads").AppendLine();
        var columns = new List<(string Name, NetworkFigures Figures)> { ("source", outcome.Before), ("pruned", outcome.Pruned) };
        if (outcome.FineTuned is { } tuned)
        {
            columns.Add(("fine-tuned", tuned));
        }

        s.AppendLine("| | " + string.Join(" | ", columns.Select(c => c.Name)) + " |");
        s.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")));
        s.AppendLine("| block widths | " + string.Join(" | ", columns.Select(c => $"[{string.Join(", ", c.Figures.BlockWidths)}]")) + " |");
        s.AppendLine("| parameters | " + string.Join(" | ", columns.Select(c => c.Figures.Parameters.ToString("N0", inv))) + " |");
        s.AppendLine("| MACs per face | " + string.Join(" | ", columns.Select(c => (c.Figures.Macs / 1e6).ToString("0.00", inv) + " M")) + " |");
        s.AppendLine("| ms per face | " + string.Join(" | ", columns.Select(c => c.Figures.MillisecondsPerFace.ToString("0.000", inv))) + " |");
        s.AppendLine().AppendLine("## Validation (same held-out split)").AppendLine();
        s.AppendLine("| head | metric | " + string.Join(" | ", columns.Select(c => c.Name)) + " | n |");
        s.AppendLine("|---|---|" + string.Concat(columns.Select(_ => "---:|")) + "---:|");
        foreach (var (key, metric) in outcome.Before.Validation.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var values = columns.Select(c => c.Figures.Validation.Metrics.TryGetValue(key, out var m) ? Format(m, inv) : "–");
            s.AppendLine(inv, $"| {key} | {metric.Kind} | {string.Join(" | ", values)} | {metric.N} |");
        }

        s.AppendLine().AppendLine("## Channels per block").AppendLine();
        s.AppendLine("| block | before | after |");
        s.AppendLine("|---|---:|---:|");
        for (var k = 0; k < outcome.Selection.Blocks.Count; k++)
        {
            var b = outcome.Selection.Blocks[k];
            s.AppendLine(inv, $"| {FaceAttrNet.BlockPrefix(k)} | {b.Width} | {b.Kept.Count} |");
        }

        if (outcome.History.Count > 0)
        {
            s.AppendLine().AppendLine("## Fine-tuning epochs").AppendLine();
            s.AppendLine("| epoch | s | lr | train loss (sum) | val loss (sum) |");
            s.AppendLine("|---:|---:|---:|---:|---:|");
            foreach (var e in outcome.History)
            {
                s.AppendLine(inv, $"| {e.Epoch} | {e.Seconds:0} | {e.LearningRate:0.00000} | {e.TrainLosses.Values.Sum():0.000} | {e.Validation.Losses.Values.Sum():0.000} |");
            }
        }

        return s.ToString();
    }

    private static string Format(Training.Metric m, IFormatProvider inv) =>
        m.Kind == "mae" ? string.Create(inv, $"{m.Value:0.00} y") : string.Create(inv, $"{100 * m.Value:0.00}%");
}
