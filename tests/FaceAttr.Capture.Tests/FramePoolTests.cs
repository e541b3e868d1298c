namespace FaceAttr.Capture.Tests;

public sealed class FramePoolTests
{
    [Fact]
    public void BuffersComeBackAndAreReused()
    {
        var pool = new FramePool();
        for (var round = 0; round < 50; round++)
        {
            using var a = pool.Rent(64, 48);
            using var b = pool.Rent(64, 48);
            a.Pixels.Fill(1);
            b.Pixels.Fill(2);
        }

        var stats = pool.Statistics;
        Assert.Equal(100, stats.Rented);
        Assert.Equal(100, stats.Returned);
        Assert.Equal(0, stats.Outstanding);
        Assert.Equal(2, stats.Created); // two buffers served all 100 frames
        Assert.Equal(2, stats.RetainedBuffers);
        Assert.Equal(2 * 64 * 48 * 3, stats.RetainedBytes);
    }

    [Fact]
    public void DoubleDisposeIsHarmlessAndADisposedFrameRefusesAccess()
    {
        var pool = new FramePool();
        var frame = pool.Rent(8, 4);
        frame.MarkCaptured(7);
        Assert.Equal(8 * 4 * 3, frame.Image.Pixels.Length);
        Assert.Equal((8, 4), (frame.Image.Width, frame.Image.Height));

        frame.Dispose();
        frame.Dispose();
        Assert.True(frame.IsDisposed);
        Assert.Equal(1, pool.Statistics.Returned);
        Assert.Equal(1, pool.Statistics.RetainedBuffers);
        Assert.Throws<ObjectDisposedException>(() => frame.Pixels.Length);
        Assert.Throws<ObjectDisposedException>(() => frame.Image.Width);

        // A stale reference disposed again must not return the buffer now owned by the next frame.
        var next = pool.Rent(8, 4);
        frame.Dispose();
        Assert.False(next.IsDisposed);
        Assert.Equal(1, pool.Statistics.Outstanding);
        next.Dispose();
        Assert.Equal(0, pool.Statistics.Outstanding);
    }

    [Fact]
    public void ConcurrentDisposeReturnsTheBufferOnce()
    {
        var pool = new FramePool();
        for (var i = 0; i < 200; i++)
        {
            var frame = pool.Rent(16, 16);
            Parallel.For(0, 4, _ => frame.Dispose());
        }

        Assert.Equal(200, pool.Statistics.Returned);
        Assert.Equal(1, pool.Statistics.Created);
    }

    [Fact]
    public void RetentionLimitsDiscardExtraBuffers()
    {
        var pool = new FramePool(new FramePoolOptions { MaxRetainedPerSize = 2 });
        var frames = Enumerable.Range(0, 5).Select(_ => pool.Rent(10, 10)).ToList();
        frames.ForEach(f => f.Dispose());
        var stats = pool.Statistics;
        Assert.Equal((5L, 2, 3L, 0L), (stats.Created, stats.RetainedBuffers, stats.Discarded, stats.Outstanding));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FramePool(new FramePoolOptions { MaxRetainedPerSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(0, 10));
    }

    [Fact]
    public void MarkCapturedStampsSequenceAndTimes()
    {
        var pool = new FramePool();
        using var frame = pool.Rent(2, 2);
        var before = DateTimeOffset.UtcNow;
        frame.MarkCaptured(42);
        Assert.Equal(42, frame.Sequence);
        Assert.InRange(frame.CapturedAt, before.AddMilliseconds(-5), DateTimeOffset.UtcNow.AddMilliseconds(5));
        Assert.True(frame.Timestamp > 0);
    }
}
