namespace FaceAttr.Device;

/// <summary>
/// GPIO wiring and timings, section <c>FaceAttr:Device</c> of the daemon's configuration. A pin left null is not
/// fitted; with no pin set the daemon never touches GPIO. Pins are logical line numbers: the BCM "GPIOnn" number on
/// a Raspberry Pi (not the header position), the gpiochip line on a Jetson. <see cref="Validate"/> throws a
/// <see cref="DeviceOptionsException"/> naming the first bad key.
/// </summary>
public sealed class DeviceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr:Device";

    /// <summary>Highest line number accepted (Jetson gpiochips have a few hundred lines; a Pi has 54).</summary>
    public const int MaxPin = 1023;

    /// <summary>PIR motion sensor output line; null = no sensor (the camera always runs). Range 0–1023.</summary>
    public int? MotionPin { get; set; }

    /// <summary>True when the sensor pulls its output low on motion. Default false (PIR modules drive it high).</summary>
    public bool MotionActiveLow { get; set; }

    /// <summary>Seconds motion lasts after the PIR output drops (retriggers extend it). Range 0–600; default 5.</summary>
    public double MotionHoldSeconds { get; set; } = 5;

    /// <summary>Milliseconds the PIR line must hold a level to count. Range 0–1000; default 50.</summary>
    public double MotionDebounceMilliseconds { get; set; } = 50;

    /// <summary>
    /// Seconds with neither motion nor faces before the camera idles. Range 1–86400; default 30 (long enough that
    /// someone reading a kiosk screen without moving keeps the camera awake through their face).
    /// </summary>
    public double IdleAfterSeconds { get; set; } = 30;

    /// <summary>Single-colour status LED line; null = none, or use the RGB pins. Range 0–1023.</summary>
    public int? LedPin { get; set; }

    /// <summary>Red channel line of an RGB status LED (instead of <see cref="LedPin"/>). Range 0–1023.</summary>
    public int? LedRedPin { get; set; }

    /// <summary>Green channel line of an RGB status LED. Range 0–1023.</summary>
    public int? LedGreenPin { get; set; }

    /// <summary>Blue channel line of an RGB status LED. Range 0–1023.</summary>
    public int? LedBluePin { get; set; }

    /// <summary>True when the LED lights with its line low (common-anode RGB, or wired from 3.3 V). Default false.</summary>
    public bool LedActiveLow { get; set; }

    /// <summary>Installer test button line; null = none. Range 0–1023.</summary>
    public int? ButtonPin { get; set; }

    /// <summary>True (default) for a button to ground with the internal pull-up; false for a button to 3.3 V with a pull-down.</summary>
    public bool ButtonActiveLow { get; set; } = true;

    /// <summary>Milliseconds the button line must hold a level to count. Range 0–1000; default 50.</summary>
    public double ButtonDebounceMilliseconds { get; set; } = 50;

    /// <summary>
    /// gpiochip number to open with libgpiod; null (default) lets System.Device.Gpio pick the driver for the board.
    /// Set it where the pick is wrong, e.g. 4 on a Raspberry Pi 5 with a kernel older than 6.6.45. Range 0–63.
    /// </summary>
    public int? GpioChip { get; set; }

    /// <summary>Use a simulated GPIO chip instead of hardware (demos, emulated CI runs). Default false.</summary>
    public bool Simulated { get; set; }

    /// <summary>True when any pin is set, i.e. GPIO is wanted at all.</summary>
    public bool HasAnyPin => Pins().Any(p => p.Value is not null);

    /// <summary>Throws a <see cref="DeviceOptionsException"/> naming the first invalid key and its allowed values.</summary>
    public void Validate()
    {
        var used = new Dictionary<int, string>();
        foreach (var (key, value) in Pins())
        {
            if (value is not { } pin)
            {
                continue;
            }

            Range(pin, 0, MaxPin, key);
            if (!used.TryAdd(pin, key))
            {
                throw Fail(key, $"{pin} is already used by {Section}:{used[pin]}; each line can have one function");
            }
        }

        if (LedPin is not null && (LedRedPin ?? LedGreenPin ?? LedBluePin) is not null)
        {
            throw Fail(nameof(LedPin), "and the RGB pins (LedRedPin, LedGreenPin, LedBluePin) are both set; set LedPin for a single LED or the RGB pins, not both");
        }

        Range(MotionHoldSeconds, 0, 600, nameof(MotionHoldSeconds));
        Range(MotionDebounceMilliseconds, 0, 1000, nameof(MotionDebounceMilliseconds));
        Range(IdleAfterSeconds, 1, 86400, nameof(IdleAfterSeconds));
        Range(ButtonDebounceMilliseconds, 0, 1000, nameof(ButtonDebounceMilliseconds));
        if (GpioChip is { } chip)
        {
            Range(chip, 0, 63, nameof(GpioChip));
        }
    }

    /// <summary>The motion sensor's settings from these options.</summary>
    public MotionSensorSettings ToMotionSensorSettings() => new()
    {
        ActiveLow = MotionActiveLow,
        Hold = TimeSpan.FromSeconds(MotionHoldSeconds),
        Debounce = TimeSpan.FromMilliseconds(MotionDebounceMilliseconds),
    };

    /// <summary>The status LED's settings from these options.</summary>
    public StatusLedSettings ToStatusLedSettings() => new()
    {
        Pin = LedPin,
        RedPin = LedRedPin,
        GreenPin = LedGreenPin,
        BluePin = LedBluePin,
        ActiveLow = LedActiveLow,
    };

    /// <summary>The test button's settings from these options.</summary>
    public TestButtonSettings ToTestButtonSettings() => new()
    {
        ActiveLow = ButtonActiveLow,
        Debounce = TimeSpan.FromMilliseconds(ButtonDebounceMilliseconds),
    };

    private (string Key, int? Value)[] Pins() =>
    [
        (nameof(MotionPin), MotionPin),
        (nameof(LedPin), LedPin),
        (nameof(LedRedPin), LedRedPin),
        (nameof(LedGreenPin), LedGreenPin),
        (nameof(LedBluePin), LedBluePin),
        (nameof(ButtonPin), ButtonPin),
    ];

    private static void Range(double value, double min, double max, string key)
    {
        if (!(value >= min && value <= max))
        {
            throw Fail(key, $"{value} is outside the allowed range {min}–{max}");
        }
    }

    private static DeviceOptionsException Fail(string key, string problem) =>
        new($"{Section}:{key}", $"{Section}:{key} {problem}");
}
