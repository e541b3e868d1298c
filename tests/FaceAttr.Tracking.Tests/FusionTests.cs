using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using static FaceAttr.Tracking.Tests.Synthetic;

namespace FaceAttr.Tracking.Tests;

/// <summary>Per-track fusion: time-weighted averages, hysteresis, the quality gate and unknown values.</summary>
public sealed class FusionTests
{
    // Updates as soon as anything changes, so that the published label is observable frame by frame.
    private static readonly TrackerOptions Eager = new() { MinDwellSeconds = 0, UpdateIntervalSeconds = 0 };

    [Fact]
    public void FlickeringGenderDoesNotFlipThePublishedLabelButASustainedChangeDoes()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        var all = new List<(double Time, TrackEvent Event)>();
        var t = 0.0;
        for (var i = 0; i < 100; i++, t += 0.1)
        {
            // 0.45, 0.55, 0.45, … P(male): a model that cannot decide.
            Record(all, t, tracker.Step(t, Face(Box(100, 100), Gender(i % 2 == 0 ? 0.45f : 0.55f))));
        }

        Assert.Equal("female", all[0].Event.Attributes["gender"].Label);
        Assert.DoesNotContain(all, e => e.Event.Attributes.TryGetValue("gender", out var g) && g.Label == "male");

        var sustainedFrom = t;
        for (var i = 0; i < 30; i++, t += 0.1)
        {
            Record(all, t, tracker.Step(t, Face(Box(100, 100), Gender(0.8f))));
        }

