using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceAttr.Training.Data;
using FaceAttr.Training.Training;

namespace FaceAttr.Training.Reporting;

/// <summary>
/// The run report: <c>report.json</c> (config, data used, per-epoch history, final per-head validation metrics with
/// counts) and <c>report.md</c> (the same for people), plus one PNG of training and validation curves per head
/// (<see cref="CurvePlotter"/>).
/// </summary>
public static class RunReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the report files into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, TrainOptions options, TrainingData data, TrainResult result, string runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var last = result.History.Count > 0 ? result.History[^1] : null;
        var report = new
        {
            created = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            runtime,
            parameters = result.ParameterCount,
            seconds = result.Seconds,
            resumed_from_epoch = result.ResumedFrom,
            model = result.ModelPath,
            config = options,
            data = new
            {
                datasets = data.Uses,
                train = data.Train.Length,
                validation = data.Validation.Length,
                detected = data.Crops.Detected,
                whole_image = data.Crops.WholeImage,
                corrupt_images = data.Crops.Failures,
                crops_from_cache = data.Crops.FromCache,
            },
            validation = last?.Validation.Metrics,
            expression_confusion = last?.Validation.ExpressionConfusion,
            history = result.History,
        };
        var json = Path.Combine(folder, "report.json");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        var markdown = Path.Combine(folder, "report.md");
        File.WriteAllText(markdown, Markdown(options, data, result, runtime));
        var written = new List<string> { json, markdown };
        written.AddRange(CurvePlotter.Write(Path.Combine(folder, "curves"), result.History));
        return written;
    }

    /// <summary>The Markdown report.</summary>
    public static string Markdown(TrainOptions options, TrainingData data, TrainResult result, string runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(result);
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine("# Training run").AppendLine();
        s.AppendLine(inv, $"- {result.History.Count} epochs ({result.ResumedFrom} resumed), {result.Seconds / 60:0.0} min this invocation, {result.ParameterCount:N0} parameters");
        s.AppendLine(inv, $"- network: input {options.Network.InputSize}, widths [{string.Join(", ", options.Network.Widths)}], feature {options.Network.FeatureSize}, {options.Network.Activation}, crop box × {options.Network.CropScale}");
        s.AppendLine(inv, $"- optimizer {options.Optimizer} lr {options.LearningRate} weight decay {options.WeightDecay} batch {options.BatchSize}, weight average {(options.WeightAverageDecay > 0 ? options.WeightAverageDecay.ToString(inv) : "off")}, balance {options.Balance}{PerTerm("minimum weights", options.MinTaskWeight)}{PerTerm("task scales", options.TaskScale)}, age L1 {options.AgeL1Weight.ToString(inv)}, class weights {options.ClassWeights}, coarse expression epochs {options.ExpressionCoarseEpochs}, seed {options.Seed}");
        s.AppendLine(inv, $"- {runtime}").AppendLine();
        s.AppendLine("## Data").AppendLine();
        s.AppendLine(inv, $"| dataset | source | train | share of draws (size^{options.SamplingPower}) | validation | skipped by reader | excluded | corrupt images |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        var shares = BalancedSampler.ShareOfDraws([.. data.Uses.Select(u => u.Train)], options.SamplingPower);
        foreach (var (u, share) in data.Uses.Zip(shares))
        {
            s.AppendLine(inv, $"| {u.Name} | {u.Source} | {u.Train} | {100 * share:0.0}% | {u.Validation} | {u.SkippedByReader} | {u.ExcludedByReader} | {u.CorruptImages} |");
        }

        foreach (var u in data.Uses.Where(u => u.TeacherFilled.Count > 0))
        {
            s.AppendLine().Append(inv, $"Teacher labels filled on {u.Name} training faces: ")
                .AppendJoin(", ", u.TeacherFilled.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")).AppendLine(".");
        }

        s.AppendLine().AppendLine(inv, $"Crops: {data.Crops.Detected} framed by the detector, {data.Crops.WholeImage} as the whole image, {data.Crops.Failures.Count} failed.");
        foreach (var f in data.Crops.Failures)
        {
            s.AppendLine(inv, $"- failed: {f.ImagePath}: {f.Reason}");
        }

        if (result.History.Count > 0)
        {
            var last = result.History[^1];
            s.AppendLine().AppendLine(inv, $"## Validation (epoch {last.Epoch})").AppendLine();
            var live = last.LiveValidation?.Metrics;
            s.AppendLine(live is null ? "| head | metric | value | n |" : "| head | metric | averaged weights (saved) | live weights | n |");
            s.AppendLine(live is null ? "|---|---|---:|---:|" : "|---|---|---:|---:|---:|");
            string Format(Metric m) => m.Kind == "mae" ? m.Value.ToString("0.00", inv) + " y" : (100 * m.Value).ToString("0.00", inv) + "%";
            foreach (var (name, m) in last.Validation.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var liveValue = live is null ? "" : (live.TryGetValue(name, out var l) ? Format(l) : "–") + " | ";
                s.AppendLine(inv, $"| {name} | {m.Kind} | {Format(m)} | {liveValue}{m.N} |");
            }

            s.AppendLine().AppendLine("## Epochs").AppendLine();
            s.AppendLine("| epoch | s | lr | train loss (sum) | val loss (sum) | task weights |").AppendLine("|---:|---:|---:|---:|---:|---|");
            foreach (var e in result.History)
            {
                var taskWeights = string.Join(", ", e.TaskWeights.Select(w => string.Create(inv, $"{w.Key} {w.Value:0.00}")));
                s.AppendLine(inv, $"| {e.Epoch} | {e.Seconds:0} | {e.LearningRate:0.0000} | {e.TrainLosses.Values.Sum():0.000} | {e.Validation.Losses.Values.Sum():0.000} | {taskWeights} |");
            }
        }

        return s.ToString();
    }

    private static string PerTerm(string label, IReadOnlyDictionary<string, double> values) => values.Count == 0
        ? string.Empty
        : $" ({label} " + string.Join(", ", values.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}"))) + ")";
}
