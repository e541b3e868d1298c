using System.Buffers;
using System.Text;
using FaceAttr.Messaging;
using MQTTnet;

namespace FaceAttr.Client;

/// <content>Turning received payloads into typed messages.</content>
public sealed partial class FaceAttrClient
{
    private Task OnApplicationMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var topic = message.Topic;
        var payload = message.Payload.IsSingleSegment ? message.Payload.FirstSpan : message.Payload.ToArray();
        if (topic.StartsWith(ReplyTopicRoot + "/", StringComparison.Ordinal))
        {
            CompleteCommand(message.CorrelationData, payload);
            return Task.CompletedTask;
        }

        if (!TrySplit(topic, out var device, out var kind))
        {
            return Task.CompletedTask;
        }

        var now = _time.GetUtcNow();
        FaceAttrMessage? typed = null;
        PayloadException? error = null;
        switch (kind)
        {
            case "events":
                if (PayloadSerializer.TryDeserializeEvent(payload, out var trackEvent, out error))
                {
                    if (Sequence.Check(device, trackEvent!) == SequenceVerdict.Duplicate)
                    {
                        return Task.CompletedTask; // a QoS 1 redelivery of an event already passed on
                    }

                    typed = new TrackEventMessage(device, now, trackEvent!);
                }

                break;
            case "status":
                if (payload.IsEmpty)
                {
                    return Task.CompletedTask; // A cleared retained status.
                }

                if (PayloadSerializer.TryDeserializeStatus(payload, out var status, out error))
                {
                    typed = new StatusMessage(device, now, status!);
                }

                break;
            case "stats":
                if (PayloadSerializer.TryDeserializeStats(payload, out var stats, out error))
                {
                    typed = new StatsMessage(device, now, stats!);
                }

                break;
            case "update":
                if (PayloadSerializer.TryDeserializeUpdate(payload, out var update, out error))
                {
                    typed = new UpdateMessage(device, now, update!);
                }

                break;
            default:
                return Task.CompletedTask;
        }

        if (typed is null)
        {
            Interlocked.Increment(ref _rejected);
            typed = new PayloadErrorMessage(device, now, topic, error?.Message ?? "unreadable payload", error?.IsNewerSchema == true, error?.SchemaVersion);
        }

        Post(typed);
        return Task.CompletedTask;
    }

    /// <summary>Splits <c>{prefix}/{device}/{kind}</c>; false for any other shape.</summary>
    private bool TrySplit(string topic, out string device, out string kind)
    {
        device = kind = string.Empty;
        var root = _options.TopicPrefix + "/";
        if (!topic.StartsWith(root, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(root.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || rest[(slash + 1)..].Contains('/'))
        {
            return false;
        }

        device = rest[..slash].ToString();
        kind = rest[(slash + 1)..].ToString();
        return true;
    }

    private void CompleteCommand(byte[]? correlationData, ReadOnlySpan<byte> payload)
    {
        if (correlationData is null)
        {
            return;
        }

        var id = Encoding.UTF8.GetString(correlationData);
        if (!_pendingCommands.TryRemove(id, out var pending))
        {
            return;
        }

        if (PayloadSerializer.TryDeserializeReply(payload, out var reply, out var error))
        {
            pending.TrySetResult(reply!);
        }
        else
        {
            pending.TrySetException(error!);
        }
    }
}
