using System.Globalization;

namespace FaceAttr.Daemon;

/// <summary>
/// Reads the board's CPU temperature from the Linux thermal zone (<c>/sys/class/thermal/thermal_zone0/temp</c>, in
/// millidegrees on Raspberry Pi and Jetson boards). Boards and VMs without one report none.
/// </summary>
public sealed class BoardSensors(string thermalZone = "/sys/class/thermal/thermal_zone0/temp")
{
    /// <summary>CPU temperature in °C, or null when the board has no readable sensor or it reads junk.</summary>
    public double? CpuTemperatureC()
    {
        string text;
        try
        {
            text = File.ReadAllText(thermalZone);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return long.TryParse(text.AsSpan().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli) && milli is > -50_000 and < 150_000
            ? milli / 1000.0
            : null;
    }
}
