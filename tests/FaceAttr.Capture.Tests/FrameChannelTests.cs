namespace FaceAttr.Capture.Tests;

public sealed class FrameChannelTests
{
    private static Frame Frame(FrameChannel channel, long sequence)
    {
        var frame = channel.Pool.Rent(4, 4);
        frame.Pixels.Fill((byte)sequence);
        frame.MarkCaptured(sequence);
        return frame;
    }

    [Fact]
    public void ASlowConsumerGetsTheNewestFramesAndTheDroppedOnesAreCountedAndReturned()
    {
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 3 });
        for (var i = 1; i <= 10; i++)
        {
            Assert.True(channel.TryWrite(Frame(channel, i)));
        }

        // The oldest seven were dropped as the newer ones came in; their buffers are back in the pool.
        var counters = channel.Counters;
        Assert.Equal((10L, 7L, 3), (counters.FramesIn, counters.Dropped, channel.Count));
        Assert.Equal(3, channel.Pool.Statistics.Outstanding);
        Assert.Equal(4, channel.Pool.Statistics.Created); // capacity + the one being written when the oldest is dropped

        var sequences = new List<long>();
        while (channel.TryRead(out var frame))
        {
            using (frame)
            {
                sequences.Add(frame.Sequence);
                Assert.Equal((byte)frame.Sequence, frame.Pixels[0]);
            }
        }

        Assert.Equal([8L, 9L, 10L], sequences);
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
        Assert.Equal(3, channel.Counters.FramesOut);
    }

    [Fact]
    public async Task AProducerFasterThanTheConsumerNeverBlocksAndNothingLeaks()
    {
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 2 });
        using var cts = new CancellationTokenSource();
        long consumed = 0;
        var consumer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var frame = await channel.ReadAsync(cts.Token);
                    await Task.Delay(2); // slow analysis
                    consumed++;
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        for (var i = 1; i <= 2000; i++)
        {
            channel.TryWrite(Frame(channel, i));
        }

        await Wait.UntilAsync(() => channel.Count == 0, TimeSpan.FromSeconds(5), "the consumer to drain");
        await cts.CancelAsync();
        await consumer;
        var counters = channel.Counters;
        Assert.Equal(2000, counters.FramesIn);
        Assert.True(counters.Dropped > 1000, $"expected most frames dropped, got {counters.Dropped}");
        Assert.Equal(2000, counters.Dropped + consumed);
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
        Assert.True(channel.Pool.Statistics.Created <= 8, $"buffers created: {channel.Pool.Statistics.Created}");
    }

    [Fact]
    public void WritingToACompletedChannelDisposesTheFrameAndDisposingDrains()
    {
        var channel = new FrameChannel();
        channel.TryWrite(Frame(channel, 1));
        channel.Complete();
        var late = Frame(channel, 2);
        Assert.False(channel.TryWrite(late));
        Assert.True(late.IsDisposed);
        Assert.Equal(1, channel.Counters.Dropped);

        channel.Dispose();
        Assert.Equal(0, channel.Pool.Statistics.Outstanding);
    }

    [Fact]
    public void RestartsAndErrorsAreCounted()
    {
        using var channel = new FrameChannel();
        channel.ReportRestart();
        channel.ReportRestart();
        channel.ReportError();
        Assert.Equal((2L, 1L), (channel.Counters.SourceRestarts, channel.Counters.Errors));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameChannel(new FrameChannelOptions { Capacity = 0 }));
    }
}
