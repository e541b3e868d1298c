using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceAttr.Bundles.Updating;

/// <summary>JSON options for every file and payload of this library: snake_case names, nulls left out, enums as strings.</summary>
public static class UpdateJson
{
    /// <summary>The shared options (read-only once used).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Compact JSON of a value (one line: audit log, MQTT payloads).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
