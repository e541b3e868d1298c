using System.Numerics;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Vision.Detection;

/// <summary>
/// SSD anchor generation as MediaPipe's <c>SsdAnchorsCalculator</c> does it for BlazeFace
/// (<c>fixed_anchor_size: true</c>, <c>anchor_offset 0.5</c>): one centre per cell of each feature map,
/// repeated <see cref="DetectorAnchors.AnchorsPerCell"/> times, maps in stride order, cells row by row.
/// Anchor sizes are fixed at 1, so only the centres are kept.
/// </summary>
public static class SsdAnchors
{
    /// <summary>Number of anchors the layout gives for an input of the given size.</summary>
    public static int Count(DetectorAnchors layout, int inputWidth, int inputHeight)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Check(layout, inputWidth, inputHeight);
        var count = 0;
        for (var i = 0; i < layout.Strides.Length; i++)
        {
            count += MapSize(inputWidth, layout.Strides[i]) * MapSize(inputHeight, layout.Strides[i]) * layout.AnchorsPerCell[i];
        }

        return count;
    }

    /// <summary>
    /// The anchor centres, normalised to 0–1 of the input width and height: for cell (x, y) of a
    /// <c>fw × fh</c> map, <c>((x + 0.5) / fw, (y + 0.5) / fh)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The layout is empty, its arrays differ in length, or a value is not positive.</exception>
    public static Vector2[] Generate(DetectorAnchors layout, int inputWidth, int inputHeight)
    {
        var anchors = new Vector2[Count(layout, inputWidth, inputHeight)];
        var n = 0;
        for (var i = 0; i < layout.Strides.Length; i++)
        {
            var fw = MapSize(inputWidth, layout.Strides[i]);
            var fh = MapSize(inputHeight, layout.Strides[i]);
            for (var y = 0; y < fh; y++)
            {
                for (var x = 0; x < fw; x++)
                {
                    var centre = new Vector2((x + 0.5f) / fw, (y + 0.5f) / fh);
                    for (var a = 0; a < layout.AnchorsPerCell[i]; a++)
                    {
                        anchors[n++] = centre;
                    }
                }
            }
        }

        return anchors;
    }

    private static int MapSize(int inputSize, int stride) => (inputSize + stride - 1) / stride;

    private static void Check(DetectorAnchors layout, int inputWidth, int inputHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        if (layout.Strides is null || layout.AnchorsPerCell is null || layout.Strides.Length == 0
            || layout.Strides.Length != layout.AnchorsPerCell.Length)
        {
            throw new ArgumentException(
                "anchor layout needs one anchors_per_cell value per stride, and at least one stride", nameof(layout));
        }

        for (var i = 0; i < layout.Strides.Length; i++)
        {
            if (layout.Strides[i] <= 0 || layout.AnchorsPerCell[i] <= 0)
            {
                throw new ArgumentException(
                    $"anchor layout map {i}: stride {layout.Strides[i]} and anchors_per_cell {layout.AnchorsPerCell[i]} must be positive",
                    nameof(layout));
            }
        }
    }
}
