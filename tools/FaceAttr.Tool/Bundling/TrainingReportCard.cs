using System.Text.Json;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Tool.Bundling;

/// <summary>
/// Turns the validation figures of a training run's <c>report.json</c> into manifest model-card metrics, so a bundle
/// says what its network scored on held-out faces.
/// </summary>
public static class TrainingReportCard
{
    /// <summary>The metrics in <paramref name="reportPath"/>, or an empty list when there is no report.</summary>
    /// <exception cref="InvalidDataException">The report exists but is not a training report.</exception>
    public static IReadOnlyList<ModelMetric> Read(string reportPath)
    {
        if (!File.Exists(reportPath))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(reportPath));
            if (!doc.RootElement.TryGetProperty("validation", out var validation) || validation.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{reportPath}: no 'validation' object; not a 'faceattr train' report");
            }

            var metrics = new List<ModelMetric>();
            foreach (var figure in validation.EnumerateObject())
            {
                var slash = figure.Name.IndexOf('/', StringComparison.Ordinal);
                var kind = figure.Value.GetProperty("Kind").GetString();
                metrics.Add(new ModelMetric
                {
                    Head = slash < 0 ? figure.Name : figure.Name[..slash],
                    Metric = kind == "mae" ? "mae_years" : "accuracy",
                    Value = Math.Round(figure.Value.GetProperty("Value").GetDouble(), 5),
                    Count = figure.Value.GetProperty("N").GetInt32(),
                    Dataset = (slash < 0 ? "celeba" : figure.Name[(slash + 1)..]) + " validation split",
                });
            }

            return metrics;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{reportPath}: unreadable training report: {ex.Message}", ex);
        }
    }
}
