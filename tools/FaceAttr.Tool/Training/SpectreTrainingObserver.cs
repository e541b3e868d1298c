using System.Globalization;
using FaceAttr.Training.Training;
using Spectre.Console;

namespace FaceAttr.Tool.Training;

/// <summary>
/// Shows training progress: a Spectre.Console progress bar per epoch (batch count, per-head loss, ETA) when the console is
/// interactive, one plain line every <see cref="PlainEvery"/> batches otherwise (logs, nohup). Prints each epoch's
/// validation summary.
/// </summary>
internal sealed class SpectreTrainingObserver(ProgressContext? context, TextWriter plain) : ITrainingObserver
{
    private const int PlainEvery = 50;
    private ProgressTask? _task;
    private DateTime _epochStart;

    public void EpochStarted(int epoch, int epochs, int batches)
    {
        _epochStart = DateTime.UtcNow;
        if (context is not null)
        {
            _task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);
        }
        else
        {
            plain.WriteLine($"epoch {epoch}/{epochs}: {batches} batches");
        }
    }

    public void BatchFinished(int epoch, int batch, int batches, IReadOnlyDictionary<string, double> losses)
    {
        var text = string.Join(" ", losses.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Short(p.Key)} {p.Value:0.000}")));
        if (_task is not null)
        {
            _task.Description = $"epoch {epoch} [grey]{Markup.Escape(text)}[/]";
            _task.Value = batch;
        }
        else if (batch % PlainEvery == 0 || batch == batches)
        {
            var elapsed = (DateTime.UtcNow - _epochStart).TotalSeconds;
            var eta = elapsed / batch * (batches - batch);
            plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch} batch {batch}/{batches} {text} (epoch ETA {eta:0}s)"));
        }
    }

    public void EpochFinished(EpochSummary summary)
    {
        var metrics = string.Join(", ", summary.Validation.Metrics
            .Where(p => p.Key.StartsWith("gender", StringComparison.Ordinal) || p.Key.StartsWith("age/", StringComparison.Ordinal)
                || p.Key.StartsWith("expression", StringComparison.Ordinal) || p.Key is "eyeglasses" or "smile" or "celeba_mean")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value.Kind == "mae"
                ? string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.Value:0.00}y")
                : string.Create(CultureInfo.InvariantCulture, $"{p.Key} {100 * p.Value.Value:0.0}%")));
        var line = string.Create(CultureInfo.InvariantCulture, $"epoch {summary.Epoch} done in {summary.Seconds:0}s, lr {summary.LearningRate:0.0000}: {metrics}");
        if (context is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(line));
        }
        else
        {
            plain.WriteLine(line);
        }
    }

    private static string Short(string term) => term switch
    {
        "expression_coarse" => "expr_c",
        "expression" => "expr",
        "attributes" => "attr",
        _ => term,
    };
}
