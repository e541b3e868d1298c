using FaceAttr.Training.Training;
using ScottPlot;

namespace FaceAttr.Training.Reporting;

/// <summary>One PNG per loss term: training and validation loss by epoch (ScottPlot, rendered with SkiaSharp).</summary>
public static class CurvePlotter
{
    /// <summary>Writes <c>{term}.png</c> into <paramref name="folder"/> for every term in <paramref name="history"/>; returns the paths.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<EpochSummary> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        Directory.CreateDirectory(folder);
        var terms = history.SelectMany(e => e.TrainLosses.Keys.Concat(e.Validation.Losses.Keys)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var written = new List<string>();
        foreach (var term in terms)
        {
            var plot = new Plot();
            Add(plot, history.Where(e => e.TrainLosses.ContainsKey(term)).Select(e => ((double)e.Epoch, e.TrainLosses[term])), "train");
            Add(plot, history.Where(e => e.Validation.Losses.ContainsKey(term)).Select(e => ((double)e.Epoch, e.Validation.Losses[term])), "validation");
            plot.Title($"{term} loss");
            plot.XLabel("epoch");
            plot.YLabel("loss");
            plot.ShowLegend();
            var path = Path.Combine(folder, $"{term}.png");
            plot.SavePng(path, 640, 400);
            written.Add(path);
        }

        return written;
    }

    private static void Add(Plot plot, IEnumerable<(double X, double Y)> points, string label)
    {
        var list = points.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(list.Select(p => p.X).ToArray(), list.Select(p => p.Y).ToArray());
        scatter.LegendText = label;
    }
}