        var flip = all.First(e => e.Event.Attributes.TryGetValue("gender", out var g) && g.Label == "male");
        Assert.Equal(TrackEventKind.Update, flip.Event.Kind);
        Assert.InRange(flip.Time - sustainedFrom, 0.1, 1.0);
        Assert.True(flip.Event.Attributes["gender"].Probability >= 0.55f);
    }

    [Fact]
    public void WithoutHysteresisTheSameFlickerFlipsTheLabel()
    {
        var tracker = new FaceTracker("kiosk-1", Eager with { HysteresisMargin = 0 });
        var flips = 0;
        for (var i = 0; i < 100; i++)
        {
            flips += tracker.Step(i / Fps, Face(Box(100, 100), Gender(i % 2 == 0 ? 0.45f : 0.55f)))
                .Count(e => e.Kind == TrackEventKind.Update && e.Attributes.ContainsKey("gender"));
        }

        Assert.True(flips > 10, $"{flips} flips");
    }

    [Fact]
    public void AgeIsTheTimeWeightedAverageOfYearsWithIntervalAndBins()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        for (var i = 0; i < 50; i++)
        {
            tracker.Step(i / Fps, Face(Box(100, 100), Age(i % 2 == 0 ? 33 : 37, interval: 4)));
        }

        var events = new List<TrackEvent>();
        tracker.ExitAll(At(5), events);
        var age = Assert.Single(events).Attributes["age"];
        Assert.Equal("30-39", age.Label);
        Assert.InRange(age.Value!.Value, 34.5f, 35.5f);
        Assert.Equal(4f, age.Interval!.Value, 3);
        Assert.Equal(9, age.Distribution!.Count);
        Assert.Equal(0.7f, age.Probability, 3);
        Assert.Equal(1f, age.Distribution.Sum(), 3);
    }

    [Fact]
    public void AgeDecadeHoldsNearABoundaryAndMovesOnASustainedChange()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        var labels = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            // A face estimated at 39–41: the decade must not alternate.
            foreach (var e in tracker.Step(i / Fps, Face(Box(100, 100), Age(i == 0 ? 39 : (i % 2 == 0 ? 39.5f : 41f)))))
            {
                if (e.Attributes.TryGetValue("age", out var age))
                {
                    labels.Add(age.Label);
                }
            }
        }

        Assert.All(labels, l => Assert.Equal("30-39", l));
        for (var i = 100; i < 150; i++)
        {
            foreach (var e in tracker.Step(i / Fps, Face(Box(100, 100), Age(47))))
            {
                if (e.Attributes.TryGetValue("age", out var age))
                {
                    labels.Add(age.Label);
                }
            }
        }

        Assert.Equal("40-49", labels[^1]);
    }

    [Fact]
    public void ObservationsThatFailTheGateOrAreUnknownOrInvalidAreNotFused()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        var box = Box(100, 100);
        for (var i = 0; i < 40; i++)
        {
            var face = (i % 5) switch
            {
                0 => Face(box, Gender(0.9f)),
                1 => Face(box, new HeadPose(60, 0, 0), Good(), Gender(0.05f)),
                2 => Face(box, Frontal, new FaceQuality(30, 100, 128), Gender(0.05f)),
                3 => Face(box, Frontal, new FaceQuality(80, 5, 128), Gender(0.05f)),
                _ => Face(box, Unknown("gender", "occluded") with { Distribution = [1f, 0f] }),
            };
            tracker.Step(i / Fps, face);
        }

        // One more with NaNs in it.
        tracker.Step(4, Face(box, Gender(0.9f) with { Distribution = [float.NaN, 0.9f] }));

        var events = new List<TrackEvent>();
        tracker.ExitAll(At(5), events);
        var gender = Assert.Single(events).Attributes["gender"];
        Assert.Equal("male", gender.Label);
        Assert.Equal(0.9f, gender.Probability, 4);
        Assert.Null(gender.UnknownReason);
    }

    public static TheoryData<float, float, float, float, string> BadFaces() => new()
    {
        // yaw, pitch, face size, sharpness → reason
        { 41, 0, 80, 100, "yaw 41°" },
        { -45, 0, 80, 100, "yaw -45°" },
        { 0, -50, 80, 100, "pitch -50°" },
        { 0, 0, 38, 100, "face 38 px" },
        { 0, 0, 80, 9, "sharpness 9" },
    };

    [Theory]
    [MemberData(nameof(BadFaces))]
    public void AHeadWithOnlyBadObservationsIsUnknownWithTheReason(float yaw, float pitch, float size, float sharpness, string reason)
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        var enter = Assert.Single(tracker.Step(0, Face(Box(100, 100), new HeadPose(yaw, pitch, 0), new FaceQuality(size, sharpness, 128), Gender(0.9f), Age(30))));
        foreach (var head in new[] { "gender", "age" })
        {
            var value = enter.Attributes[head];
            Assert.Equal("unknown", value.Label);
            Assert.Equal(reason, value.UnknownReason);
            Assert.Null(value.Distribution);
        }
    }

    [Fact]
    public void TheLatestReasonIsPublishedAndAnAnalyzerReasonWins()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0.2 });
        tracker.Step(0, Face(Box(100, 100), new HeadPose(50, 0, 0), Good(), Gender(0.9f), Unknown("eye_left", "eyes occluded")));
        tracker.Step(0.1, Face(Box(100, 100), new HeadPose(45, 0, 0), Good(), Gender(0.9f), Unknown("eye_left", "eyes occluded")));
        var enter = Assert.Single(tracker.Step(0.2, Face(Box(100, 100), Frontal, Good(30), Gender(0.9f), Unknown("eye_left", "eyes occluded"))));
        Assert.Equal("face 30 px", enter.Attributes["gender"].UnknownReason);
        Assert.Equal("eyes occluded", enter.Attributes["eye_left"].UnknownReason);
        Assert.Equal("gender-test", enter.Attributes["gender"].Model);
    }

    [Fact]
    public void AHeadBecomesKnownWithItsFirstGoodObservation()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        var enter = Assert.Single(tracker.Step(0, Face(Box(100, 100), new HeadPose(60, 0, 0), Good(), Gender(0.9f))));
        Assert.Equal("unknown", enter.Attributes["gender"].Label);
        Assert.Empty(tracker.Step(0.1, Face(Box(100, 100), new HeadPose(61, 0, 0), Good(), Gender(0.9f))));

        var update = Assert.Single(tracker.Step(0.2, Face(Box(100, 100), Gender(0.9f))));
        Assert.Equal(TrackEventKind.Update, update.Kind);
        Assert.Equal("male", update.Attributes["gender"].Label);
    }

    [Fact]
    public void ClassHeadsFuseTheirDistributionAndSwitchOnASustainedChange()
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0 });
        var all = new List<TrackEvent>();
        for (var i = 0; i < 40; i++)
        {
            var expression = i < 20 ? Expression("happy", 0.8f) : Expression("surprised", 0.8f);
            all.AddRange(tracker.Step(i / Fps, Face(Box(100, 100), Gender(0.9f), expression)));
        }

        Assert.Equal("happy", all[0].Attributes["expression"].Label);
        var switched = Assert.Single(all, e => e.Kind == TrackEventKind.Update && e.Attributes["expression"].Label == "surprised");

        // Only what changed: gender stayed put.
        Assert.Equal(["expression"], switched.Attributes.Keys);
        Assert.Equal(7, switched.Attributes["expression"].Distribution!.Count);
    }

    [Fact]
    public void HeadsWithoutADistributionAreFusedAsVotes()
    {
        var tracker = new FaceTracker("kiosk-1", Eager);
        AttributeValue Eye(string label, float p) => new() { Head = "eye_left", Label = label, Probability = p };
        for (var i = 0; i < 30; i++)
        {
            // Open, with a one-frame blink every tenth frame.
            tracker.Step(i / Fps, Face(Box(100, 100), i % 10 == 9 ? Eye("closed", 0.7f) : Eye("open", 0.9f)));
        }

        var events = new List<TrackEvent>();
        tracker.ExitAll(At(3), events);
        var eye = Assert.Single(events).Attributes["eye_left"];
        Assert.Equal("open", eye.Label);
        Assert.InRange(eye.Probability, 0.6f, 0.9f);
        Assert.Null(eye.Distribution);
    }

    private static void Record(List<(double, TrackEvent)> all, double time, List<TrackEvent> events)
    {
        foreach (var e in events)
        {
            all.Add((time, e));
        }
    }
}
