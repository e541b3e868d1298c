namespace FaceAttr.Device.Tests;

public sealed class BoardSensorsTests
{
    [Fact]
    public void Pi_cpu_temperature_is_its_single_zone_in_degrees()
    {
        var sensors = new BoardSensors(Fixtures.PathsFor("pi5"));
        Assert.True(sensors.TryReadCpuTemperature(out var celsius));
        Assert.Equal(51.95, celsius, 3);
    }

    [Fact]
    public void Jetson_nano_zones_are_read_by_type_and_the_cpu_is_found_by_name()
    {
        var sensors = new BoardSensors(Fixtures.PathsFor("jetson-nano"));
        var zones = sensors.ReadThermalZones();

        Assert.Equal(["AO-therm", "CPU-therm", "GPU-therm", "PLL-therm", "PMIC-Die", "thermal-fan-est"], zones.Select(z => z.Type));
        Assert.Equal(new ThermalZoneReading("thermal_zone2", "GPU-therm", 32.5), zones[2]);
        Assert.True(sensors.TryReadCpuTemperature(out var cpu));
        Assert.Equal(33.0, cpu, 3); // zone 1, not zone 0 (AO-therm)
    }

    [Fact]
    public void Orin_placeholder_readings_of_absent_sensors_are_left_out()
    {
        var zones = new BoardSensors(Fixtures.PathsFor("jetson-orin-nano")).ReadThermalZones();

        Assert.DoesNotContain(zones, z => z.Type.StartsWith("cv", StringComparison.Ordinal));
        Assert.Equal(["cpu-thermal", "gpu-thermal", "soc0-thermal", "soc1-thermal", "soc2-thermal", "tj-thermal"], zones.Select(z => z.Type));
    }

    [Fact]
    public void Zones_come_in_numeric_order_and_unreadable_ones_are_skipped()
    {
        var root = Directory.CreateTempSubdirectory("faceattr-thermal-").FullName;
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var zone = Directory.CreateDirectory(Path.Combine(root, $"thermal_zone{i}")).FullName;
                File.WriteAllText(Path.Combine(zone, "type"), $"zone-{i}\n");
                if (i == 3)
                {
                    Directory.CreateDirectory(Path.Combine(zone, "temp")); // reading it fails, as a powered-down sensor does
                }
                else
                {
                    File.WriteAllText(Path.Combine(zone, "temp"), $"{40_000 + i}\n");
                }
            }

            var zones = new BoardSensors(new BoardPaths { ThermalRoot = root }).ReadThermalZones();

            Assert.Equal(11, zones.Count);
            Assert.Equal("thermal_zone10", zones[9].Zone);
            Assert.Equal(40.011, zones[^1].Celsius, 6);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Machine_without_thermal_zones_reports_no_temperature()
    {
        var sensors = new BoardSensors(new BoardPaths { ThermalRoot = Path.Combine(Fixtures.Root("pi5"), "no-such-dir") });
        Assert.Empty(sensors.ReadThermalZones());
        Assert.False(sensors.TryReadCpuTemperature(out _));
    }

    [Fact]
    public void Pi4_throttling_comes_from_the_firmware_sysfs_file()
    {
        var sensors = new BoardSensors(Fixtures.PathsFor("pi4") with { Vcgencmd = null });
        Assert.True(sensors.TryReadThrottling(out var state));
        Assert.Equal(0x50000u, state.Raw);
        Assert.True(state.IsHealthy);
        Assert.Equal(ThrottleConditions.UnderVoltageOccurred | ThrottleConditions.ThrottledOccurred, state.SinceBoot);
    }

    [Fact]
    public void Pi5_throttling_comes_from_vcgencmd_when_the_sysfs_file_is_gone()
    {
        var sensors = new BoardSensors(Fixtures.PathsFor("pi5"));
        Assert.True(sensors.TryReadThrottling(out var state));
        Assert.Equal(0x50005u, state.Raw);
        Assert.Equal(ThrottleConditions.UnderVoltage | ThrottleConditions.Throttled, state.Current);
    }

    [Fact]
    public void Failing_vcgencmd_gives_no_reading()
    {
        var sensors = new BoardSensors(Fixtures.PathsFor("pi5", vcgencmdBoard: "pi-novideo"));
        Assert.False(sensors.TryReadThrottling(out _));
    }

    [Fact]
    public void Jetson_has_no_throttling_word()
    {
        var paths = Fixtures.PathsFor("jetson-nano");
        var readings = new BoardSensors(paths).Read();
        Assert.Null(readings.Throttling);
        Assert.Equal(33.0, readings.CpuTemperatureC!.Value, 3);
        Assert.Equal(6, readings.Zones.Count);
    }

    [Fact]
    public void Read_collects_everything_for_the_heartbeat()
    {
        var readings = new BoardSensors(Fixtures.PathsFor("pi5")).Read();
        Assert.Equal(51.95, readings.CpuTemperatureC!.Value, 3);
        Assert.Equal(new ThrottleState(0x50005), readings.Throttling);
        Assert.Single(readings.Zones);
    }
}
