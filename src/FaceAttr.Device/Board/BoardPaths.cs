namespace FaceAttr.Device;

/// <summary>
/// Where <see cref="BoardInfo"/> and <see cref="BoardSensors"/> read board facts. The defaults are the Linux paths;
/// tests point them at fixture copies of real Raspberry Pi and Jetson files.
/// </summary>
public sealed record BoardPaths
{
    /// <summary>The paths of a real board.</summary>
    public static BoardPaths Default { get; } = new();

    /// <summary>Device-tree model string, NUL-terminated. Default <c>/proc/device-tree/model</c>.</summary>
    public string DeviceTreeModel { get; init; } = "/proc/device-tree/model";

    /// <summary>Directory holding <c>thermal_zone*/{type,temp}</c> (temp in millidegrees Celsius). Default <c>/sys/class/thermal</c>.</summary>
    public string ThermalRoot { get; init; } = "/sys/class/thermal";

    /// <summary>
    /// Raspberry Pi firmware throttling word as hex without <c>0x</c> (older Raspberry Pi OS kernels; newer ones dropped
    /// it for hwmon). Default <c>/sys/devices/platform/soc/soc:firmware/get_throttled</c>.
    /// </summary>
    public string FirmwareThrottled { get; init; } = "/sys/devices/platform/soc/soc:firmware/get_throttled";

    /// <summary>
    /// The <c>vcgencmd</c> program, run as <c>vcgencmd get_throttled</c> when <see cref="FirmwareThrottled"/> is absent
    /// (needs the <c>video</c> group for <c>/dev/vcio</c>); null to never run it. Default <c>/usr/bin/vcgencmd</c>.
    /// </summary>
    public string? Vcgencmd { get; init; } = "/usr/bin/vcgencmd";
}
