using MQTTnet.Protocol;

namespace FaceAttr.Messaging.Tests;

public class OutboundQueueTests
{
    private static OutboundMessage Message(int n) => new("t", [(byte)n], MqttQualityOfServiceLevel.AtLeastOnce, retain: false);

    [Fact]
    public void Beyond_the_bound_the_oldest_are_dropped_and_counted()
    {
        var queue = new OutboundQueue(3);
        for (var i = 1; i <= 5; i++)
        {
            queue.Enqueue(Message(i));
        }

        Assert.Equal(3, queue.Count);
        Assert.Equal(2, queue.Dropped);
        var sent = new List<int>();
        while (queue.TryBeginSend(out var m))
        {
            sent.Add(m!.Payload[0]);
            queue.CompleteSend(m);
        }

        Assert.Equal([3, 4, 5], sent);
    }

    [Fact]
    public void A_message_in_flight_stays_at_the_head_and_is_not_the_one_dropped()
    {
        var queue = new OutboundQueue(2);
        queue.Enqueue(Message(1));
        queue.Enqueue(Message(2));
        Assert.True(queue.TryBeginSend(out var inFlight));
        queue.Enqueue(Message(3));
        Assert.Equal(1, queue.Dropped);
        queue.AbortSend();
        Assert.True(queue.TryBeginSend(out var again));
        Assert.Same(inFlight, again);
        queue.CompleteSend(again!);
        Assert.True(queue.TryBeginSend(out var next));
        Assert.Equal(3, next!.Payload[0]);
    }
}
