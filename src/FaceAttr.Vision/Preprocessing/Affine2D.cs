using System.Numerics;

namespace FaceAttr.Vision.Preprocessing;

/// <summary>
/// Maps crop (model input) coordinates to source image coordinates: <c>src = M · dst + t</c>.
/// A crop is an axis-aligned rectangle or a square rotated about its centre (face alignment by the eye line).
/// </summary>
public readonly record struct Affine2D(float M11, float M12, float M21, float M22, float Tx, float Ty)
{
    /// <summary>Maps crop pixel <c>(0,0)..(w,h)</c> onto the source rectangle <c>(x, y, width, height)</c>.</summary>
    public static Affine2D FromRect(float x, float y, float width, float height, int cropWidth, int cropHeight) =>
        new(width / cropWidth, 0, 0, height / cropHeight, x, y);

    /// <summary>
    /// Maps a <paramref name="cropWidth"/>×<paramref name="cropHeight"/> crop onto a square of side
    /// <paramref name="size"/> centred at (<paramref name="cx"/>, <paramref name="cy"/>) and rotated by
    /// <paramref name="angle"/> radians (positive turns the crop's x axis towards the source's y axis).
    /// </summary>
    public static Affine2D FromRotatedSquare(float cx, float cy, float size, float angle, int cropWidth, int cropHeight)
    {
        var sx = size / cropWidth;
        var sy = size / cropHeight;
        var cos = MathF.Cos(angle);
        var sin = MathF.Sin(angle);
        var m11 = cos * sx;
        var m12 = -sin * sy;
        var m21 = sin * sx;
        var m22 = cos * sy;

        // The crop centre maps to (cx, cy).
        var hx = cropWidth / 2f;
        var hy = cropHeight / 2f;
        return new(m11, m12, m21, m22, cx - (m11 * hx) - (m12 * hy), cy - (m21 * hx) - (m22 * hy));
    }

    /// <summary>Source coordinates of crop point <paramref name="p"/>.</summary>
    public Vector2 Apply(Vector2 p) => new((M11 * p.X) + (M12 * p.Y) + Tx, (M21 * p.X) + (M22 * p.Y) + Ty);

    /// <summary>Source coordinates of crop point (x, y).</summary>
    public Vector2 Apply(float x, float y) => new((M11 * x) + (M12 * y) + Tx, (M21 * x) + (M22 * y) + Ty);
}
