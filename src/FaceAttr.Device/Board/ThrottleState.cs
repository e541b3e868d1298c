using System.Globalization;

namespace FaceAttr.Device;

/// <summary>The Raspberry Pi firmware's throttling word, decoded.</summary>
/// <param name="Raw">The word as read, including bits this version does not name.</param>
public readonly record struct ThrottleState(uint Raw)
{
    private const uint CurrentMask = 0xF;
    private const uint SinceBootMask = 0xF_0000;

    private static readonly (ThrottleConditions Flag, string Name)[] Names =
    [
        (ThrottleConditions.UnderVoltage, "under_voltage"),
        (ThrottleConditions.FrequencyCapped, "freq_capped"),
        (ThrottleConditions.Throttled, "throttled"),
        (ThrottleConditions.SoftTemperatureLimit, "soft_temp_limit"),
        (ThrottleConditions.UnderVoltageOccurred, "under_voltage_occurred"),
        (ThrottleConditions.FrequencyCappedOccurred, "freq_capped_occurred"),
        (ThrottleConditions.ThrottledOccurred, "throttled_occurred"),
        (ThrottleConditions.SoftTemperatureLimitOccurred, "soft_temp_limit_occurred"),
    ];

    /// <summary>The named bits that are set.</summary>
    public ThrottleConditions Conditions => (ThrottleConditions)(Raw & (CurrentMask | SinceBootMask));

    /// <summary>The conditions active now (bits 0–3).</summary>
    public ThrottleConditions Current => (ThrottleConditions)(Raw & CurrentMask);

    /// <summary>The conditions that have happened since boot (bits 16–19).</summary>
    public ThrottleConditions SinceBoot => (ThrottleConditions)(Raw & SinceBootMask);

    /// <summary>True when nothing is wrong now (history may still show past trouble).</summary>
    public bool IsHealthy => Current == ThrottleConditions.None;

    /// <summary>
    /// Parses the forms the word comes in: <c>vcgencmd get_throttled</c> output (<c>throttled=0x50005</c>), a bare
    /// <c>0x50005</c>, or the sysfs file's hex without prefix (<c>50005</c>). Surrounding whitespace is ignored.
    /// </summary>
    public static bool TryParse(string? text, out ThrottleState state)
    {
        state = default;
        var span = text.AsSpan().Trim();
        if (span.StartsWith("throttled=", StringComparison.Ordinal))
        {
            span = span["throttled=".Length..];
        }

        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        if (span.IsEmpty || !uint.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var raw))
        {
            return false;
        }

        state = new ThrottleState(raw);
        return true;
    }

    /// <summary>The set conditions as snake_case names for the stats heartbeat (e.g. <c>under_voltage</c>, <c>throttled_occurred</c>).</summary>
    public IReadOnlyList<string> ConditionNames()
    {
        var conditions = Conditions;
        return [.. Names.Where(n => (conditions & n.Flag) != 0).Select(n => n.Name)];
    }

    /// <summary>The raw word as vcgencmd prints it, e.g. <c>0x50005</c>.</summary>
    public override string ToString() => $"0x{Raw:x}";
}
