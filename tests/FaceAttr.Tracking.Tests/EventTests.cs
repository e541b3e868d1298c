using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using static FaceAttr.Tracking.Tests.Synthetic;

namespace FaceAttr.Tracking.Tests;

/// <summary>What the tracker publishes: enter, update (changes only, rate-limited) and exit.</summary>
public sealed class EventTests
{
    [Fact]
    public void EnterCarriesEveryFusedHeadAndTheLatestFace()
    {
        var tracker = new FaceTracker("kiosk-7", new TrackerOptions { MinDwellSeconds = 0.5 });
        var pose = new HeadPose(10, -5, 2);
        List<TrackEvent> events = [];
        for (var i = 0; i <= 5; i++)
        {
            events = tracker.Step(i / Fps, Face(Box(100 + i, 100), pose, Good(), Gender(0.2f), Age(25), Expression("calm", 0.6f), Binary("smile", 0.1f)));
        }

        var enter = Assert.Single(events);
        Assert.Equal(TrackEventKind.Enter, enter.Kind);
        Assert.Equal("kiosk-7", enter.Device);
        Assert.Equal(1, enter.TrackId);
        Assert.Equal(TrackEvent.CurrentSchemaVersion, enter.SchemaVersion);
        Assert.Equal(At(0.5), enter.Timestamp);
        Assert.Equal(TimeSpan.Zero, enter.Timestamp.Offset);
        Assert.Equal(0.5, enter.DwellSeconds, 6);
        Assert.Equal(Box(105, 100), enter.Box);
        Assert.Equal(pose, enter.Pose);
        Assert.Equal(Good(), enter.Quality);
        Assert.Equal(["gender", "age", "expression", "smile"], enter.Attributes.Keys);
        Assert.Equal("female", enter.Attributes["gender"].Label);
        Assert.Equal(0.8f, enter.Attributes["gender"].Probability, 4);
        Assert.Equal("20-29", enter.Attributes["age"].Label);
        Assert.Equal(25f, enter.Attributes["age"].Value!.Value, 3);
        Assert.Equal("calm", enter.Attributes["expression"].Label);
        Assert.Equal("absent", enter.Attributes["smile"].Label);
        Assert.Equal(0.9f, enter.Attributes["smile"].Probability, 4);
    }

