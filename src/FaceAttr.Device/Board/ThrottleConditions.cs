namespace FaceAttr.Device;

/// <summary>
/// Bits of the Raspberry Pi firmware's throttling word (<c>vcgencmd get_throttled</c>): bits 0–3 are the state now,
/// bits 16–19 whether the same condition has happened since boot.
/// </summary>
[Flags]
public enum ThrottleConditions : uint
{
    /// <summary>No condition.</summary>
    None = 0,

    /// <summary>Bit 0: the supply is below about 4.63 V now.</summary>
    UnderVoltage = 1u << 0,

    /// <summary>Bit 1: the ARM frequency is capped now.</summary>
    FrequencyCapped = 1u << 1,

    /// <summary>Bit 2: the SoC is throttled now.</summary>
    Throttled = 1u << 2,

    /// <summary>Bit 3: the soft temperature limit (default 60 °C on the 3B+) is active now.</summary>
    SoftTemperatureLimit = 1u << 3,

    /// <summary>Bit 16: under-voltage has happened since boot.</summary>
    UnderVoltageOccurred = 1u << 16,

    /// <summary>Bit 17: frequency capping has happened since boot.</summary>
    FrequencyCappedOccurred = 1u << 17,

    /// <summary>Bit 18: throttling has happened since boot.</summary>
    ThrottledOccurred = 1u << 18,

    /// <summary>Bit 19: the soft temperature limit has been active since boot.</summary>
    SoftTemperatureLimitOccurred = 1u << 19,
}
