using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
        // Reflection in normal builds; compile-time metadata in the trimmed daemon (JsonResolvers.ReflectionElse).
        TypeInfoResolver = FaceAttr.Core.JsonResolvers.ReflectionElse(BundlesJsonContext.Default),
    };

    /// <summary>Compact JSON of a value (one line: audit log, MQTT payloads).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Info<T>(Options));

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/> (these options or a copy of them).</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
