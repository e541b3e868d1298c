using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class PresenceGateTests
{
    private const int Pir = 17;
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(30);
    private static readonly MotionSensorSettings Settings = new() { Hold = TimeSpan.FromSeconds(5), Debounce = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public void Without_a_sensor_the_gate_always_captures()
    {
        using var rig = new Rig();
        using var gate = new PresenceGate(null, IdleAfter);
        var sleeps = 0;
        gate.Sleep += (_, _) => sleeps++;

        Assert.False(gate.HasSensor);
        Assert.True(gate.ShouldCapture(Rig.Start.AddHours(5), facesPresent: false));
        Assert.Equal(0, sleeps);
    }

    [Fact]
    public void Empty_room_sleeps_exactly_idle_after_the_first_frame()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);
        var sleeps = new List<DateTimeOffset>();
        gate.Sleep += (_, e) => sleeps.Add(e.At);

        Assert.True(gate.ShouldCapture(Rig.Start, facesPresent: false));
        Assert.True(gate.ShouldCapture(Rig.Start.AddMilliseconds(29_900), facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(30), facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(31), facesPresent: false));

        Assert.Equal([Rig.Start.AddSeconds(30)], sleeps); // raised once, not per call
        Assert.False(gate.IsAwake);
    }

    [Fact]
    public void A_slow_start_still_analyses_for_idle_after_from_the_first_frame()
    {
        // On a loaded board the models can take longer to load than idleAfter: the first frame must still be analysed,
        // or the device would sleep before ever seeing the people in front of it.
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);
        var firstFrame = Rig.Start.AddMinutes(2);

        Assert.True(gate.ShouldCapture(firstFrame, facesPresent: false));
        Assert.True(gate.ShouldCapture(firstFrame.AddMilliseconds(29_900), facesPresent: false));
        Assert.False(gate.ShouldCapture(firstFrame.AddSeconds(30), facesPresent: false));
    }

    [Fact]
    public void Faces_keep_the_camera_awake_without_motion()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);

        // Someone reading the kiosk screen, standing still: the PIR sees nothing, the camera sees a face.
        Assert.True(gate.ShouldCapture(Rig.Start.AddSeconds(25), facesPresent: true));
        Assert.True(gate.ShouldCapture(Rig.Start.AddSeconds(50), facesPresent: true));
        Assert.True(gate.ShouldCapture(Rig.Start.AddSeconds(79), facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(80), facesPresent: false));
    }

    [Fact]
    public void Motion_wakes_a_sleeping_gate_at_once_from_the_sensor()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);
        var wakes = new List<DateTimeOffset>();
        gate.Wake += (_, e) => wakes.Add(e.At);
        Assert.True(gate.ShouldCapture(Rig.Start, facesPresent: false));
        rig.Advance(30_000);
        Assert.False(gate.ShouldCapture(rig.Time.GetUtcNow(), facesPresent: false));

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(50);

        Assert.Equal([Rig.Start.AddMilliseconds(30_050)], wakes);
        Assert.True(gate.IsAwake);
        Assert.True(gate.ShouldCapture(rig.Time.GetUtcNow(), facesPresent: false));
    }

    [Fact]
    public void Idle_countdown_starts_when_motion_ends_not_when_it_started()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(60_000); // someone moving about for a minute
        Assert.True(gate.ShouldCapture(rig.Time.GetUtcNow(), facesPresent: false)); // motion in progress
        rig.Driver.Drive(Pir, PinValue.Low);
        rig.Advance(50 + 5000); // debounce + hold: Idle at 65.05 s

        Assert.False(sensor.IsMotion);
        Assert.True(gate.ShouldCapture(Rig.Start.AddSeconds(95), facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddMilliseconds(95_050), facesPresent: false));
    }

    [Fact]
    public void NotifyActivity_wakes_and_restarts_the_countdown()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        using var gate = new PresenceGate(sensor, IdleAfter);
        var wakes = 0;
        gate.Wake += (_, _) => wakes++;
        Assert.True(gate.ShouldCapture(Rig.Start, facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(40), facesPresent: false));

        gate.NotifyActivity(Rig.Start.AddSeconds(41));

        Assert.Equal(1, wakes);
        Assert.True(gate.ShouldCapture(Rig.Start.AddSeconds(70), facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(71), facesPresent: false));
    }

    [Fact]
    public void Dispose_unsubscribes_from_the_sensor()
    {
        using var rig = new Rig();
        using var sensor = new MotionSensor(rig.Controller, Pir, Settings, rig.Time);
        var gate = new PresenceGate(sensor, IdleAfter);
        Assert.True(gate.ShouldCapture(Rig.Start, facesPresent: false));
        Assert.False(gate.ShouldCapture(Rig.Start.AddSeconds(30), facesPresent: false));
        gate.Dispose();

        rig.Driver.Drive(Pir, PinValue.High);
        rig.Advance(50);

        Assert.True(sensor.IsMotion);
        Assert.False(gate.IsAwake);
    }
}
