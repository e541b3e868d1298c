using FaceAttr.Core.Faces;

namespace FaceAttr.Messaging.Tests;

/// <summary>Publisher behaviour that needs no broker (nothing is started, or the broker is unreachable).</summary>
public class PublisherUnitTests
{
    private static MqttOptions Unreachable() => SampleEvents.Options(MosquittoBroker.FreePort());

    [Fact]
    public async Task Events_that_json_cannot_carry_are_refused_and_counted_not_thrown()
    {
        var log = new TestLog();
        await using var publisher = new MqttPublisher(Unreachable(), log);
        var bad = SampleEvents.Enter("kiosk-1", 1) with
        {
            Attributes = new Dictionary<string, AttributeValue> { ["age"] = new() { Head = "age", Label = "30-39", Probability = 0.5f, Value = float.PositiveInfinity } },
        };
        Assert.Equal(EventDisposition.Invalid, publisher.EnqueueEvent(bad));
        Assert.Equal(1, publisher.Counters.InvalidEvents);
        Assert.Equal(0, publisher.QueuedEvents);
        Assert.Contains(log.At(MessagingLogLevel.Warning), l => l.Contains("not published", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stats_while_disconnected_are_dropped_and_counted()
    {
        await using var publisher = new MqttPublisher(Unreachable());
        Assert.False(publisher.EnqueueStats(new DeviceStats { Device = "kiosk-1", Timestamp = SampleEvents.T0 }));
        Assert.Equal(1, publisher.Counters.StatsDropped);
    }

    [Fact]
    public async Task Status_of_another_device_is_refused()
    {
        await using var publisher = new MqttPublisher(Unreachable());
        Assert.Throws<ArgumentException>(() => publisher.UpdateStatus(new DeviceStatus { Device = "kiosk-2" }));
        publisher.UpdateCameraStatus(new CameraStatus { State = CameraState.Unavailable, Detail = "ENODEV" });
        Assert.Equal(CameraState.Unavailable, publisher.Status.Camera!.State);
    }

    [Fact]
    public async Task Stop_with_an_unreachable_broker_gives_up_after_the_flush_timeout_and_counts_the_loss()
    {
        var options = Unreachable();
        options.ShutdownFlushTimeoutSeconds = 0.3;
        var log = new TestLog();
        var publisher = new MqttPublisher(options, log);
        publisher.Start();
        for (var i = 1; i <= 5; i++)
        {
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", i));
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await publisher.DisposeAsync();
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.2, 3);
        Assert.Equal(5, publisher.DroppedEvents);
        Assert.Contains(log.At(MessagingLogLevel.Warning), l => l.Contains("5 queued messages were not delivered", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(publisher.Start);
    }
}
