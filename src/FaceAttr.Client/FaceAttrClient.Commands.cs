using System.Text;
using System.Text.Json;
using FaceAttr.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Client;

/// <content>Request/response commands (MQTT 5 response topic + correlation data).</content>
public sealed partial class FaceAttrClient
{
    /// <summary>
    /// Sends <paramref name="verb"/> to a device (or, with <paramref name="fleetGroup"/>, to a fleet group — the first reply
    /// wins) and waits for its reply. Waits for the connection first. Error replies are returned, not thrown.
    /// </summary>
    /// <param name="device">Device id (ignored when <paramref name="fleetGroup"/> is set).</param>
    /// <param name="verb">Command verb, e.g. <c>ping</c>.</param>
    /// <param name="payload">Request object (serialised snake_case); null sends <c>{}</c>.</param>
    /// <param name="cancellationToken">Bounds the whole exchange; the device may never answer.</param>
    /// <param name="fleetGroup">Fleet group to address instead of one device.</param>
    /// <exception cref="ArgumentException">The device, group or verb is not a valid name.</exception>
    /// <exception cref="PayloadException">The reply is not a valid reply document.</exception>
    public async Task<CommandReply> SendCommandAsync(string device, string verb, object? payload, CancellationToken cancellationToken, string? fleetGroup = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var topic = fleetGroup is null
            ? new TopicLayout(_options.TopicPrefix, device).Command(verb)
            : new TopicLayout(_options.TopicPrefix, TopicLayout.AnyDevice).FleetCommand(fleetGroup, verb);
        var body = payload is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), PayloadSerializer.Options);
        var id = Guid.NewGuid().ToString("N");
        var pending = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingCommands[id] = pending;
        try
        {
            await WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(body)
                .WithContentType("application/json")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic($"{ReplyTopicRoot}/{verb}")
                .WithCorrelationData(Encoding.UTF8.GetBytes(id))
                .Build();
            await _clientGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _clientGate.Release();
            }

            return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pendingCommands.TryRemove(id, out _);
        }
    }
}
