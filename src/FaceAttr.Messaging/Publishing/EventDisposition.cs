namespace FaceAttr.Messaging;

/// <summary>What <see cref="MqttPublisher.EnqueueEvent"/> did with an event.</summary>
public enum EventDisposition
{
    /// <summary>Serialised and queued for publishing (it may still be dropped later if the queue overflows during an outage).</summary>
    Queued,

    /// <summary>An update that came too soon after the track's last one; merged into a pending update sent when the interval has passed.</summary>
    Held,

    /// <summary>An update that carried only heads the allow-list removes; nothing to send.</summary>
    Filtered,

    /// <summary>The event could not be serialised (NaN or infinite numbers, a null required field); counted and logged.</summary>
    Invalid,

    /// <summary>The publisher is stopping or stopped.</summary>
    Rejected,
}
