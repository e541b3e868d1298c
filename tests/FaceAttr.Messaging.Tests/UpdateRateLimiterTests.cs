using FaceAttr.Core.Events;

namespace FaceAttr.Messaging.Tests;

public class UpdateRateLimiterTests
{
    private static readonly DateTimeOffset T = SampleEvents.T0;

    [Fact]
    public void Updates_within_the_interval_are_merged_and_released_when_it_has_passed()
    {
        var limiter = new UpdateRateLimiter(TimeSpan.FromSeconds(1));
        Assert.NotNull(limiter.Offer(SampleEvents.Enter("k", 1), T));
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 1, ("smile", "absent")), T.AddSeconds(0.1)));
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 1, ("expression", "calm")), T.AddSeconds(0.2)));
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 1, ("expression", "sad")), T.AddSeconds(0.3)));
        Assert.Empty(limiter.TakeDue(T.AddSeconds(0.9)));

        var due = Assert.Single(limiter.TakeDue(T.AddSeconds(1.0)));
        Assert.Equal(TrackEventKind.Update, due.Kind);
        Assert.Equal("sad", due.Attributes["expression"].Label);
        Assert.Equal("absent", due.Attributes["smile"].Label);
        Assert.Equal(2, limiter.Coalesced);
        Assert.Equal(0, limiter.Pending);
    }

    [Fact]
    public void An_update_after_the_interval_passes_at_once_carrying_what_was_held()
    {
        var limiter = new UpdateRateLimiter(TimeSpan.FromSeconds(1));
        limiter.Offer(SampleEvents.Enter("k", 1), T);
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 1, ("smile", "absent")), T.AddSeconds(0.5)));
        var passed = limiter.Offer(SampleEvents.Update("k", 1, ("expression", "calm")), T.AddSeconds(1.2));
        Assert.NotNull(passed);
        Assert.Equal(["expression", "smile"], passed.Attributes.Keys.Order());
        Assert.Equal(1, limiter.Coalesced);
    }

    [Fact]
    public void Tracks_are_limited_independently_and_exit_discards_the_held_update()
    {
        var limiter = new UpdateRateLimiter(TimeSpan.FromSeconds(1));
        limiter.Offer(SampleEvents.Enter("k", 1), T);
        limiter.Offer(SampleEvents.Enter("k", 2), T.AddSeconds(0.8));
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 1, ("smile", "absent")), T.AddSeconds(0.9)));
        Assert.Null(limiter.Offer(SampleEvents.Update("k", 2, ("smile", "absent")), T.AddSeconds(0.9)));
        var due = Assert.Single(limiter.TakeDue(T.AddSeconds(1.1)));
        Assert.Equal(1, due.TrackId);
        Assert.NotNull(limiter.Offer(SampleEvents.Exit("k", 2), T.AddSeconds(1.2)));
        Assert.Empty(limiter.TakeAll(T.AddSeconds(5)));
        Assert.Equal(1, limiter.Coalesced);
    }

    [Fact]
    public void Zero_interval_lets_everything_through()
    {
        var limiter = new UpdateRateLimiter(TimeSpan.Zero);
        limiter.Offer(SampleEvents.Enter("k", 1), T);
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(limiter.Offer(SampleEvents.Update("k", 1, ("smile", "absent")), T));
        }
    }
}
