using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

public class CommandTests(ITestOutputHelper output) : BrokerTest(output)
{
    private const string Replies = "test/replies";

    [Fact]
    public async Task Requests_get_replies_on_their_response_topic_with_their_correlation_data_junk_included()
    {
        ErrorsExpected = true; // The crashing handler below logs an error on purpose.
        var options = SampleEvents.Options(Broker.Port);
        options.FleetGroups = ["lobby"];
        options.CommandTimeoutSeconds = 1;
        var publisher = await StartPublisherAsync(options);
        publisher.Commands.Register("crash", (_, _) => throw new InvalidOperationException("boom"));
        publisher.Commands.Register("slow", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });

        var replies = await SubscribeAsync(Replies + "/#", "faceattr/kiosk-1/cmd/+/reply");
        using var requester = new MqttClientFactory().CreateMqttClient();
        await requester.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(MosquittoBroker.Host, Broker.Port)
            .WithClientId("requester")
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build());

        (string Topic, byte[] Payload, string Expected)[] requests =
        [
            ("faceattr/kiosk-1/cmd/ping", "{}"u8.ToArray(), "ok"),
            ("faceattr/kiosk-1/cmd/ping", [], "ok"),
            ("faceattr/fleet/lobby/cmd/ping", "{}"u8.ToArray(), "ok"),
            ("faceattr/kiosk-1/cmd/ping", [0xff, 0xfe, 0x00, 0x41, 0x7b], CommandErrorCodes.InvalidJson),
            ("faceattr/kiosk-1/cmd/ping", "{\"unterminated\": "u8.ToArray(), CommandErrorCodes.InvalidJson),
            ("faceattr/kiosk-1/cmd/ping", "[1,2,3]"u8.ToArray(), CommandErrorCodes.InvalidPayload),
            ("faceattr/kiosk-1/cmd/self-destruct", "{}"u8.ToArray(), CommandErrorCodes.UnknownVerb),
            ("faceattr/kiosk-1/cmd/DROP TABLE", "{}"u8.ToArray(), CommandErrorCodes.UnknownVerb),
            ("faceattr/kiosk-1/cmd/crash", "{}"u8.ToArray(), CommandErrorCodes.HandlerFailed),
            ("faceattr/kiosk-1/cmd/slow", "{}"u8.ToArray(), CommandErrorCodes.Timeout),
            ("faceattr/kiosk-1/cmd/ping", new byte[CommandRouter.MaxPayloadBytes + 10], CommandErrorCodes.InvalidPayload),
        ];
        for (var i = 0; i < requests.Length; i++)
        {
            await requester.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(requests[i].Topic)
                .WithPayload(requests[i].Payload)
                .WithResponseTopic($"{Replies}/{i}")
                .WithCorrelationData(Encoding.UTF8.GetBytes($"corr-{i}"))
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
        }

        // An MQTT 3.1.1-style request without a response topic is answered beside it.
        await requester.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("faceattr/kiosk-1/cmd/ping").WithPayload("{}").Build());

        var all = await replies.WaitUntilAsync(m => m.Count >= requests.Length + 1, TimeSpan.FromSeconds(15), $"{requests.Length + 1} replies");
        for (var i = 0; i < requests.Length; i++)
        {
            var reply = Assert.Single(all, m => m.Topic == $"{Replies}/{i}");
            Assert.Equal($"corr-{i}", Encoding.UTF8.GetString(reply.CorrelationData!));
            SchemaValidator.AssertValid(SchemaValidator.CommandReply, reply.Payload);
            var root = JsonDocument.Parse(reply.Payload).RootElement;
            var outcome = root.GetProperty("ok").GetBoolean() ? "ok" : root.GetProperty("error").GetProperty("code").GetString();
            Assert.True(requests[i].Expected == outcome, $"request {i} on {requests[i].Topic}: expected {requests[i].Expected}, got {reply.Text}");
        }

        var fallback = Assert.Single(all, m => m.Topic == "faceattr/kiosk-1/cmd/ping/reply");
        Assert.True(JsonDocument.Parse(fallback.Payload).RootElement.GetProperty("ok").GetBoolean());

        // The daemon is still up and publishing after all that.
        Assert.True(publisher.IsConnected);
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1)));
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(1, publisher.PublishedEvents);
        Assert.Equal(12, publisher.Counters.Commands);
        Assert.Equal(8, publisher.Counters.CommandErrors);
        Assert.Equal(7, Log.At(MessagingLogLevel.Warning).Count(l => l.Contains("refused", StringComparison.Ordinal)));
        Assert.Single(Log.At(MessagingLogLevel.Error));
        Output.WriteLine($"{publisher.Counters.Commands} requests answered, {publisher.Counters.CommandErrors} with an error reply; publisher still connected");
        await requester.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
    }
}
