using FaceAttr.Messaging;
using FaceAttr.Messaging.Tests;
using Xunit.Abstractions;

namespace FaceAttr.Client.Tests;

public class ReconnectTests(ITestOutputHelper output) : ClientTest(output)
{
    protected override bool BrokerPersistence => true;

    [Fact]
    public async Task The_client_reconnects_after_a_broker_restart_and_with_a_session_misses_nothing()
    {
        var options = ClientOptions();
        options.ClientId = "kiosk-app";
        options.SessionExpirySeconds = 300;
        var client = await StartClientAsync(options);
        var publisher = await StartPublisherAsync();
        for (var id = 1; id <= 20; id++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", id));
        }

        await ReadUntilAsync<TrackEventMessage>(client, 20);
        await Broker.StopAsync();
        for (var id = 21; id <= 40; id++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", id));
        }

        await Task.Delay(300);
        await Broker.StartAgainAsync();
        var read = await ReadUntilAsync<TrackEventMessage>(client, 20, m => m.Event.TrackId > 20);
        if (!read.Any(m => m is ConnectionMessage { Connected: true }))
        {
            // With a session the broker delivers the queued events at once; the "connected" notice may come after them.
            read.AddRange(await ReadUntilAsync<ConnectionMessage>(client, 1, m => m.Connected));
        }

        Assert.Contains(read, m => m is ConnectionMessage { Connected: false });
        Assert.Contains(read, m => m is ConnectionMessage { Connected: true });
        var ids = read.OfType<TrackEventMessage>().Select(m => m.Event.TrackId).Where(i => i > 20).Distinct().ToList();
        Assert.Equal(Enumerable.Range(21, 20).Select(i => (long)i), ids);
        Assert.Equal(1, client.Reconnects);
        Output.WriteLine($"after the restart: 20 of 20 events received in order; client reconnects {client.Reconnects}, publisher reconnects {publisher.Reconnects}");
    }

    [Fact]
    public async Task The_last_will_reaches_the_client_and_clears_the_presence_board()
    {
        var proxy = Own(new TcpProxy(Broker.Port));
        var client = await StartClientAsync(ClientOptions());
        var publisher = await StartPublisherAsync(port: proxy.Port);
        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));
        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 2));
        var board = new PresenceBoard();
        foreach (var m in (await ReadUntilAsync<TrackEventMessage>(client, 2)).OfType<TrackEventMessage>())
        {
            board.Apply(m.Event);
        }

        Assert.Equal(2, board.People.Count);
        proxy.Refuse = true;
        proxy.KillConnections();
        var read = await ReadUntilAsync<StatusMessage>(client, 1, s => s.Status.State == ConnectionState.Offline);
        var will = read.OfType<StatusMessage>().Last();
        Assert.Equal(DeviceStatus.ReasonConnectionLost, will.Status.Reason);
        Assert.Equal(2, board.Apply(will.Status));
        Assert.Empty(board.People);
    }
}
