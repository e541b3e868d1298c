using System.Text.Json;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

public class PublisherEventsTests(ITestOutputHelper output) : BrokerTest(output)
{
    [Fact]
    public async Task Events_carry_seq_1_2_3_in_publish_order_including_a_held_update()
    {
        var subscriber = await SubscribeAsync("faceattr/kiosk-1/events");
        var options = SampleEvents.Options(Broker.Port);
        options.UpdateMinIntervalSeconds = 0.3;
        var publisher = await StartPublisherAsync(options);

        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1)));
        Assert.Equal(EventDisposition.Held, publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("expression", "calm"))));
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 2)));
        var all = await subscriber.WaitForCountAsync("faceattr/kiosk-1/events", 3, Patience);

        var received = all.Select(m => System.Text.Json.JsonDocument.Parse(m.Payload).RootElement)
            .Select(e => (Seq: e.GetProperty("seq").GetInt64(), Kind: e.GetProperty("kind").GetString(), Track: e.GetProperty("track_id").GetInt64()))
            .ToList();
        Assert.Equal([(1L, "enter", 1L), (2L, "enter", 2L), (3L, "update", 1L)], received);
    }

    [Fact]
    public async Task Events_status_stats_and_update_arrive_schema_valid_at_a_subscriber()
    {
        var subscriber = await SubscribeAsync("faceattr/kiosk-1/#");
        var publisher = await StartPublisherAsync(SampleEvents.Options(Broker.Port));
        publisher.UpdateStatus(new DeviceStatus
        {
            Device = "kiosk-1",
            Versions = new Dictionary<string, string> { ["daemon"] = "0.1.0" },
            Models = [new ModelInfo { Id = "blazeface-front", Role = "detector", Sha256 = new string('0', 64) }],
        });
        publisher.UpdateCameraStatus(new CameraStatus { State = CameraState.Unavailable, Source = "v4l2:/dev/video9", Detail = "no such device", Restarts = 2 });

        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1)));
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("expression", "calm"))));
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Exit("kiosk-1", 1)));
        Assert.True(publisher.EnqueueUpdateProgress(new UpdateProgress { Device = "kiosk-1", Timestamp = SampleEvents.T0, Bundle = "b1", State = UpdateState.Succeeded }));
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        Assert.True(publisher.EnqueueStats(new DeviceStats { Device = "kiosk-1", Timestamp = SampleEvents.T0, FpsIn = 5, FpsProcessed = 5, PeoplePresent = 1, MemoryMb = 120 }));

        var all = await subscriber.WaitUntilAsync(
            m => m.Count(x => x.Topic.EndsWith("/events", StringComparison.Ordinal)) >= 3
                && m.Any(x => x.Topic.EndsWith("/stats", StringComparison.Ordinal))
                && m.Any(x => x.Topic.EndsWith("/update", StringComparison.Ordinal))
                && m.Any(x => x.Topic.EndsWith("/status", StringComparison.Ordinal) && x.Text.Contains("camera_unavailable", StringComparison.Ordinal)),
            Patience,
            "events, stats, update and the camera status");

        foreach (var message in all)
        {
            SchemaValidator.AssertValid(SchemaValidator.ForTopic(message.Topic), message.Payload);
        }

        var kinds = subscriber.On("faceattr/kiosk-1/events").Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("kind").GetString());
        Assert.Equal(["enter", "update", "exit"], kinds);
        var stats = JsonDocument.Parse(subscriber.On("faceattr/kiosk-1/stats")[0].Payload).RootElement;
        Assert.Equal(4, stats.GetProperty("messaging").GetProperty("published").GetInt64());
        Assert.Equal(4, publisher.PublishedEvents);
        Assert.Equal(0, publisher.DroppedEvents);
        Output.WriteLine($"received {all.Count} schema-valid messages; counters {publisher.Counters}");
    }

    [Fact]
    public async Task The_allow_list_removes_gender_and_age_before_anything_is_sent()
    {
        var subscriber = await SubscribeAsync("faceattr/kiosk-1/events");
        var options = SampleEvents.Options(Broker.Port);
        options.AllowedAttributes = ["expression", "smile", "eyewear"];
        var publisher = await StartPublisherAsync(options);

        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1)));
        Assert.Equal(EventDisposition.Filtered, publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("gender", "male"))));
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("age", "40-49"), ("expression", "sad"))));
        Assert.Equal(EventDisposition.Queued, publisher.EnqueueEvent(SampleEvents.Exit("kiosk-1", 1)));

        var events = await subscriber.WaitForCountAsync("faceattr/kiosk-1/events", 3, Patience);
        await Task.Delay(200);
        Assert.Equal(3, subscriber.On("faceattr/kiosk-1/events").Count);
        foreach (var message in events)
        {
            Assert.DoesNotContain("gender", message.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"age\"", message.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("female", message.Text, StringComparison.Ordinal);
            SchemaValidator.AssertValid(SchemaValidator.Events, message.Payload);
        }

        var update = JsonDocument.Parse(events[1].Payload).RootElement.GetProperty("attributes");
        Assert.Equal(["expression"], update.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, publisher.Counters.FilteredUpdates);
        Output.WriteLine($"4 events offered, 3 sent, 1 update filtered; no gender/age in {events.Count} payloads");
    }

    [Fact]
    public async Task Updates_of_a_track_are_rate_limited_and_merged()
    {
        var subscriber = await SubscribeAsync("faceattr/kiosk-1/events");
        var options = SampleEvents.Options(Broker.Port);
        options.UpdateMinIntervalSeconds = 0.5;
        var publisher = await StartPublisherAsync(options);

        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));
        publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 2));
        var dispositions = new List<EventDisposition>
        {
            publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("smile", "absent"))),
        };
        string[] expressions = ["calm", "sad", "angry", "scared", "surprised", "disgust", "happy", "calm", "sad"];
        foreach (var expression in expressions)
        {
            dispositions.Add(publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 1, ("expression", expression))));
        }

        dispositions.Add(publisher.EnqueueEvent(SampleEvents.Update("kiosk-1", 2, ("expression", "happy"))));
        Assert.All(dispositions, d => Assert.Equal(EventDisposition.Held, d));

        var events = await subscriber.WaitForCountAsync("faceattr/kiosk-1/events", 4, Patience);
        publisher.EnqueueEvent(SampleEvents.Exit("kiosk-1", 1));
        publisher.EnqueueEvent(SampleEvents.Exit("kiosk-1", 2));
        events = await subscriber.WaitForCountAsync("faceattr/kiosk-1/events", 6, Patience);
        await Task.Delay(200);
        events = subscriber.On("faceattr/kiosk-1/events");

        var parsed = events.Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.Equal(
            ["enter 1", "enter 2", "update 1", "update 2", "exit 1", "exit 2"],
            parsed.Select(e => $"{e.GetProperty("kind").GetString()} {e.GetProperty("track_id").GetInt64()}"));
        var merged = parsed[2].GetProperty("attributes");
        Assert.Equal("sad", merged.GetProperty("expression").GetProperty("label").GetString());
        Assert.Equal("absent", merged.GetProperty("smile").GetProperty("label").GetString());
        var gap = events[2].ReceivedAt - events[0].ReceivedAt;
        Assert.True(gap >= TimeSpan.FromMilliseconds(400), $"the merged update came {gap.TotalMilliseconds} ms after enter");
        Assert.Equal(9, publisher.Counters.CoalescedUpdates);
        Output.WriteLine($"11 updates offered for 2 tracks within 0.5 s → 2 sent ({publisher.Counters.CoalescedUpdates} merged); update {gap.TotalMilliseconds:F0} ms after enter");
    }

    [Fact]
    public async Task A_clean_stop_flushes_the_queue_and_leaves_a_retained_offline_status()
    {
        var options = SampleEvents.Options(Broker.Port);
        var publisher = new MqttPublisher(options, Log);
        publisher.Start();
        for (var i = 1; i <= 50; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", i));
        }

        await publisher.DisposeAsync();
        Assert.Equal(50, publisher.PublishedEvents);
        Assert.Equal(EventDisposition.Rejected, publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 51)));

        var late = await SubscribeAsync("faceattr/kiosk-1/status");
        var status = await late.WaitForCountAsync("faceattr/kiosk-1/status", 1, Patience);
        Assert.True(status[0].Retain);
        SchemaValidator.AssertValid(SchemaValidator.Status, status[0].Payload);
        var root = JsonDocument.Parse(status[0].Payload).RootElement;
        Assert.Equal("offline", root.GetProperty("state").GetString());
        Assert.Equal("shutdown", root.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Without_a_broker_the_publisher_keeps_trying_and_delivers_once_one_appears()
    {
        await Broker.StopAsync();
        var subscriberPort = Broker.Port;
        var publisher = Own(new MqttPublisher(SampleEvents.Options(subscriberPort), Log));
        publisher.Start();
        for (var i = 1; i <= 10; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", i));
        }

        await Task.Delay(700);
        Assert.False(publisher.IsConnected);
        Assert.Equal(10, publisher.QueuedEvents);
        Assert.Contains(Log.At(MessagingLogLevel.Warning), l => l.Contains("cannot connect", StringComparison.Ordinal));

        await Broker.StartAgainAsync();
        await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(Patience).Token);
        await publisher.FlushAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(10, publisher.PublishedEvents);
        Assert.Equal(0, publisher.Reconnects);
    }
}
