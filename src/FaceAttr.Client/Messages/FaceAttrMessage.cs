using FaceAttr.Core.Events;
using FaceAttr.Messaging;

namespace FaceAttr.Client;

/// <summary>Something a <see cref="FaceAttrClient"/> received or noticed; switch on the concrete type.</summary>
/// <param name="Device">The device it concerns (from the topic); empty for connection changes.</param>
/// <param name="ReceivedAt">When the client received it (UTC).</param>
public abstract record FaceAttrMessage(string Device, DateTimeOffset ReceivedAt);

/// <summary>A track event (enter / update / exit) that passed the schema-version check.</summary>
public sealed record TrackEventMessage(string Device, DateTimeOffset ReceivedAt, TrackEvent Event) : FaceAttrMessage(Device, ReceivedAt);

/// <summary>A device status: online, or offline with a reason (the last will says <c>connection_lost</c>).</summary>
public sealed record StatusMessage(string Device, DateTimeOffset ReceivedAt, DeviceStatus Status) : FaceAttrMessage(Device, ReceivedAt);

/// <summary>A stats heartbeat (only with <see cref="FaceAttrClientOptions.SubscribeStats"/>).</summary>
public sealed record StatsMessage(string Device, DateTimeOffset ReceivedAt, DeviceStats Stats) : FaceAttrMessage(Device, ReceivedAt);

/// <summary>Model update progress (only with <see cref="FaceAttrClientOptions.SubscribeUpdates"/>).</summary>
public sealed record UpdateMessage(string Device, DateTimeOffset ReceivedAt, UpdateProgress Update) : FaceAttrMessage(Device, ReceivedAt);

/// <summary>
/// A payload the client refused: junk, a missing field, or a schema version newer than this library reads
/// (<see cref="IsNewerSchema"/>; update the FaceAttr.Client package). The message is dropped; the stream goes on.
/// </summary>
/// <param name="Device">Device from the topic.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="Reason">What is wrong, for people.</param>
/// <param name="IsNewerSchema">True when only the schema version was too new.</param>
/// <param name="SchemaVersion">The payload's schema version, when readable.</param>
public sealed record PayloadErrorMessage(string Device, DateTimeOffset ReceivedAt, string Topic, string Reason, bool IsNewerSchema, int? SchemaVersion)
    : FaceAttrMessage(Device, ReceivedAt);

/// <summary>The client's own connection to the broker came up or went down.</summary>
/// <param name="ReceivedAt">When it changed.</param>
/// <param name="Connected">True when connected.</param>
/// <param name="Detail">Why it went down, when known.</param>
public sealed record ConnectionMessage(DateTimeOffset ReceivedAt, bool Connected, string? Detail) : FaceAttrMessage(string.Empty, ReceivedAt);
