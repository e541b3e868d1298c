using FaceAttr.Messaging;
using FaceAttr.Messaging.Tests;
using Xunit.Abstractions;

namespace FaceAttr.Client.Tests;

public class EmbeddedBrokerClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Zero_config_publisher_embedded_broker_and_client_work_together()
    {
        UnobservedTaskExceptions.Watch();
        var log = new TestLog(output);
        await using var broker = await EmbeddedBroker.StartAsync(0, log, CancellationToken.None);
        await using var publisher = new MqttPublisher(SampleEvents.Options(broker.Port), log);
        publisher.Start();
        await using var client = new FaceAttrClient(new FaceAttrClientOptions { Host = EmbeddedBroker.Host, Port = broker.Port, Device = "kiosk-1" });
        client.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.WaitUntilConnectedAsync(timeout.Token);
        await publisher.WaitUntilConnectedAsync(timeout.Token);
        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));

        TrackEventMessage? received = null;
        while (received is null)
        {
            received = await client.Messages.ReadAsync(timeout.Token) as TrackEventMessage;
        }

        Assert.Equal(1, received.Event.TrackId);
        var ping = await client.SendCommandAsync("kiosk-1", "ping", null, timeout.Token);
        Assert.True(ping.Ok);
        UnobservedTaskExceptions.AssertNone();
        log.AssertNoErrors();
    }
}
