namespace FaceAttr.Messaging;

/// <summary>
/// Counters of an <see cref="MqttPublisher"/> since it started; a snapshot (<see cref="MqttPublisher.Counters"/>) and the
/// <c>messaging</c> part of every stats heartbeat.
/// </summary>
public sealed record MessagingCounters
{
    /// <summary>Queued messages (events, update progress) acknowledged by the broker.</summary>
    public long Published { get; init; }

    /// <summary>Messages waiting in the offline queue now (including one in flight).</summary>
    public long Queued { get; init; }

    /// <summary>Messages dropped: the oldest when the offline queue was full, those left at shutdown, and those the broker refused.</summary>
    public long Dropped { get; init; }

    /// <summary>Successful reconnects after the first connection.</summary>
    public long Reconnects { get; init; }

    /// <summary>Update events merged into a later one by the per-track rate limit.</summary>
    public long CoalescedUpdates { get; init; }

    /// <summary>Update events not sent because the allow-list removed everything they carried.</summary>
    public long FilteredUpdates { get; init; }

    /// <summary>Events refused before queueing because they could not be serialised (e.g. NaN numbers).</summary>
    public long InvalidEvents { get; init; }

    /// <summary>Stats heartbeats sent.</summary>
    public long StatsPublished { get; init; }

    /// <summary>Stats heartbeats not sent because the device was disconnected.</summary>
    public long StatsDropped { get; init; }

    /// <summary>Commands answered (ok or error).</summary>
    public long Commands { get; init; }

    /// <summary>Commands answered with an error (junk, unknown verb, handler failure, timeout).</summary>
    public long CommandErrors { get; init; }
}
