using FaceAttr.Core;
using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Tracking.Tests;

/// <summary>Builders of synthetic observations with deterministic timestamps (10 fps unless told otherwise).</summary>
internal static class Synthetic
{
    public const double Fps = 10;

    public static readonly DateTimeOffset Origin = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => Origin.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    public static DateTimeOffset Frame(int index, double fps = Fps) => At(index / fps);

    public static readonly HeadPose Frontal = new(0, 0, 0);

    public static FaceQuality Good(float size = 80) => new(size, 100, 128);

    public static FaceObservation Face(BoxF box, params AttributeValue[] attributes) =>
        new() { Box = box, Score = 0.9f, Pose = Frontal, Quality = Good(box.Width), Attributes = attributes };

    public static FaceObservation Face(BoxF box, HeadPose pose, FaceQuality quality, params AttributeValue[] attributes) =>
        new() { Box = box, Score = 0.9f, Pose = pose, Quality = quality, Attributes = attributes };

    public static BoxF Box(float x, float y, float size = 80) => new(x, y, size, size);

    public static AttributeValue Gender(float male) => new()
    {
        Head = "gender",
        Label = male >= 0.5f ? "male" : "female",
        Probability = male >= 0.5f ? male : 1 - male,
        Distribution = [1 - male, male],
        Model = "gender-test",
    };

    public static AttributeValue Binary(string head, float present) => new()
    {
        Head = head,
        Label = present >= 0.5f ? "present" : "absent",
        Probability = present >= 0.5f ? present : 1 - present,
        Distribution = [1 - present, present],
        Model = "binary-test",
    };

    public static AttributeValue Expression(string label, float probability)
    {
        var index = Taxonomy.ExpressionIndex(label);
        var distribution = new float[Taxonomy.Expressions.Count];
        for (var i = 0; i < distribution.Length; i++)
        {
            distribution[i] = i == index ? probability : (1 - probability) / (distribution.Length - 1);
        }

        return new AttributeValue
        {
            Head = "expression",
            Label = Taxonomy.Expressions[index],
            Probability = probability,
            Distribution = distribution,
            Model = "expression-test",
        };
    }

    public static AttributeValue Age(float years, float interval = 4)
    {
        var bins = new float[Taxonomy.AgeBins];
        var bin = Taxonomy.AgeBin(years);
        bins[bin] = 0.7f;
        bins[Math.Max(0, bin - 1)] += 0.15f;
        bins[Math.Min(Taxonomy.AgeBins - 1, bin + 1)] += 0.15f;
        return new AttributeValue
        {
            Head = "age",
            Label = bin == Taxonomy.AgeBins - 1 ? "80+" : $"{bin * 10}-{(bin * 10) + 9}",
            Probability = bins[bin],
            Value = years,
            Interval = interval,
            Distribution = bins,
            Model = "age-test",
        };
    }

    public static AttributeValue Unknown(string head, string reason) => AttributeValue.Unknown(head, reason);

    /// <summary>Feeds one frame and returns its events.</summary>
    public static List<TrackEvent> Step(this FaceTracker tracker, double seconds, params FaceObservation[] faces)
    {
        var events = new List<TrackEvent>();
        tracker.Update(At(seconds), faces, events);
        return events;
    }

    public static List<TrackSnapshot> Tracks(this FaceTracker tracker)
    {
        var tracks = new List<TrackSnapshot>();
        tracker.CopyTracks(tracks);
        return tracks;
    }

    public static IEnumerable<TrackEvent> OfKind(this IEnumerable<TrackEvent> events, TrackEventKind kind) =>
        events.Where(e => e.Kind == kind);
}
