namespace FaceAttr.Messaging;

/// <summary>
/// The payload of the <c>faceattr/{device}/stats</c> heartbeat (docs/schema/stats.schema.json). The daemon fills the
/// pipeline figures; the publisher fills <see cref="Messaging"/> with its own counters when it sends the heartbeat.
/// </summary>
public sealed record DeviceStats
{
    /// <summary>Payload schema version of the stats document.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this payload.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Device id.</summary>
    public required string Device { get; init; }

    /// <summary>When the figures were taken (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Seconds since the daemon started.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Frames per second delivered by the source over the last interval.</summary>
    public double FpsIn { get; init; }

    /// <summary>Frames per second that went through the models over the last interval.</summary>
    public double FpsProcessed { get; init; }

    /// <summary>Frames dropped since start (latest-frame-wins channel, wrong-size frames).</summary>
    public long DroppedFrames { get; init; }

    /// <summary>Frame-to-publish latency, median over the last interval, milliseconds.</summary>
    public double LatencyP50Ms { get; init; }

    /// <summary>Frame-to-publish latency, 99th percentile over the last interval, milliseconds.</summary>
    public double LatencyP99Ms { get; init; }

    /// <summary>CPU temperature in °C; null on boards that have no sensor.</summary>
    public double? CpuTemperatureC { get; init; }

    /// <summary>Firmware throttling conditions (Raspberry Pi): current and since boot; null where the board reports none.</summary>
    public IReadOnlyList<string>? Throttling { get; init; }

    /// <summary>Memory in use by the daemon (working set), MB.</summary>
    public double MemoryMb { get; init; }

    /// <summary>People counted as present now (entered, not yet exited).</summary>
    public int PeoplePresent { get; init; }

    /// <summary>The publisher's counters; set by <see cref="MqttPublisher"/> when it sends the heartbeat.</summary>
    public MessagingCounters? Messaging { get; init; }
}
