using System.Text.Json.Serialization;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Core.Events;

/// <summary>What happened to a tracked person.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackEventKind>))]
public enum TrackEventKind
{
    /// <summary>A person has been seen long enough to count (after the minimum dwell).</summary>
    [JsonStringEnumMemberName("enter")] Enter,

    /// <summary>Fused attributes of a present person changed.</summary>
    [JsonStringEnumMemberName("update")] Update,

    /// <summary>The person has not been seen for the exit timeout.</summary>
    [JsonStringEnumMemberName("exit")] Exit,

    /// <summary>
    /// Not a person: an installer pressed the device's test button (or asked for one), so the path from the kiosk to
    /// its subscribers can be checked. Track id 0, no attributes; kiosk applications ignore it.
    /// </summary>
    [JsonStringEnumMemberName("test")] Test,
}

/// <summary>
/// One event on <c>faceattr/{device}/events</c>. Updates carry only the attributes that changed; enter
/// carries all of them; exit carries the last fused values. No image bytes, ever.
/// </summary>
public sealed record TrackEvent
{
    /// <summary>Payload schema version (docs/schema/events.schema.json).</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this payload.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Event kind.</summary>
    public required TrackEventKind Kind { get; init; }

    /// <summary>Device that saw the person.</summary>
    public required string Device { get; init; }

    /// <summary>
    /// Publish sequence number: 1, 2, 3… per daemon run over every event the device publishes, assigned when the event is
    /// queued, so a subscriber can see a gap (a lost event) or a duplicate (QoS 1 redelivery). 0 until published.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Seq { get; init; }

    /// <summary>Track id, stable while the person stays in view; unique per daemon run.</summary>
    public required long TrackId { get; init; }

    /// <summary>When the event was produced (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Seconds since the track started.</summary>
    public double DwellSeconds { get; init; }

    /// <summary>Latest face box in frame pixels.</summary>
    public BoxF? Box { get; init; }

    /// <summary>Latest head pose.</summary>
    public HeadPose? Pose { get; init; }

    /// <summary>Latest face quality.</summary>
    public FaceQuality? Quality { get; init; }

    /// <summary>Fused attributes by head (for updates: only the changed ones).</summary>
    public required IReadOnlyDictionary<string, AttributeValue> Attributes { get; init; }
}
