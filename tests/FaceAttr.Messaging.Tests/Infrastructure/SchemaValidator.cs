using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace FaceAttr.Messaging.Tests;

/// <summary>Validates payloads against the JSON Schema documents in docs/schema/ with JsonSchema.Net (formats asserted).</summary>
public static class SchemaValidator
{
    public const string Events = "events.schema.json";
    public const string Status = "status.schema.json";
    public const string Stats = "stats.schema.json";
    public const string CommandReply = "command-reply.schema.json";
    public const string Update = "update.schema.json";

    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();
    private static readonly Lock BuildGate = new();

    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    /// <summary>The schema folder copied beside the test assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "schema");

    public static JsonSchema Load(string name)
    {
        lock (BuildGate)
        {
            return Schemas.GetOrAdd(name, n => JsonSchema.FromText(File.ReadAllText(Path.Combine(Folder, n))));
        }
    }

    /// <summary>The validation errors of <paramref name="utf8Json"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Errors(string schema, byte[] utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var results = Load(schema).Evaluate(document.RootElement, Options);
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        Collect(results, errors);
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    public static void AssertValid(string schema, byte[] utf8Json)
    {
        var errors = Errors(schema, utf8Json);
        Assert.True(errors.Count == 0, $"{schema}: {string.Join("; ", errors)}\npayload: {System.Text.Encoding.UTF8.GetString(utf8Json)}");
    }

    public static void AssertInvalid(string schema, string json)
    {
        var errors = Errors(schema, System.Text.Encoding.UTF8.GetBytes(json));
        Assert.True(errors.Count > 0, $"{schema} accepted a payload it must refuse: {json}");
    }

    /// <summary>The schema of a topic of the FaceAttr layout, by its last level.</summary>
    public static string ForTopic(string topic) => topic.Split('/')[^1] switch
    {
        "events" => Events,
        "status" => Status,
        "stats" => Stats,
        "update" => Update,
        _ => throw new ArgumentException($"no schema for {topic}", nameof(topic)),
    };

    private static void Collect(EvaluationResults results, List<string> errors)
    {
        if (results.Errors is { } own)
        {
            foreach (var (keyword, message) in own)
            {
                errors.Add($"{results.InstanceLocation} {keyword}: {message}");
            }
        }

        if (results.Details is { } details)
        {
            foreach (var detail in details)
            {
                Collect(detail, errors);
            }
        }
    }
}
