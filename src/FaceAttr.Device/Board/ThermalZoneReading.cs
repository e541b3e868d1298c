namespace FaceAttr.Device;

/// <summary>One Linux thermal zone's reading.</summary>
/// <param name="Zone">Directory name, e.g. <c>thermal_zone0</c>.</param>
/// <param name="Type">The zone's type, e.g. <c>cpu-thermal</c> (Raspberry Pi), <c>CPU-therm</c> / <c>GPU-therm</c> (Jetson).</param>
/// <param name="Celsius">Temperature in degrees Celsius.</param>
public readonly record struct ThermalZoneReading(string Zone, string Type, double Celsius);
