namespace FaceAttr.Device;

/// <summary>Which channels of an RGB status LED light up; a single-colour LED lights for any non-<see cref="None"/> value.</summary>
[Flags]
public enum LedColor
{
    /// <summary>No channel.</summary>
    None = 0,

    /// <summary>Red channel.</summary>
    Red = 1,

    /// <summary>Green channel.</summary>
    Green = 2,

    /// <summary>Blue channel.</summary>
    Blue = 4,

    /// <summary>Red and green.</summary>
    Yellow = Red | Green,
}
