namespace FaceAttr.Device;

/// <summary>Board facts for one stats heartbeat; each is null (or empty) where the board does not expose it.</summary>
/// <param name="CpuTemperatureC">CPU temperature in °C.</param>
/// <param name="Throttling">Raspberry Pi throttling word.</param>
/// <param name="Zones">Every readable thermal zone (Jetsons have several: CPU, GPU, SoC, junction …).</param>
public sealed record BoardReadings(double? CpuTemperatureC, ThrottleState? Throttling, IReadOnlyList<ThermalZoneReading> Zones);
