using System.Text.Json.Serialization;

namespace FaceAttr.Core.Imaging;

/// <summary>An axis-aligned box in pixels: left, top, width, height.</summary>
public readonly record struct BoxF(float X, float Y, float Width, float Height)
{
    /// <summary>Right edge.</summary>
    [JsonIgnore]
    public float Right => X + Width;

    /// <summary>Bottom edge.</summary>
    [JsonIgnore]
    public float Bottom => Y + Height;

    /// <summary>Centre x.</summary>
    [JsonIgnore]
    public float CenterX => X + (Width / 2);

    /// <summary>Centre y.</summary>
    [JsonIgnore]
    public float CenterY => Y + (Height / 2);

    /// <summary>Area (0 for degenerate boxes).</summary>
    [JsonIgnore]
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>Intersection over union with another box (0 when they do not overlap).</summary>
    public float IoU(BoxF other)
    {
        var w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var inter = w * h;
        return inter / (Area + other.Area - inter);
    }
}
