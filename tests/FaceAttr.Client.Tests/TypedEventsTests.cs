using FaceAttr.Core.Events;
using FaceAttr.Messaging;
using FaceAttr.Messaging.Tests;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit.Abstractions;

namespace FaceAttr.Client.Tests;

public class TypedEventsTests(ITestOutputHelper output) : ClientTest(output)
{
    [Fact]
    public async Task The_client_receives_typed_events_and_status_from_a_publisher()
    {
        var client = await StartClientAsync(ClientOptions());
        var publisher = await StartPublisherAsync();
        var enter = SampleEvents.Enter("kiosk-1", 7);
        publisher.EnqueueEvent(enter);
        publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 7, ("expression", "surprised")));
        publisher.EnqueueEvent(SampleEvents.Exit("kiosk-1", 7));

        var read = await ReadUntilAsync<TrackEventMessage>(client, 3);
        var events = read.OfType<TrackEventMessage>().Select(m => m.Event).ToList();
        Assert.Equal([TrackEventKind.Enter, TrackEventKind.Update, TrackEventKind.Exit], events.Select(e => e.Kind));
        Assert.All(read.OfType<TrackEventMessage>(), m => Assert.Equal("kiosk-1", m.Device));
        var received = events[0];
        Assert.Equal(enter.TrackId, received.TrackId);
        Assert.Equal(enter.Timestamp, received.Timestamp);
        Assert.Equal(enter.Box, received.Box);
        Assert.Equal(enter.Pose, received.Pose);
        Assert.Equal(enter.Quality, received.Quality);
        Assert.Equal(34.5f, received.Attributes["age"].Value);
        Assert.Equal("female", received.Attributes["gender"].Label);
        Assert.Equal("yaw 41°", received.Attributes["eyewear"].UnknownReason);
        Assert.Equal("surprised", events[1].Attributes["expression"].Label);

        var status = Assert.Single(read.OfType<StatusMessage>());
        Assert.Equal(ConnectionState.Online, status.Status.State);
        Assert.Contains(read, m => m is ConnectionMessage { Connected: true });
        Assert.Equal(0, client.RejectedPayloads);
        Output.WriteLine($"typed: {events.Count} events, {read.OfType<StatusMessage>().Count()} status, {read.Count} messages in all");
    }

    [Fact]
    public async Task Gaps_in_seq_are_counted_and_repeats_are_held_back()
    {
        var client = await StartClientAsync(ClientOptions());
        using var raw = new MqttClientFactory().CreateMqttClient();
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(MosquittoBroker.Host, Broker.Port).WithClientId("raw-seq").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        foreach (var (seq, track) in new[] { (1L, 1L), (2L, 2L), (2L, 2L), (5L, 3L), (1L, 4L), (2L, 5L) }) // a repeat, a gap of 2, then a daemon restart
        {
            var payload = PayloadSerializer.SerializeEvent(SampleEvents.Enter("kiosk-1", track) with { Seq = seq });
            await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("faceattr/kiosk-1/events").WithPayload(payload)
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var read = await ReadUntilAsync<TrackEventMessage>(client, 5);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], read.OfType<TrackEventMessage>().Select(m => m.Event.TrackId));
        Assert.Equal(2, client.Sequence.Missed);
        Assert.Equal(1, client.Sequence.Duplicates);
    }

    [Fact]
    public async Task Newer_schema_versions_and_junk_become_error_messages_and_the_stream_goes_on()
    {
        var client = await StartClientAsync(ClientOptions());
        using var raw = new MqttClientFactory().CreateMqttClient();
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(MosquittoBroker.Host, Broker.Port).WithClientId("raw").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        string[] payloads =
        [
            """{"schema_version":2,"kind":"enter","device":"kiosk-1","track_id":1,"timestamp":"2025-01-01T00:00:00Z","attributes":{},"gaze":{"x":1}}""",
            "not json at all",
            """{"schema_version":1,"kind":"teleport","device":"kiosk-1","track_id":1,"timestamp":"2025-01-01T00:00:00Z","attributes":{}}""",
            System.Text.Encoding.UTF8.GetString(PayloadSerializer.SerializeEvent(SampleEvents.Enter("kiosk-1", 9))),
        ];
        foreach (var payload in payloads)
        {
            await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("faceattr/kiosk-1/events").WithPayload(payload)
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var read = await ReadUntilAsync<TrackEventMessage>(client, 1);
        var errors = read.OfType<PayloadErrorMessage>().ToList();
        Assert.Equal(3, errors.Count);
        Assert.True(errors[0].IsNewerSchema);
        Assert.Equal(2, errors[0].SchemaVersion);
        Assert.Contains("schema_version 2, newer than 1", errors[0].Reason, StringComparison.Ordinal);
        Assert.False(errors[1].IsNewerSchema);
        Assert.False(errors[2].IsNewerSchema);
        Assert.Equal(9, read.OfType<TrackEventMessage>().Single().Event.TrackId);
        Assert.Equal(3, client.RejectedPayloads);
        Output.WriteLine(string.Join("\n", errors.Select(e => e.Reason)));
        await raw.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
    }

    [Fact]
    public async Task One_device_or_every_device()
    {
        var one = await StartClientAsync(ClientOptions("kiosk-1"));
        var all = await StartClientAsync(ClientOptions(TopicLayout.AnyDevice));
        var first = await StartPublisherAsync("kiosk-1");
        var second = await StartPublisherAsync("kiosk-2");
        second.EnqueueEvent(SampleEvents.Enter("kiosk-2", 1));
        await second.FlushAsync(new CancellationTokenSource(Patience).Token);
        first.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));

        var fromAll = await ReadUntilAsync<TrackEventMessage>(all, 2);
        Assert.Equal(["kiosk-2", "kiosk-1"], fromAll.OfType<TrackEventMessage>().Select(m => m.Device));
        var fromOne = await ReadUntilAsync<TrackEventMessage>(one, 1);
        Assert.All(fromOne.OfType<TrackEventMessage>(), m => Assert.Equal("kiosk-1", m.Device));
        Assert.DoesNotContain(fromOne, m => m.Device == "kiosk-2");
    }

    [Fact]
    public async Task Commands_go_out_with_a_response_topic_and_replies_come_back_typed()
    {
        var client = await StartClientAsync(ClientOptions());
        var publisher = await StartPublisherAsync();
        publisher.Commands.Register("greet", (p, _) => ValueTask.FromResult<object?>(new { Greeting = "hello " + p.GetProperty("name").GetString() }));
        using var timeout = new CancellationTokenSource(Patience);

        var ping = await client.SendCommandAsync("kiosk-1", "ping", null, timeout.Token);
        Assert.True(ping.Ok);
        Assert.True(ping.Result!.Value.GetProperty("pong").GetBoolean());

        var greet = await client.SendCommandAsync("kiosk-1", "greet", new { Name = "kiosk" }, timeout.Token);
        Assert.Equal("hello kiosk", greet.Result!.Value.GetProperty("greeting").GetString());

        var unknown = await client.SendCommandAsync("kiosk-1", "self-destruct", null, timeout.Token);
        Assert.False(unknown.Ok);
        Assert.Equal(CommandErrorCodes.UnknownVerb, unknown.Error!.Code);
        Assert.Equal(3, publisher.Counters.Commands);
    }
}
