using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FaceAttr.Core.Events;

namespace FaceAttr.Messaging;

/// <summary>
/// Turns the FaceAttr payloads into UTF-8 JSON and back: snake_case names, enums as their contract strings
/// (<c>enter</c>, <c>online</c>, <c>camera_unavailable</c>), UTC timestamps, nulls omitted. Only the payload records of
/// this contract are serialised, none of which has a byte field: no image bytes can reach a payload. The schemas in
/// docs/schema/ describe exactly this output. <c>schema_version</c> is the major version: fields are only added
/// within a version, and readers refuse a newer one.
/// </summary>
public static class PayloadSerializer
{
    /// <summary>The serializer options of every payload (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a track event (run the allow-list first; see <see cref="AttributeAllowList"/>).</summary>
    /// <exception cref="ArgumentException">The event holds a value JSON cannot carry (NaN or infinite numbers) or a null required field.</exception>
    public static byte[] SerializeEvent(TrackEvent trackEvent) => Serialize(trackEvent);

    /// <summary>Serialises a status document.</summary>
    public static byte[] SerializeStatus(DeviceStatus status) => Serialize(status);

    /// <summary>Serialises a stats heartbeat.</summary>
    public static byte[] SerializeStats(DeviceStats stats) => Serialize(stats);

    /// <summary>Serialises a command reply.</summary>
    public static byte[] SerializeReply(CommandReply reply) => Serialize(reply);

    /// <summary>Serialises an update progress message.</summary>
    public static byte[] SerializeUpdate(UpdateProgress update) => Serialize(update);

    /// <summary>
    /// Reads a track event, refusing a newer schema version with a <see cref="PayloadException"/> whose
    /// <see cref="PayloadException.IsNewerSchema"/> is true, and junk with a plain one.
    /// </summary>
    public static bool TryDeserializeEvent(ReadOnlySpan<byte> utf8Json, out TrackEvent? trackEvent, out PayloadException? error) =>
        TryDeserialize(utf8Json, TrackEvent.CurrentSchemaVersion, "event", out trackEvent, out error);

    /// <summary>Reads a status document; see <see cref="TryDeserializeEvent"/> for the version rule.</summary>
    public static bool TryDeserializeStatus(ReadOnlySpan<byte> utf8Json, out DeviceStatus? status, out PayloadException? error) =>
        TryDeserialize(utf8Json, DeviceStatus.CurrentSchemaVersion, "status", out status, out error);

    /// <summary>Reads a stats heartbeat; see <see cref="TryDeserializeEvent"/> for the version rule.</summary>
    public static bool TryDeserializeStats(ReadOnlySpan<byte> utf8Json, out DeviceStats? stats, out PayloadException? error) =>
        TryDeserialize(utf8Json, DeviceStats.CurrentSchemaVersion, "stats", out stats, out error);

    /// <summary>Reads a command reply; see <see cref="TryDeserializeEvent"/> for the version rule.</summary>
    public static bool TryDeserializeReply(ReadOnlySpan<byte> utf8Json, out CommandReply? reply, out PayloadException? error) =>
        TryDeserialize(utf8Json, CommandReply.CurrentSchemaVersion, "command reply", out reply, out error);

    /// <summary>Reads an update progress message; see <see cref="TryDeserializeEvent"/> for the version rule.</summary>
    public static bool TryDeserializeUpdate(ReadOnlySpan<byte> utf8Json, out UpdateProgress? update, out PayloadException? error) =>
        TryDeserialize(utf8Json, UpdateProgress.CurrentSchemaVersion, "update", out update, out error);

    /// <summary>
    /// Reads the top-level <c>schema_version</c> of a JSON object without deserialising the rest. False when the payload
    /// is not a JSON object or has no integer <c>schema_version</c>.
    /// </summary>
    public static bool TryReadSchemaVersion(ReadOnlySpan<byte> utf8Json, out int schemaVersion)
    {
        schemaVersion = 0;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("schema_version"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out schemaVersion);
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <see cref="Options"/>.</summary>
    /// <exception cref="NotSupportedException">The type is not a contract payload and reflection is off (trimmed program).</exception>
    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    internal static byte[] Serialize<T>(T value)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, Info<T>());
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"{typeof(T).Name} cannot be serialised: {ex.Message}", nameof(value), ex);
        }
    }

    private static bool TryDeserialize<T>(ReadOnlySpan<byte> utf8Json, int supported, string what, out T? value, out PayloadException? error)
        where T : class
    {
        value = null;
        if (!TryReadSchemaVersion(utf8Json, out var version))
        {
            error = new PayloadException($"{what} payload is not a JSON object with an integer schema_version");
            return false;
        }

        if (version > supported)
        {
            error = new PayloadException(
                $"{what} payload has schema_version {version}, newer than {supported}, the newest this FaceAttr library reads; update the library",
                version,
                supported);
            return false;
        }

        if (version < 1)
        {
            error = new PayloadException($"{what} payload has schema_version {version}; versions start at 1");
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(utf8Json, Info<T>());
        }
        catch (JsonException ex)
        {
            error = new PayloadException($"{what} payload does not match schema_version {version}: {ex.Message}", ex);
            return false;
        }

        if (value is null)
        {
            error = new PayloadException($"{what} payload is null");
            return false;
        }

        error = null;
        return true;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            // Reflection in normal builds (a client's request objects too); compile-time metadata in the trimmed daemon.
            TypeInfoResolver = FaceAttr.Core.JsonResolvers.ReflectionElse(PayloadJsonContext.Default),
        };
        options.Converters.Add(new BoxFJsonConverter());
        options.Converters.Add(new UtcTimestampJsonConverter());
        options.MakeReadOnly();
        return options;
    }
}
