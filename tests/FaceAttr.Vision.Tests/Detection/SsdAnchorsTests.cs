using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Detection;

namespace FaceAttr.Vision.Tests.Detection;

/// <summary>Anchor centres as MediaPipe's SsdAnchorsCalculator lays them out for the two BlazeFace models.</summary>
public sealed class SsdAnchorsTests
{
    private static readonly DetectorAnchors Front = new() { Strides = [8, 16], AnchorsPerCell = [2, 6] };
    private static readonly DetectorAnchors Back = new() { Strides = [16, 32], AnchorsPerCell = [2, 6] };

    [Fact]
    public void FrontLayoutGives896AnchorsFromCellCentres()
    {
        var anchors = SsdAnchors.Generate(Front, 128, 128);

        Assert.Equal(896, anchors.Length);
        Assert.Equal(896, SsdAnchors.Count(Front, 128, 128));

        // First map: 16x16 cells, 2 anchors per cell, first cell centre (0.5/16, 0.5/16).
        Assert.Equal(0.03125f, anchors[0].X, 6);
        Assert.Equal(0.03125f, anchors[0].Y, 6);
        Assert.Equal(anchors[0], anchors[1]);
        Assert.Equal(1.5f / 16, anchors[2].X, 6);
        Assert.Equal(0.03125f, anchors[2].Y, 6);

        // Last anchor of the first map: cell (15, 15).
        Assert.Equal(15.5f / 16, anchors[511].X, 6);
        Assert.Equal(15.5f / 16, anchors[511].Y, 6);

        // Second map: 8x8 cells, 6 anchors each; starts at (0.5/8, 0.5/8) and ends at (7.5/8, 7.5/8).
        Assert.Equal(0.0625f, anchors[512].X, 6);
        Assert.Equal(0.0625f, anchors[517].Y, 6);
        Assert.Equal(1.5f / 8, anchors[518].X, 6);
        Assert.Equal(0.9375f, anchors[895].X, 6);
        Assert.Equal(0.9375f, anchors[895].Y, 6);
    }

    [Fact]
    public void BackLayoutAt256GivesTheSameCentres() =>
        Assert.Equal(SsdAnchors.Generate(Front, 128, 128), SsdAnchors.Generate(Back, 256, 256));

    [Fact]
    public void PartialCellsRoundUpPerAxis()
    {
        // 100x60 at stride 16: ceil -> 7x4 cells.
        var layout = new DetectorAnchors { Strides = [16], AnchorsPerCell = [1] };
        var anchors = SsdAnchors.Generate(layout, 100, 60);

        Assert.Equal(28, anchors.Length);
        Assert.Equal(6.5f / 7, anchors[^1].X, 6);
        Assert.Equal(3.5f / 4, anchors[^1].Y, 6);
    }

    [Fact]
    public void BadLayoutsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => SsdAnchors.Generate(new DetectorAnchors { Strides = [8, 16], AnchorsPerCell = [2] }, 128, 128));
        Assert.Throws<ArgumentException>(() => SsdAnchors.Generate(new DetectorAnchors { Strides = [], AnchorsPerCell = [] }, 128, 128));
        Assert.Throws<ArgumentException>(() => SsdAnchors.Generate(new DetectorAnchors { Strides = [0], AnchorsPerCell = [2] }, 128, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => SsdAnchors.Generate(Front, 0, 128));
    }
}
