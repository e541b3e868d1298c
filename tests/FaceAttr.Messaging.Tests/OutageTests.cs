using System.Text.Json;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

/// <summary>
/// The broker is stopped mid-stream and started again. Its persistence keeps the subscriber's session, so what the
/// subscriber receives is exactly what the publisher delivered: the count and order tell whether QoS 1 events were lost.
/// </summary>
public class OutageTests(ITestOutputHelper output) : BrokerTest(output)
{
    private const string Events = "faceattr/kiosk-1/events";

    protected override bool BrokerPersistence => true;

    [Fact]
    public async Task Broker_restart_within_the_queue_bound_loses_no_event_and_keeps_the_order()
    {
        var result = await RunOutageAsync(capacity: 500, before: 100, during: 200, after: 100);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), result.Distinct);
        Assert.Equal(0, result.Dropped);
        Assert.Equal(1, result.Reconnects);
        Output.WriteLine($"within bound: sent 400 (200 during the outage), received {result.Received} ({result.Distinct.Count} distinct, {result.Duplicates} duplicates), dropped {result.Dropped}, outage {result.OutageMs} ms");
    }

    [Fact]
    public async Task Broker_killed_mid_stream_while_events_flow_loses_nothing_within_the_bound()
    {
        var subscriber = Own(await TestSubscriber.ConnectAsync(Broker.Port, "kiosk-app", persistentSession: true, Events));
        var options = SampleEvents.Options(Broker.Port);
        options.OfflineQueueCapacity = 1000;
        var publisher = await StartPublisherAsync(options);
        const int total = 600;

        // A producer at ~500 events/s, like a busy pipeline; the broker dies and comes back under it.
        var producer = Task.Run(async () =>
        {
            for (var id = 1; id <= total; id++)
            {
                publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", id));
                await Task.Delay(2);
            }
        });
        await Task.Delay(300);
        await Broker.StopAsync();
        var maxQueued = 0L;
        for (var i = 0; i < 25; i++)
        {
            await Task.Delay(20);
            maxQueued = Math.Max(maxQueued, publisher.QueuedEvents);
        }

        await Broker.StartAgainAsync();
        await producer;
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        await subscriber.WaitUntilAsync(
            m => m.Where(x => x.Topic == Events).Select(TrackId).Distinct().Count() >= total, Patience, $"{total} distinct events");
        var ids = subscriber.On(Events).Select(TrackId).ToList();
        var distinct = ids.Distinct().ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), distinct);
        Assert.Equal(0, publisher.DroppedEvents);
        Assert.True(publisher.Reconnects >= 1);
        Assert.True(maxQueued > 0, "the outage should have queued events");
        Output.WriteLine($"mid-stream: sent {total}, received {ids.Count} ({distinct.Count} distinct, in order, {ids.Count - distinct.Count} duplicates), dropped {publisher.DroppedEvents}, peak queue {maxQueued}, reconnects {publisher.Reconnects}");
    }

    [Fact]
    public async Task Beyond_the_bound_the_oldest_are_dropped_and_counted()
    {
        var result = await RunOutageAsync(capacity: 50, before: 20, during: 80, after: 20);
        var expected = Enumerable.Range(1, 20).Concat(Enumerable.Range(51, 50)).Concat(Enumerable.Range(101, 20)).Select(i => (long)i);
        Assert.Equal(expected, result.Distinct);
        Assert.Equal(30, result.Dropped);
        Output.WriteLine($"beyond bound: sent 120 (80 during the outage into a queue of 50), received {result.Received} ({result.Distinct.Count} distinct), dropped {result.Dropped} (ids 21–50, the oldest)");
    }

    private async Task<OutageResult> RunOutageAsync(int capacity, int before, int during, int after)
    {
        var subscriber = Own(await TestSubscriber.ConnectAsync(Broker.Port, "kiosk-app", persistentSession: true, Events));
        var options = SampleEvents.Options(Broker.Port);
        options.OfflineQueueCapacity = capacity;
        var publisher = await StartPublisherAsync(options);
        var id = 0L;

        for (var i = 0; i < before; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", ++id));
        }

        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        var stoppedAt = DateTime.UtcNow;
        await Broker.StopAsync();
        await WaitUntilAsync(() => !publisher.IsConnected, "the publisher to notice the outage");

        for (var i = 0; i < during; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", ++id));
        }

        Assert.Equal(Math.Min(during, capacity), publisher.QueuedEvents);
        await Task.Delay(300);
        await Broker.StartAgainAsync();
        var outage = DateTime.UtcNow - stoppedAt;
        await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(Patience).Token);

        // Let the backlog drain first: events added while the queue is still full would push out more of the backlog.
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        for (var i = 0; i < after; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", ++id));
        }

        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        var expected = before + Math.Min(during, capacity) + after;
        try
        {
            await subscriber.WaitUntilAsync(
                m => m.Where(x => x.Topic == Events).Select(TrackId).Distinct().Count() >= expected, Patience, $"{expected} distinct events");
        }
        catch (TimeoutException)
        {
            Output.WriteLine("received ids: " + string.Join(",", subscriber.On(Events).Select(TrackId)));
            Output.WriteLine(Broker.ReadLog());
            throw;
        }

        await Task.Delay(200);
        var ids = subscriber.On(Events).Select(TrackId).ToList();

        // QoS 1 is at-least-once: a message in flight when the broker went down may come twice. Order is judged on first arrivals.
        var distinct = ids.Distinct().ToList();
        Assert.Equal(distinct.Order().ToList(), distinct);
        return new OutageResult(ids.Count, distinct, ids.Count - distinct.Count, publisher.DroppedEvents, publisher.Reconnects, (long)outage.TotalMilliseconds);
    }

    private static long TrackId(ReceivedMessage message) =>
        JsonDocument.Parse(message.Payload).RootElement.GetProperty("track_id").GetInt64();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    private sealed record OutageResult(int Received, List<long> Distinct, int Duplicates, long Dropped, long Reconnects, long OutageMs);
}
