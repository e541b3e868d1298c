using System.Text.Json;

namespace FaceAttr.Messaging;

/// <summary>
/// The reply to a command (docs/schema/command-reply.schema.json), published to the request's MQTT 5 response topic with
/// its correlation data. Exactly one of <see cref="Result"/> (when <see cref="Ok"/>) and <see cref="Error"/> is set.
/// </summary>
public sealed record CommandReply
{
    /// <summary>Payload schema version of the reply document.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this payload.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Device that answered.</summary>
    public required string Device { get; init; }

    /// <summary>The verb as requested (it may be unknown or malformed in an error reply).</summary>
    public required string Verb { get; init; }

    /// <summary>True when the handler ran and returned.</summary>
    public required bool Ok { get; init; }

    /// <summary>When the reply was produced (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What the handler returned, serialised with the payload conventions (snake_case); absent when it returned null.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why the command failed, when it did.</summary>
    public CommandError? Error { get; init; }
}