    [Fact]
    public void SmallMovesAreNoUpdateLargerOnesAre()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0 });
        var all = new List<TrackEvent>();
        for (var i = 0; i < 100; i++)
        {
            // 0.8 → 0.85 (a 0.05 move: below the 0.1 threshold) → 0.95 (0.15 from what was published).
            var male = i < 30 ? 0.8f : i < 60 ? 0.85f : 0.95f;
            all.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), Gender(male), Age(30 + (i % 3)))));
        }

        var updates = all.OfKind(TrackEventKind.Update).ToList();
        var update = Assert.Single(updates);
        Assert.Equal(["gender"], update.Attributes.Keys);
        Assert.InRange(update.Attributes["gender"].Probability, 0.9f, 0.95f);
        Assert.True(update.Timestamp > At(6));
    }

    [Fact]
    public void UpdatesAreRateLimitedPerTrackAndCarryWhatChangedMeanwhile()
    {
        var options = new TrackerOptions { MinDwellSeconds = 0, UpdateIntervalSeconds = 1.5 };
        var tracker = new FaceTracker("kiosk-1", options);
        var updates = new List<TrackEvent>();
        for (var i = 0; i < 200; i++)
        {
            // The expression changes every second, clearly; two people so that the limit is seen to be per track.
            var expression = (i / 10) % 2 == 0 ? Expression("happy", 0.9f) : Expression("sad", 0.9f);
            updates.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), expression), Face(Box(400, 100), expression)).OfKind(TrackEventKind.Update));
        }

        foreach (var track in updates.GroupBy(u => u.TrackId))
        {
            var times = track.Select(u => u.Timestamp).ToList();
            Assert.InRange(times.Count, 8, 14);
            for (var k = 1; k < times.Count; k++)
            {
                Assert.True(times[k] - times[k - 1] >= TimeSpan.FromSeconds(1.5), $"{times[k - 1]:ss.f} → {times[k]:ss.f}");
            }
        }

        Assert.Equal(2, updates.Select(u => u.TrackId).Distinct().Count());
    }

    [Fact]
    public void AHeadFirstSeenAfterEnterIsPublishedInTheNextUpdate()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0 });
        Assert.Single(tracker.Step(0, Face(Box(100, 100), Gender(0.9f))));
        Assert.Empty(tracker.Step(0.5, Face(Box(100, 100), Gender(0.9f), Binary("eyeglasses", 0.8f))));
        var update = Assert.Single(tracker.Step(1.0, Face(Box(100, 100), Gender(0.9f), Binary("eyeglasses", 0.8f))));
        Assert.Equal(["eyeglasses"], update.Attributes.Keys);
        Assert.Equal("present", update.Attributes["eyeglasses"].Label);
    }

    [Fact]
    public void ExitCarriesTheFinalValuesAndTheTotalDwell()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0.5, ExitTimeoutSeconds = 2 });
        var all = new List<TrackEvent>();
        for (var i = 0; i < 30; i++)
        {
            var face = Face(Box(100 + i, 100), Gender(0.9f), Age(i < 10 ? 20 : 50), Expression(i < 20 ? "calm" : "happy", 0.9f));
            all.AddRange(tracker.Step(i / Fps, face));
        }

        for (var i = 30; i < 60; i++)
        {
            all.AddRange(tracker.Step(i / Fps));
        }

        var exit = all[^1];
        Assert.Equal(TrackEventKind.Exit, exit.Kind);
        Assert.Single(all.OfKind(TrackEventKind.Exit));
        Assert.Equal(all[0].TrackId, exit.TrackId);
        Assert.Equal(2.9, exit.DwellSeconds, 6);
        Assert.Equal(At(4.9), exit.Timestamp);
        Assert.Equal(Box(129, 100), exit.Box);
        Assert.Equal(["gender", "age", "expression"], exit.Attributes.Keys);
        Assert.Equal("male", exit.Attributes["gender"].Label);
        Assert.Equal("happy", exit.Attributes["expression"].Label);
        Assert.Equal("40-49", exit.Attributes["age"].Label);
        Assert.InRange(exit.Attributes["age"].Value!.Value, 40f, 50f);
        Assert.Equal(0, tracker.TrackCount);
    }

    [Fact]
    public void ExitAllEndsEveryTrackButPublishesOnlyForThoseThatEntered()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 1 });
        for (var i = 0; i < 15; i++)
        {
            var faces = i < 10 ? new[] { Face(Box(100, 100), Gender(0.9f)) } : new[] { Face(Box(100, 100), Gender(0.9f)), Face(Box(400, 100), Gender(0.1f)) };
            tracker.Step(i / Fps, faces);
        }

        Assert.Equal(2, tracker.TrackCount);
        Assert.Equal(1, tracker.PresentCount);
        var events = new List<TrackEvent>();
        tracker.ExitAll(At(1.5), events);
        var exit = Assert.Single(events);
        Assert.Equal(TrackEventKind.Exit, exit.Kind);
        Assert.Equal(1.4, exit.DwellSeconds, 6);
        Assert.Equal(0, tracker.TrackCount);

        // Ids keep growing after a reset.
        var enter = Assert.Single(tracker.Step(2, Face(Box(100, 100))).Concat(tracker.Step(3, Face(Box(100, 100)))));
        Assert.True(enter.TrackId > 2);
    }

    [Fact]
    public void EventsGoToTheCallersListWhichIsNeverCleared()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0 });
        var events = new List<TrackEvent> { new() { Kind = TrackEventKind.Exit, Device = "x", TrackId = 99, Timestamp = Origin, Attributes = new Dictionary<string, AttributeValue>() } };
        tracker.Update(Origin, [Face(Box(0, 0))], events);
        Assert.Equal(2, events.Count);
        Assert.Equal(99, events[0].TrackId);
    }
}
