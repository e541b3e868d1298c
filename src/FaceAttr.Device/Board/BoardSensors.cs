using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace FaceAttr.Device;

/// <summary>
/// Reads board temperatures and Raspberry Pi throttling for the stats heartbeat. Everything is best effort: a board
/// or VM without a source reports nothing rather than failing.
/// </summary>
/// <remarks>Stateless apart from its paths; safe to call from any thread. Each call reads the files afresh.</remarks>
public sealed class BoardSensors
{
    // Zone types that mean "the CPU", across Raspberry Pi (cpu-thermal), Jetson JetPack 4/5 (CPU-therm),
    // JetPack 6 (cpu-thermal) and x86 kiosks (x86_pkg_temp).
    private static readonly string[] CpuZoneTypes = ["cpu-thermal", "cpu-therm", "cpu_thermal", "x86_pkg_temp"];

    private readonly BoardPaths _paths;
    private readonly TimeSpan _vcgencmdTimeout;

    /// <summary>Creates the reader.</summary>
    /// <param name="paths">Where to read; <see cref="BoardPaths.Default"/> on a device.</param>
    /// <param name="vcgencmdTimeout">Longest wait for <c>vcgencmd</c>; default 2 s (it answers in ~10 ms unless the firmware is wedged).</param>
    public BoardSensors(BoardPaths paths, TimeSpan? vcgencmdTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = paths;
        _vcgencmdTimeout = vcgencmdTimeout ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>
    /// Every thermal zone that reads a plausible temperature (−40 to 150 °C), in zone order. Zones that fail to read
    /// (Jetson sensors that are powered down return an I/O error) or report a placeholder (−256 °C on Orin's absent
    /// DLA sensors) are left out.
    /// </summary>
    public IReadOnlyList<ThermalZoneReading> ReadThermalZones()
    {
        string[] zones;
        try
        {
            zones = Directory.GetDirectories(_paths.ThermalRoot, "thermal_zone*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var readings = new List<ThermalZoneReading>(zones.Length);
        foreach (var dir in zones.OrderBy(ZoneNumber))
        {
            if (TryReadLine(Path.Combine(dir, "temp"), out var temp)
                && long.TryParse(temp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milli)
                && milli is >= -40_000 and <= 150_000)
            {
                var type = TryReadLine(Path.Combine(dir, "type"), out var t) ? t : "unknown";
                readings.Add(new ThermalZoneReading(Path.GetFileName(dir), type, milli / 1000.0));
            }
        }

        return readings;
    }

    /// <summary>
    /// The CPU temperature in °C: the zone whose type names the CPU, else the first readable zone (on single-zone
    /// boards that is the SoC).
    /// </summary>
    public bool TryReadCpuTemperature(out double celsius) => TryPickCpu(ReadThermalZones(), out celsius);

    /// <summary>
    /// The Raspberry Pi throttling word: from <see cref="BoardPaths.FirmwareThrottled"/> where the kernel has it, else
    /// from <c>vcgencmd get_throttled</c>. False on boards with neither (Jetson, x86) or when vcgencmd fails.
    /// </summary>
    public bool TryReadThrottling(out ThrottleState state)
    {
        if (TryReadLine(_paths.FirmwareThrottled, out var sysfs))
        {
            return ThrottleState.TryParse(sysfs, out state);
        }

        state = default;
        return _paths.Vcgencmd is { } vcgencmd && File.Exists(vcgencmd)
            && TryRunVcgencmd(vcgencmd, out var output)
            && ThrottleState.TryParse(output, out state);
    }

    /// <summary>Everything for one heartbeat, reading the thermal zones once.</summary>
    public BoardReadings Read()
    {
        var zones = ReadThermalZones();
        double? cpu = TryPickCpu(zones, out var celsius) ? celsius : null;
        ThrottleState? throttling = TryReadThrottling(out var state) ? state : null;
        return new BoardReadings(cpu, throttling, zones);
    }

    private static bool TryPickCpu(IReadOnlyList<ThermalZoneReading> zones, out double celsius)
    {
        foreach (var zone in zones)
        {
            if (CpuZoneTypes.Contains(zone.Type, StringComparer.OrdinalIgnoreCase))
            {
                celsius = zone.Celsius;
                return true;
            }
        }

        celsius = zones.Count > 0 ? zones[0].Celsius : double.NaN;
        return zones.Count > 0;
    }

    private static int ZoneNumber(string dir) =>
        int.TryParse(Path.GetFileName(dir).AsSpan("thermal_zone".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    private static bool TryReadLine(string path, out string line)
    {
        try
        {
            line = File.ReadAllText(path).Trim();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            line = string.Empty;
            return false;
        }
    }

    private bool TryRunVcgencmd(string program, out string output)
    {
        output = string.Empty;
        var start = new ProcessStartInfo(program, "get_throttled")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(_vcgencmdTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            // vcgencmd without access to /dev/vcio prints an error and exits non-zero: no reading, not a crash.
            if (process.ExitCode != 0 || !stdout.Wait(_vcgencmdTimeout))
            {
                return false;
            }

            output = stdout.Result;
            return true;
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or InvalidOperationException)
        {
            return false;
        }
    }
}
