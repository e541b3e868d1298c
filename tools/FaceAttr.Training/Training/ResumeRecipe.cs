using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FaceAttr.Training.Training;

/// <summary>
/// The settings a checkpoint records so that <c>--resume</c> continues the run it was made by: every training option
/// except those a resume may change — the epoch count (to extend a run) and the thread count (another machine) — and
/// the network, which is compared on its own with its own message. Resuming with another seed, loss or sampling would
/// silently splice two recipes into one network.
/// </summary>
public static class ResumeRecipe
{
    private static readonly string[] MayChange = [nameof(TrainOptions.Epochs), nameof(TrainOptions.Threads), nameof(TrainOptions.Network)];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The recorded settings of <paramref name="options"/>.</summary>
    public static JsonObject Of(TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Through text, so a recipe made now compares like one read back from a checkpoint.
        var recipe = JsonNode.Parse(JsonSerializer.Serialize(options, Json))!.AsObject();
        foreach (var name in MayChange)
        {
            recipe.Remove(name);
        }

        return recipe;
    }

    /// <summary>"Name saved → now" for every setting that differs; empty when the recipes agree.</summary>
    public static IReadOnlyList<string> Differences(JsonObject saved, JsonObject now)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(now);
        return [.. saved.Select(p => p.Key).Union(now.Select(p => p.Key), StringComparer.Ordinal)
            .Where(name => !JsonNode.DeepEquals(saved[name], now[name]))
            .Order(StringComparer.Ordinal)
            .Select(name => $"{name} {Text(saved[name])} → {Text(now[name])}")];
    }

    private static string Text(JsonNode? node) => node is null ? "(absent)" : node.ToJsonString();
}
