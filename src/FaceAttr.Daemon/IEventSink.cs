using FaceAttr.Capture;
using FaceAttr.Core.Events;

namespace FaceAttr.Daemon;

/// <summary>Where the pipeline's output goes: the MQTT publisher in the daemon, a list in tests.</summary>
public interface IEventSink
{
    /// <summary>Publishes (or queues) one event; must not block the pipeline.</summary>
    void Publish(TrackEvent trackEvent);

    /// <summary>Reports a change of the frame source (camera lost, back, restarting) for the status topic.</summary>
    void ReportSource(SourceState state);
}
