using System.Diagnostics;
using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using Xunit.Abstractions;
using static FaceAttr.Tracking.Tests.Synthetic;

namespace FaceAttr.Tracking.Tests;

[CollectionDefinition(nameof(SteadyStateRuns), DisableParallelization = true)]
public sealed class SteadyStateRuns;

/// <summary>
/// 50 faces × 1000 frames: the tracker's memory must not grow and the per-frame path must not allocate.
/// A rough check (allocated bytes of this thread, averaged after warm-up), not a benchmark; the figures
/// are written to the test output.
/// </summary>
[Collection(nameof(SteadyStateRuns))]
public sealed class SteadyStateTests(ITestOutputHelper output)
{
    private const int FaceCount = 50;
    private const int FrameCount = 1000;
    private const int WarmUp = 100;

    [Fact]
    public void FiftyFacesForAThousandFramesAllocateNothingPerFrameWhenNothingChanges()
    {
        var frames = Scene(changing: false);
        var (bytesPerFrame, microsPerFrame, events, retained) = Run(frames);
        output.WriteLine($"steady attributes: {bytesPerFrame:0.0} B/frame, {microsPerFrame:0.0} µs/frame, {events} events after warm-up, retained growth {retained / 1024.0:0.0} KiB");

        Assert.Equal(0, events);
        Assert.True(bytesPerFrame < 64, $"{bytesPerFrame:0.0} B/frame");
        Assert.True(retained < 1 << 20, $"retained growth {retained} B");
    }

    [Fact]
    public void FiftyFacesForAThousandFramesAllocateOnlyTheirEventsWhenAttributesChange()
    {
        var frames = Scene(changing: true);
        var (bytesPerFrame, microsPerFrame, events, retained) = Run(frames);
        output.WriteLine($"changing expressions: {bytesPerFrame:0.0} B/frame, {microsPerFrame:0.0} µs/frame, {events} events after warm-up ({bytesPerFrame * (FrameCount - WarmUp) / Math.Max(1, events):0} B/event), retained growth {retained / 1024.0:0.0} KiB");

        Assert.True(events > 0);
        Assert.True(bytesPerFrame < 16 * 1024, $"{bytesPerFrame:0.0} B/frame");
        Assert.True(retained < 1 << 20, $"retained growth {retained} B");
    }

    private static (double BytesPerFrame, double MicrosPerFrame, int Events, long Retained) Run(FaceObservation[][] frames)
    {
        var tracker = new FaceTracker("kiosk-1", new TrackerOptions { MinDwellSeconds = 0.5 });
        var events = new List<TrackEvent>(256);
        for (var i = 0; i < WarmUp; i++)
        {
            events.Clear();
            tracker.Update(Frame(i), frames[i], events);
        }

        Assert.Equal(FaceCount, tracker.TrackCount);
        Assert.Equal(FaceCount, tracker.PresentCount);
        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var eventCount = 0;
        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = WarmUp; i < FrameCount; i++)
        {
            events.Clear();
            tracker.Update(Frame(i), frames[i], events);
            eventCount += events.Count;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        stopwatch.Stop();
        events.Clear();
        var retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;

        // Every face kept its track for the whole run.
        Assert.Equal(FaceCount, tracker.TrackCount);
        var ids = new List<TrackSnapshot>();
        tracker.CopyTracks(ids);
        Assert.Equal(Enumerable.Range(1, FaceCount).Select(i => (long)i), ids.Select(t => t.TrackId));

        const int measured = FrameCount - WarmUp;
        return ((double)allocated / measured, stopwatch.Elapsed.TotalMicroseconds / measured, eventCount, retained);
    }

    /// <summary>
    /// A 10 × 5 grid of 80 px faces, 120 px apart, each drifting on its own small circle with ±2 px jitter,
    /// each with gender, age, expression, smile and eyeglasses. Built before measuring so that only the
    /// tracker's allocations are counted. With <paramref name="changing"/>, each face's expression
    /// alternates between happy and sad every 3 s (phase-shifted per face), which produces updates.
    /// </summary>
    private static FaceObservation[][] Scene(bool changing)
    {
        var random = new Random(42);
        var calm = new AttributeValue[FaceCount][];
        var happy = new AttributeValue[FaceCount][];
        for (var k = 0; k < FaceCount; k++)
        {
            var male = 0.1f + (0.8f * (k % 2));
            calm[k] = [Gender(male), Age(20 + k), Expression("happy", 0.8f), Binary("smile", 0.7f), Binary("eyeglasses", 0.2f)];
            happy[k] = [Gender(male), Age(20 + k), Expression("sad", 0.8f), Binary("smile", 0.1f), Binary("eyeglasses", 0.2f)];
        }

        var frames = new FaceObservation[FrameCount][];
        for (var i = 0; i < FrameCount; i++)
        {
            var faces = new FaceObservation[FaceCount];
            for (var k = 0; k < FaceCount; k++)
            {
                var angle = (i * 0.05 * (1 + (k % 3))) + k;
                var x = 50 + (120 * (k % 10)) + (float)(10 * Math.Cos(angle)) + (float)((random.NextDouble() * 4) - 2);
                var y = 50 + (120 * (k / 10)) + (float)(10 * Math.Sin(angle)) + (float)((random.NextDouble() * 4) - 2);
                var attributes = changing && ((i + (k * 7)) / 30) % 2 == 1 ? happy[k] : calm[k];
                faces[k] = Face(Box(x, y), Frontal, Good(), attributes);
            }

            frames[i] = faces;
        }

        return frames;
    }
}
