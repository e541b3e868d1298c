namespace FaceAttr.Device;

/// <summary>How a <see cref="MotionSensor"/> reads its PIR line. Built from <see cref="DeviceOptions"/> by the host.</summary>
public sealed record MotionSensorSettings
{
    /// <summary>True when the sensor pulls the line low on motion. Default false: PIR modules (HC-SR501, AM312) drive it high.</summary>
    public bool ActiveLow { get; init; }

    /// <summary>
    /// How long motion lasts after the PIR output drops; a new trigger within it extends the same motion.
    /// Default 5 s: PIR modules drop their output between retriggers while a person stands still.
    /// </summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the line must hold a level before it counts. Default 50 ms (rejects spikes on long wires).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);
}
