namespace FaceAttr.Device;

/// <summary>How a <see cref="TestButton"/> reads its line. Built from <see cref="DeviceOptions"/> by the host.</summary>
public sealed record TestButtonSettings
{
    /// <summary>
    /// True (default) for a button between the pin and ground: the line is pulled up and a press pulls it low
    /// (falling edge). False for a button to 3.3 V with a pull-down.
    /// </summary>
    public bool ActiveLow { get; init; } = true;

    /// <summary>How long the line must hold a level before it counts. Default 50 ms (contact bounce lasts 1–20 ms).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);
}
