using System.Text;
using FaceAttr.Core.Events;
using FaceAttr.Messaging;

namespace FaceAttr.Daemon;

/// <summary>
/// Prints each event as one JSON line on stdout — what the zero-config demo shows a newcomer. The bytes
/// are exactly the MQTT payload (docs/schema/events.schema.json).
/// </summary>
public sealed class ConsoleEventSink : IEventSink
{
    /// <inheritdoc />
    public ValueTask PublishAsync(TrackEvent trackEvent, CancellationToken cancellationToken)
    {
        Console.Out.WriteLine(Encoding.UTF8.GetString(PayloadSerializer.SerializeEvent(trackEvent)));
        return ValueTask.CompletedTask;
    }
}
