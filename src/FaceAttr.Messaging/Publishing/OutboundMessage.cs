using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <summary>A serialised message waiting to be published: topic, UTF-8 JSON payload, QoS and retain flag.</summary>
internal sealed class OutboundMessage(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
{
    public string Topic { get; } = topic;

    public byte[] Payload { get; } = payload;

    public MqttQualityOfServiceLevel Qos { get; } = qos;

    public bool Retain { get; } = retain;

    public byte[]? CorrelationData { get; init; }

    public MqttApplicationMessage ToApplicationMessage()
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(Topic)
            .WithPayload(Payload)
            .WithQualityOfServiceLevel(Qos)
            .WithRetainFlag(Retain)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData);
        if (CorrelationData is not null)
        {
            builder.WithCorrelationData(CorrelationData);
        }

        return builder.Build();
    }
}
