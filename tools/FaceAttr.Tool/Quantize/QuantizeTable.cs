using System.Globalization;
using System.Text;

namespace FaceAttr.Tool.Quantize;

/// <summary>The per-model table <c>faceattr quantize</c> prints: size, speed, int8 kernels ORT runs, and the held-out figures.</summary>
public static class QuantizeTable
{
    /// <summary>Formats one model's outcome.</summary>
    public static string Format(ModelQuantizeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{outcome.Source.Id}: {Size(outcome.Fp32Bytes)} → {Size(outcome.Int8Bytes)} ({outcome.Fp32Bytes / (double)outcome.Int8Bytes:0.00}× smaller); "
            + $"{outcome.Fp32Latency.MedianMs:0.00} → {outcome.Int8Latency.MedianMs:0.00} ms median, 1 thread ({outcome.Fp32Latency.MedianMs / outcome.Int8Latency.MedianMs:0.00}×)");
        static string Ops(IReadOnlyDictionary<string, int> ops) =>
            ops.Count == 0 ? "none" : string.Join(", ", ops.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        var graph = outcome.OptimizedGraph;
        text.AppendLine(c, $"  ORT runs in int8: {Ops(graph.Int8Nodes)}");
        text.AppendLine(c, $"  ORT runs in float: {Ops(graph.FloatNodes)}; Q {graph.OpTypes.GetValueOrDefault("QuantizeLinear")}, DQ {graph.OpTypes.GetValueOrDefault("DequantizeLinear")}");
        text.AppendLine(c, $"  {"head",-22} {"metric",-14} {"fp32",9} {"int8",9} {"faces",6}  faces from");

        // A head's figures together, set after set, so its labelled and agreement figures can be read side by side.
        foreach (var f in outcome.Figures.GroupBy(f => f.Head).SelectMany(head => head))
        {
            text.AppendLine(c, $"  {f.Head,-22} {f.Metric,-14} {Figure(f.Metric, f.Reference),9} {Figure(f.Metric, f.Value),9} {f.Count,6}  {f.Dataset}");
        }

        foreach (var failure in outcome.GateFailures)
        {
            text.AppendLine(c, $"  over the limit: {failure}");
        }

        return text.ToString();
    }

    private static string Figure(string metric, double? value) => value switch
    {
        null => "",
        { } v when metric is HeadFigure.Agreement or HeadFigure.Accuracy => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
        { } v => v.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("0.0 MiB", CultureInfo.InvariantCulture)
        : (bytes / 1024.0).ToString("0 KiB", CultureInfo.InvariantCulture);
}
