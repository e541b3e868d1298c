namespace FaceAttr.Messaging;

/// <summary>
/// The retained payload of <c>faceattr/{device}/status</c> (docs/schema/status.schema.json). The publisher sets
/// <see cref="State"/>, <see cref="Reason"/> and <see cref="Timestamp"/> itself: online after connecting, offline with
/// reason <c>connection_lost</c> as the last will, offline with reason <c>shutdown</c> at a clean stop.
/// </summary>
public sealed record DeviceStatus
{
    /// <summary>Payload schema version of the status document.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Offline reason of the last will: the broker lost the device's connection.</summary>
    public const string ReasonConnectionLost = "connection_lost";

    /// <summary>Offline reason of a clean shutdown.</summary>
    public const string ReasonShutdown = "shutdown";

    /// <summary>Schema version of this payload.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Device id.</summary>
    public required string Device { get; init; }

    /// <summary>Online or offline.</summary>
    public ConnectionState State { get; init; } = ConnectionState.Online;

    /// <summary>Why the device is offline (<see cref="ReasonConnectionLost"/>, <see cref="ReasonShutdown"/>); null when online.</summary>
    public string? Reason { get; init; }

    /// <summary>When this status was produced (UTC). For the last will: when the connection it guards was made.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>When the daemon started (UTC), if known.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Versions by component, e.g. <c>daemon</c>, <c>runtime</c>, <c>taxonomy</c>, <c>bundle</c>.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>Loaded models and their file hashes.</summary>
    public IReadOnlyList<ModelInfo> Models { get; init; } = [];

    /// <summary>Fleet groups the device answers commands for; empty when none.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>State of the frame source, when the daemon has one.</summary>
    public CameraStatus? Camera { get; init; }
}
