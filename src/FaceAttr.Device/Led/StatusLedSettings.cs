namespace FaceAttr.Device;

/// <summary>
/// Where the status LED is wired: either one <see cref="Pin"/>, or any of <see cref="RedPin"/>, <see cref="GreenPin"/>
/// and <see cref="BluePin"/> of an RGB LED. Built from <see cref="DeviceOptions"/> by the host.
/// </summary>
public sealed record StatusLedSettings
{
    /// <summary>Line of a single-colour LED; null when an RGB LED (or none) is fitted.</summary>
    public int? Pin { get; init; }

    /// <summary>Line of the red channel of an RGB LED.</summary>
    public int? RedPin { get; init; }

    /// <summary>Line of the green channel of an RGB LED.</summary>
    public int? GreenPin { get; init; }

    /// <summary>Line of the blue channel of an RGB LED.</summary>
    public int? BluePin { get; init; }

    /// <summary>True when the LED lights with the line low (wired from 3.3 V to the pin, or a common-anode RGB LED). Default false.</summary>
    public bool ActiveLow { get; init; }
}
