using FaceAttr.Core.Events;
using static FaceAttr.Tracking.Tests.Synthetic;

namespace FaceAttr.Tracking.Tests;

/// <summary>Track identity: matching, the motion model, loss and return, dwell, capacity.</summary>
public sealed class MatchingTests
{
    private static readonly TrackerOptions EnterAtOnce = new() { MinDwellSeconds = 0 };

    [Fact]
    public void AFaceMovingSteadilyKeepsItsId()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce);
        var random = new Random(7);
        var events = new List<TrackEvent>();

        // 10 s at 10 fps, 12 px per frame (120 px/s) to the right and 3 px down, with ±3 px detector jitter
        // and a slowly growing face (walking towards the camera).
        for (var i = 0; i < 100; i++)
        {
            var jitter = (float)((random.NextDouble() * 6) - 3);
            var box = Box(20 + (12 * i) + jitter, 50 + (3 * i) - jitter, 80 + (0.3f * i));
            tracker.Update(Frame(i), [Face(box, Gender(0.9f))], events);
        }

        var enter = Assert.Single(events);
        Assert.Equal(TrackEventKind.Enter, enter.Kind);
        var track = Assert.Single(tracker.Tracks());
        Assert.Equal(enter.TrackId, track.TrackId);
        Assert.Equal(9.9, track.DwellSeconds, 6);
    }

    [Fact]
    public void TwoCrossingFacesKeepTheirIds()
    {
        var (leftToRight, rightToLeft) = Cross(new FaceTracker("kiosk-1", EnterAtOnce));

        // The face that started on the left ends on the right, under the id it started with.
        Assert.True(leftToRight.Final.X > rightToLeft.Final.X);
        Assert.Equal(leftToRight.StartId, leftToRight.FinalId);
        Assert.Equal(rightToLeft.StartId, rightToLeft.FinalId);
    }

    [Fact]
    public void WithoutTheMotionModelTheCrossingSwapsIds()
    {
        // The same scene matched against the last seen boxes: the crossing test above is a real test of
        // the motion model, not of a scene any matcher gets right.
        var (leftToRight, _) = Cross(new FaceTracker("kiosk-1", EnterAtOnce with { MotionWeight = 0 }));
        Assert.NotEqual(leftToRight.StartId, leftToRight.FinalId);
    }

    [Fact]
    public void AFaceLostForLessThanTheTimeoutKeepsItsId()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce with { ExitTimeoutSeconds = 2 });
        var all = new List<TrackEvent>();
        for (var i = 0; i < 10; i++)
        {
            all.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), Gender(0.9f))));
        }

        // Gone for 1.5 s (frames keep coming, without the face), then back a little further right.
        for (var i = 10; i < 25; i++)
        {
            all.AddRange(tracker.Step(i / Fps));
        }

        for (var i = 25; i < 35; i++)
        {
            all.AddRange(tracker.Step(i / Fps, Face(Box(110, 100), Gender(0.9f))));
        }

        Assert.Single(all.OfKind(TrackEventKind.Enter));
        Assert.Empty(all.OfKind(TrackEventKind.Exit));
        Assert.Equal(all[0].TrackId, Assert.Single(tracker.Tracks()).TrackId);
    }

    [Fact]
    public void AFaceLostForLongerExitsAndComesBackUnderANewId()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce with { ExitTimeoutSeconds = 2 });
        var all = new List<TrackEvent>();
        for (var i = 0; i < 10; i++)
        {
            all.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), Gender(0.9f))));
        }

        for (var i = 10; i < 40; i++)
        {
            all.AddRange(tracker.Step(i / Fps));
        }

        for (var i = 40; i < 45; i++)
        {
            all.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), Gender(0.9f))));
        }

        Assert.Collection(
            all,
            e => Assert.Equal(TrackEventKind.Enter, e.Kind),
            e => Assert.Equal(TrackEventKind.Exit, e.Kind),
            e => Assert.Equal(TrackEventKind.Enter, e.Kind));
        Assert.Equal(all[0].TrackId, all[1].TrackId);
        Assert.True(all[2].TrackId > all[1].TrackId);

        // The exit comes on the first frame 2 s after the face was last seen (0.9 s), not later.
        Assert.Equal(At(2.9), all[1].Timestamp);
    }

    [Fact]
    public void TimePassesWithoutFramesWhenUpdateIsCalledWithNoFaces()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce);
        tracker.Step(0, Face(Box(100, 100)));
        Assert.Empty(tracker.Step(1.9));
        var exit = Assert.Single(tracker.Step(2.0));
        Assert.Equal(TrackEventKind.Exit, exit.Kind);
        Assert.Equal(0, tracker.TrackCount);
    }

    [Fact]
    public void MinimumDwellDelaysEnterAndAPasserByNeverEnters()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 1.0, ExitTimeoutSeconds = 1.0 });
        var all = new List<(int Frame, TrackEvent Event)>();

        // A passer-by seen for 0.5 s at the left; a visitor who stays at the right.
        for (var i = 0; i < 30; i++)
        {
            var faces = i < 5
                ? new[] { Face(Box(10, 100), Gender(0.2f)), Face(Box(400, 100), Gender(0.9f)) }
                : new[] { Face(Box(400, 100), Gender(0.9f)) };
            foreach (var e in tracker.Step(i / Fps, faces))
            {
                all.Add((i, e));
            }
        }

        var (frame, enter) = Assert.Single(all);
        Assert.Equal(TrackEventKind.Enter, enter.Kind);
        Assert.Equal(10, frame);
        Assert.Equal(1.0, enter.DwellSeconds, 6);
        Assert.Equal(400, enter.Box!.Value.X);
        Assert.Equal(1, tracker.PresentCount);
    }

    [Fact]
    public void IdsOnlyGrowAndAreNeverReused()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce with { ExitTimeoutSeconds = 0.5 });
        var enters = new List<long>();

        // Five visits at the same place, each followed by a 1 s absence.
        for (var visit = 0; visit < 5; visit++)
        {
            var start = visit * 2.0;
            for (var i = 0; i < 10; i++)
            {
                enters.AddRange(tracker.Step(start + (i / Fps), Face(Box(100, 100))).OfKind(TrackEventKind.Enter).Select(e => e.TrackId));
            }

            for (var i = 10; i < 20; i++)
            {
                tracker.Step(start + (i / Fps));
            }
        }

        Assert.Equal(5, enters.Count);
        Assert.Equal(enters.Order(), enters);
        Assert.Equal(enters.Distinct().Count(), enters.Count);
    }

    [Fact]
    public void FacesBeyondMaxTracksStartNoTrackAndAreCounted()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce with { MaxTracks = 2 });
        var faces = new[] { Face(Box(0, 0)), Face(Box(200, 0)), Face(Box(400, 0)) };
        tracker.Step(0, faces);
        tracker.Step(0.1, faces);
        Assert.Equal(2, tracker.TrackCount);
        Assert.Equal(2, tracker.DroppedFaces);
    }

    [Fact]
    public void ATimestampGoingBackwardsCountsAsTheLastFrame()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce);
        tracker.Step(5, Face(Box(100, 100)));
        var events = tracker.Step(4, Face(Box(100, 100)));
        Assert.Empty(events);
        Assert.Equal(1, tracker.TrackCount);
    }

    [Fact]
    public void ANullFaceIsRejectedBeforeAnythingChanges()
    {
        var tracker = new FaceTracker("kiosk-1", EnterAtOnce);
        tracker.Step(0, Face(Box(100, 100)));
        var events = new List<TrackEvent>();
        Assert.Throws<ArgumentNullException>(() => tracker.Update(At(5), [Face(Box(100, 100)), null!], events));
        Assert.Empty(events);
        Assert.Equal(1, tracker.TrackCount);
        Assert.Empty(tracker.Step(1, Face(Box(100, 100))));
    }

    /// <summary>
    /// Two faces walking towards each other at 200 px/s (20 px per frame), 6 px apart vertically, crossing
    /// mid-scene: on the frame after they pass, each face overlaps the other's last box more than its own
    /// (IoU 0.6 against 0.5), so only the predicted boxes tell them apart.
    /// </summary>
    private static (Walker LeftToRight, Walker RightToLeft) Cross(FaceTracker tracker)
    {
        var leftToRight = new Walker();
        var rightToLeft = new Walker();
        for (var i = 0; i < 30; i++)
        {
            var a = Box(0 + (20 * i), 100, 60);
            var b = Box(590 - (20 * i), 106, 60);
            var events = tracker.Step(i / Fps, Face(a, Gender(0.9f)), Face(b, Gender(0.1f)));
            if (i == 0)
            {
                leftToRight.StartId = events.Single(e => e.Box!.Value.X == a.X).TrackId;
                rightToLeft.StartId = events.Single(e => e.Box!.Value.X == b.X).TrackId;
            }

            leftToRight.Final = a;
            rightToLeft.Final = b;
        }

        var tracks = tracker.Tracks();
        Assert.Equal(2, tracks.Count);
        leftToRight.FinalId = tracks.Single(t => t.Box == leftToRight.Final).TrackId;
        rightToLeft.FinalId = tracks.Single(t => t.Box == rightToLeft.Final).TrackId;
        return (leftToRight, rightToLeft);
    }

    private sealed class Walker
    {
        public long StartId { get; set; }

        public long FinalId { get; set; }

        public Core.Imaging.BoxF Final { get; set; }
    }
}
