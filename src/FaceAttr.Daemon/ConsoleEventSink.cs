using System.Text.Json;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Events;

namespace FaceAttr.Daemon;

/// <summary>Prints each event as one JSON line on stdout — what the zero-config demo shows a newcomer.</summary>
public sealed class ConsoleEventSink : IEventSink
{
    /// <inheritdoc />
    public ValueTask PublishAsync(TrackEvent trackEvent, CancellationToken cancellationToken)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(trackEvent, EventJson.Options));
        return ValueTask.CompletedTask;
    }
}

/// <summary>JSON settings of event payloads: the manifest's snake_case conventions, compact.</summary>
public static class EventJson
{
    /// <summary>Serializer options for events.</summary>
    public static readonly JsonSerializerOptions Options = new(ManifestSerializer.Options) { WriteIndented = false };
}
