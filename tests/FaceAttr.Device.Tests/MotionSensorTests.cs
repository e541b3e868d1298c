using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class MotionSensorTests
{
    private const int Pir = 17;

    private static readonly MotionSensorSettings Settings = new()
    {
        Hold = TimeSpan.FromSeconds(5),
        Debounce = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public void Rising_edge_becomes_motion_once_it_has_held_for_the_debounce_time()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        var motion = new List<DateTimeOffset>();
        sensor.Motion += (_, e) => motion.Add(e.At);

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(49);
        Assert.Empty(motion);
        Assert.False(sensor.IsMotion);

        rig.Advance(1);
        Assert.Equal([Rig.Start.AddMilliseconds(50)], motion);
        Assert.True(sensor.IsMotion);
    }

    [Fact]
    public void Spike_shorter_than_the_debounce_time_is_ignored()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        var events = 0;
        sensor.Motion += (_, _) => events++;

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(10);
        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(1000);

        Assert.Equal(0, events);
        Assert.False(sensor.IsMotion);
    }

    [Fact]
    public void Motion_ends_exactly_one_hold_time_after_the_line_drops()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        var idle = new List<DateTimeOffset>();
        sensor.Idle += (_, e) => idle.Add(e.At);

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(1000);
        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(50); // debounce of the falling edge: accepted at t = 1.05 s
        rig.Advance(4999);
        Assert.Empty(idle);
        Assert.True(sensor.IsMotion);

        rig.Advance(1);
        Assert.Equal([Rig.Start.AddMilliseconds(6050)], idle);
        Assert.False(sensor.IsMotion);
        Assert.Equal(Rig.Start.AddMilliseconds(1050), sensor.LastMotionAt);
    }

    [Fact]
    public void Retrigger_within_the_hold_extends_the_same_motion()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        var (motion, idle) = (0, 0);
        sensor.Motion += (_, _) => motion++;
        sensor.Idle += (_, _) => idle++;

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(100);
        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(3000);
        rig.Driver.Drive(Pir, PinValue.High); // a person still there: PIR retriggers
        rig.Advance(100);
        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(4000); // 7.2 s after the first trigger, 4 s after the second fell: still in motion

        Assert.Equal(1, motion);
        Assert.Equal(0, idle);
        Assert.True(sensor.IsMotion);

        rig.Advance(1100);
        Assert.Equal(1, idle);
    }

    [Fact]
    public void Active_low_sensor_gets_a_pull_up_and_reports_motion_on_a_low_line()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings with { ActiveLow = true }, rig.Time);
        Assert.Equal(PinMode.InputPullUp, rig.Driver.ModeOf(Pir));
        Assert.False(sensor.IsMotion);

        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(50);
        Assert.True(sensor.IsMotion);
    }

    [Fact]
    public void Active_high_sensor_gets_a_pull_down_so_an_unplugged_sensor_reads_idle()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        Assert.Equal(PinMode.InputPullDown, sensor.Mode);
        Assert.False(sensor.IsMotion);
    }

    [Fact]
    public void Line_already_active_at_start_is_motion_without_an_event()
    {
        using var rig = new Rig();
        rig.Driver.Drive(Pir, PinValue.High);
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        Assert.True(sensor.IsMotion);
        Assert.Equal(Rig.Start, sensor.LastMotionAt);
    }

    [Fact]
    public void Zero_hold_and_zero_debounce_follow_the_line_directly()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, new MotionSensorSettings { Hold = TimeSpan.Zero, Debounce = TimeSpan.Zero }, rig.Time);
        var log = new List<string>();
        sensor.Motion += (_, _) => log.Add("motion");
        sensor.Idle += (_, _) => log.Add("idle");

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Driver.Drive(Pir, PinValue.Low);

        Assert.Equal(["motion", "idle"], log);
    }

    [Fact]
    public void Dispose_unregisters_and_closes_the_line()
    {
        using var rig = new Rig();
        var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        Assert.Equal(1, rig.Driver.CallbackCount(Pir));

        sensor.Dispose();

        Assert.False(rig.Driver.IsOpen(Pir));
        Assert.False(rig.Controller.IsPinOpen(Pir));
        rig.Driver.Drive(Pir, PinValue.High); // must not reach the disposed sensor
        rig.Advance(10_000);
        Assert.False(sensor.IsMotion);
    }
}
