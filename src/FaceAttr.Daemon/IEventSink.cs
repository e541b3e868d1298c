using FaceAttr.Core.Events;

namespace FaceAttr.Daemon;

/// <summary>Where the pipeline's track events go: MQTT in production, the console in the demo, a list in tests.</summary>
public interface IEventSink
{
    /// <summary>Publishes (or queues) one event; must not block the pipeline for long.</summary>
    ValueTask PublishAsync(TrackEvent trackEvent, CancellationToken cancellationToken);
}
