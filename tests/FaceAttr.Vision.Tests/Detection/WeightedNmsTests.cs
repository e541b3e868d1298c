using System.Numerics;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Detection;

namespace FaceAttr.Vision.Tests.Detection;

/// <summary>Weighted NMS on hand-made proposals: what merges, what stays apart, and how the average is weighted.</summary>
public sealed class WeightedNmsTests
{
    private const float Tolerance = 1e-4f;

    private static DetectedFace Face(float x, float y, float size, float score)
    {
        var points = default(FaceKeypoints);
        for (var k = 0; k < FaceKeypoints.Count; k++)
        {
            // Keypoints at fixed fractions of the box, so their average follows the boxes'.
            points[k] = new Vector2(x + (size * (k + 1) / 8f), y + (size * (k + 1) / 10f));
        }

        return new DetectedFace(new BoxF(x, y, size, size), score, points);
    }

    private static List<DetectedFace> Run(float iou, int max, params DetectedFace[] proposals)
    {
        var results = new List<DetectedFace>();
        new WeightedNms(16).Run(proposals, iou, max, results);
        return results;
    }

    [Fact]
    public void OverlappingProposalsMergeIntoOneWithTheBestScore()
    {
        var results = Run(0.3f, 10, Face(100, 100, 50, 0.6f), Face(102, 101, 50, 0.9f), Face(98, 99, 52, 0.7f));

        var face = Assert.Single(results);
        Assert.Equal(0.9f, face.Score);
    }

    [Fact]
    public void SeparateFacesStayApartBestFirst()
    {
        var results = Run(0.3f, 10, Face(0, 0, 40, 0.7f), Face(200, 0, 40, 0.95f), Face(0, 200, 40, 0.8f));

        Assert.Equal(3, results.Count);
        Assert.Equal([0.95f, 0.8f, 0.7f], results.Select(r => r.Score));
        Assert.Equal(Face(200, 0, 40, 0.95f).Box, results[0].Box);
    }

    [Fact]
    public void MergedBoxAndKeypointsAreTheScoreWeightedAverage()
    {
        // IoU of the two boxes is 96/104 ≈ 0.92. Weights 0.75 and 0.25: x = 0.75·0 + 0.25·4 = 1.
        var results = Run(0.3f, 10, Face(0, 0, 100, 0.75f), Face(4, 8, 100, 0.25f));

        var face = Assert.Single(results);
        var expected = Face(1, 2, 100, 0.75f);
        Assert.Equal(expected.Box.X, face.Box.X, Tolerance);
        Assert.Equal(expected.Box.Y, face.Box.Y, Tolerance);
        Assert.Equal(expected.Box.Width, face.Box.Width, Tolerance);
        Assert.Equal(expected.Box.Height, face.Box.Height, Tolerance);
        for (var k = 0; k < FaceKeypoints.Count; k++)
        {
            Assert.Equal(expected.Keypoints[k].X, face.Keypoints[k].X, Tolerance);
            Assert.Equal(expected.Keypoints[k].Y, face.Keypoints[k].Y, Tolerance);
        }

        Assert.Equal(0.75f, face.Score);
    }

    [Fact]
    public void ClustersFormAroundTheBestRemainingNotByChaining()
    {
        // B overlaps A (IoU 0.6) and C overlaps B (0.6), but C does not overlap A enough (0.33 < 0.4):
        // A's cluster takes B; C starts its own.
        var a = Face(0, 0, 100, 0.9f) with { Box = new BoxF(0, 0, 100, 100) };
        var b = a with { Box = new BoxF(25, 0, 100, 100), Score = 0.8f };
        var c = a with { Box = new BoxF(50, 0, 100, 100), Score = 0.7f };

        var results = Run(0.4f, 10, c, b, a);

        Assert.Equal(2, results.Count);
        Assert.Equal(0.9f, results[0].Score);
        Assert.Equal((0.9f * 0 + 0.8f * 25) / 1.7f, results[0].Box.X, Tolerance);
        Assert.Equal(c.Box, results[1].Box);
    }

    [Fact]
    public void ThresholdIsExclusiveAsInMediaPipe()
    {
        // Two 100x100 boxes shifted by 50: IoU exactly 1/3.
        var a = Face(0, 0, 100, 0.9f);
        var b = Face(50, 0, 100, 0.8f);

        Assert.Equal(2, Run(1f / 3, 10, a, b).Count);
        Assert.Single(Run(0.33f, 10, a, b));
    }

    [Fact]
    public void MaxResultsKeepsTheBestAndAppendsToTheList()
    {
        var results = new List<DetectedFace> { Face(500, 500, 10, 0.1f) };
        new WeightedNms(8).Run([Face(0, 0, 40, 0.7f), Face(200, 0, 40, 0.95f), Face(0, 200, 40, 0.8f)], 0.3f, 2, results);

        Assert.Equal([0.1f, 0.95f, 0.8f], results.Select(r => r.Score));
    }

    [Fact]
    public void NoProposalsGiveNoFacesAndTooManyAreRefused()
    {
        Assert.Empty(Run(0.3f, 10));
        Assert.Throws<ArgumentException>(() => new WeightedNms(1).Run([Face(0, 0, 1, 1), Face(5, 5, 1, 1)], 0.3f, 10, []));
    }
}
