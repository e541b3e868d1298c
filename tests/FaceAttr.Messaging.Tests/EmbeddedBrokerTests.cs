using System.Text.Json;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

public class EmbeddedBrokerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_zero_config_broker_carries_events_retained_status_and_the_last_will()
    {
        UnobservedTaskExceptions.Watch();
        var log = new TestLog(output);
        await using var broker = await EmbeddedBroker.StartAsync(0, log, CancellationToken.None);
        Assert.True(broker.Port > 0);

        var options = SampleEvents.Options(broker.Port);
        options.HomeAssistantDiscovery = true;
        await using (var publisher = new MqttPublisher(options, log))
        {
            publisher.Start();
            await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));
            await publisher.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

            // A subscriber arriving afterwards still gets the retained status and the discovery configs.
            await using var subscriber = await TestSubscriber.ConnectAsync(broker.Port, "faceattr/kiosk-1/#", "homeassistant/#");
            var retained = await subscriber.WaitUntilAsync(
                m => m.Any(x => x.Topic == "faceattr/kiosk-1/status") && m.Count(x => x.Topic.StartsWith("homeassistant/", StringComparison.Ordinal)) == 4,
                TimeSpan.FromSeconds(10),
                "retained status and 4 discovery configs");
            var status = retained.First(x => x.Topic == "faceattr/kiosk-1/status");
            Assert.True(status.Retain);
            SchemaValidator.AssertValid(SchemaValidator.Status, status.Payload);
            Assert.Equal(1, publisher.PublishedEvents);
        }

        await using var late = await TestSubscriber.ConnectAsync(broker.Port, "faceattr/kiosk-1/status");
        var offline = await late.WaitForCountAsync("faceattr/kiosk-1/status", 1, TimeSpan.FromSeconds(10));
        Assert.Equal("offline", JsonDocument.Parse(offline[0].Payload).RootElement.GetProperty("state").GetString());
        UnobservedTaskExceptions.AssertNone();
        log.AssertNoErrors();
    }

    [Fact]
    public async Task A_taken_port_is_reported()
    {
        await using var first = await EmbeddedBroker.StartAsync(0, null, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => EmbeddedBroker.StartAsync(first.Port, null, CancellationToken.None));
    }
}
