namespace FaceAttr.Daemon.Tests;

/// <summary>The health verdict after a model swap, from counter snapshots: (framesIn, processed, faces, errors, nonFinite, latencySumMs).</summary>
public sealed class HealthWindowTests
{
    private static readonly HealthWindow.Snapshot Start = new(0, 0, 0, 0, 0, 0);
    private static readonly HealthWindow.Snapshot Swap = new(100, 100, 150, 0, 0, 5000); // 1.5 faces and 50 ms per frame before

    [Fact]
    public void ModelsThatKeepFindingFacesAtTheSameSpeedAreHealthy() =>
        Assert.Null(HealthWindow.Judge(Start, Swap, new(120, 120, 178, 0, 0, 6100), maxLatencyRatio: 3));

    [Theory]
    [InlineData(120, 120, 180, 2, 0, 6000, "2 frames failed in analysis")]
    [InlineData(120, 120, 180, 0, 7, 6000, "NaN or infinite outputs on 7 faces")]
    [InlineData(120, 100, 150, 0, 0, 5000, "no frame was processed")]
    [InlineData(120, 120, 150, 0, 0, 6000, "found no face in 20 frames (before: 1.5 per frame)")]
    [InlineData(120, 120, 180, 0, 0, 9000, "mean frame latency rose from 50 ms to 200 ms")]
    public void EachKindOfTroubleIsNamed(long framesIn, long processed, long faces, long errors, long nonFinite, double latency, string expected) =>
        Assert.Contains(expected, HealthWindow.Judge(Start, Swap, new(framesIn, processed, faces, errors, nonFinite, latency), maxLatencyRatio: 3), StringComparison.Ordinal);

    [Fact]
    public void AnIdleCameraIsNotABadModel() =>
        Assert.Null(HealthWindow.Judge(Start, Swap, Swap, maxLatencyRatio: 3));
}
