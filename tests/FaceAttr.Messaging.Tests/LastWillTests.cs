using System.Text.Json;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

public class LastWillTests(ITestOutputHelper output) : BrokerTest(output)
{
    [Fact]
    public async Task Retained_status_is_online_then_the_last_will_says_offline_when_the_connection_dies_then_online_again()
    {
        // The publisher reaches mosquitto through a TCP proxy; resetting the proxied connections is what a crashed
        // daemon or a pulled cable looks like to the broker: no DISCONNECT packet, just a dead socket.
        var proxy = Own(new TcpProxy(Broker.Port));
        var options = SampleEvents.Options(proxy.Port);
        var publisher = await StartPublisherAsync(options);

        // A subscriber arriving later still sees the retained online status.
        var subscriber = await SubscribeAsync("faceattr/kiosk-1/status");
        var first = await subscriber.WaitForCountAsync("faceattr/kiosk-1/status", 1, Patience);
        Assert.True(first[0].Retain);
        Assert.Equal("online", State(first[0]));
        SchemaValidator.AssertValid(SchemaValidator.Status, first[0].Payload);

        var killedAt = DateTime.UtcNow;
        proxy.KillConnections();
        var will = await subscriber.WaitUntilAsync(m => m.Any(x => State(x) == "offline"), Patience, "the last will");
        var offline = will.First(x => State(x) == "offline");
        var latency = offline.ReceivedAt - killedAt;
        SchemaValidator.AssertValid(SchemaValidator.Status, offline.Payload);
        Assert.Equal("connection_lost", JsonDocument.Parse(offline.Payload).RootElement.GetProperty("reason").GetString());

        // The reconnect loop brings it back: online again, counted as a reconnect.
        await subscriber.WaitUntilAsync(m => m.SkipWhile(x => State(x) != "offline").Any(x => State(x) == "online"), Patience, "online again");
        await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(1, publisher.Reconnects);
        Assert.Equal(2, proxy.Connections);

        // A late subscriber sees the retained truth: online.
        var late = await SubscribeAsync("faceattr/kiosk-1/status");
        var retained = await late.WaitForCountAsync("faceattr/kiosk-1/status", 1, Patience);
        Assert.Equal("online", State(retained[0]));
        Output.WriteLine($"will arrived {latency.TotalMilliseconds:F0} ms after the connection was reset; reconnects {publisher.Reconnects}");
    }

    [Fact]
    public async Task A_device_that_stays_cut_off_is_offline_for_later_subscribers_until_it_returns()
    {
        var proxy = Own(new TcpProxy(Broker.Port));
        var publisher = await StartPublisherAsync(SampleEvents.Options(proxy.Port));
        var watcher = await SubscribeAsync("faceattr/kiosk-1/status");
        proxy.Refuse = true;
        proxy.KillConnections();
        await watcher.WaitUntilAsync(m => m.Any(x => State(x) == "offline"), Patience, "the last will");

        var late = await SubscribeAsync("faceattr/kiosk-1/status");
        var retained = await late.WaitForCountAsync("faceattr/kiosk-1/status", 1, Patience);
        Assert.True(retained[0].Retain);
        Assert.Equal("offline", State(retained[0]));
        Assert.False(publisher.IsConnected);

        // Events produced while cut off wait in the queue and go out when the device is back.
        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));
        proxy.Refuse = false;
        await late.WaitUntilAsync(m => m.Any(x => State(x) == "online"), Patience, "online after the cut");
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(1, publisher.PublishedEvents);
        Assert.Equal(1, publisher.Reconnects);
    }

    private static string? State(ReceivedMessage message) =>
        JsonDocument.Parse(message.Payload).RootElement.GetProperty("state").GetString();
}
