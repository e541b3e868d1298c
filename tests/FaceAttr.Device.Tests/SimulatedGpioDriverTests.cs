using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class SimulatedGpioDriverTests
{
    [Fact]
    public void Pull_up_input_reads_high_until_driven_low_and_high_again_when_released()
    {
        using var rig = new Rig();
        rig.Controller.OpenPin(5, PinMode.InputPullUp);
        Assert.Equal(PinValue.High, rig.Controller.Read(5));

        rig.Driver.Drive(5, PinValue.Low);
        Assert.Equal(PinValue.Low, rig.Controller.Read(5));

        rig.Driver.Release(5);
        Assert.Equal(PinValue.High, rig.Controller.Read(5));
    }

    [Fact]
    public void Pull_down_and_floating_inputs_read_low_when_undriven()
    {
        using var rig = new Rig();
        rig.Controller.OpenPin(6, PinMode.InputPullDown);
        rig.Controller.OpenPin(7, PinMode.Input);
        Assert.Equal(PinValue.Low, rig.Controller.Read(6));
        Assert.Equal(PinValue.Low, rig.Controller.Read(7));
    }

    [Fact]
    public void Edges_reach_only_the_callbacks_registered_for_them()
    {
        using var rig = new Rig();
        rig.Controller.OpenPin(5, PinMode.InputPullUp);
        var falling = new List<PinEventTypes>();
        var rising = new List<PinEventTypes>();
        rig.Controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Falling, (_, e) => falling.Add(e.ChangeType));
        rig.Controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising, (_, e) => rising.Add(e.ChangeType));

        rig.Driver.Drive(5, PinValue.Low);
        rig.Driver.Drive(5, PinValue.Low); // no change, no edge
        rig.Driver.Release(5);

        Assert.Equal([PinEventTypes.Falling], falling);
        Assert.Equal([PinEventTypes.Rising], rising);
    }

    [Fact]
    public void Driver_without_bias_support_refuses_pull_modes_like_sysfs()
    {
        using var rig = new Rig(supportsPullResistors: false);
        Assert.False(rig.Controller.IsPinModeSupported(3, PinMode.InputPullUp));
        Assert.True(rig.Controller.IsPinModeSupported(3, PinMode.Input));
        rig.Controller.OpenPin(3);
        Assert.Throws<InvalidOperationException>(() => rig.Controller.SetPinMode(3, PinMode.InputPullUp));
    }

    [Fact]
    public void Busy_line_fails_to_open_with_an_io_error()
    {
        using var rig = new Rig();
        rig.Driver.MakeBusy(17);
        var ex = Assert.Throws<IOException>(() => rig.Controller.OpenPin(17));
        Assert.Contains("busy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_writes_are_recorded_with_the_clock()
    {
        using var rig = new Rig();
        rig.Controller.OpenPin(9, PinMode.Output);
        rig.Advance(250);
        rig.Controller.Write(9, PinValue.High);

        var write = Assert.Single(rig.Driver.Writes);
        Assert.Equal(new PinWrite(Rig.Start.AddMilliseconds(250), 9, PinValue.High), write);
        Assert.Equal(PinValue.High, rig.Driver.LevelOf(9));
    }

    [Fact]
    public async Task WaitForEvent_returns_the_edge_or_times_out()
    {
        using var rig = new Rig();
        rig.Controller.OpenPin(4, PinMode.InputPullDown);

        var timedOut = rig.Controller.WaitForEvent(4, PinEventTypes.Rising, TimeSpan.FromMilliseconds(20));
        Assert.True(timedOut.TimedOut);

        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = Task.Run(() => rig.Controller.WaitForEvent(4, PinEventTypes.Rising, done.Token));
        SpinWait.SpinUntil(() => rig.Driver.CallbackCount(4) == 1, TimeSpan.FromSeconds(5));
        rig.Driver.Drive(4, PinValue.High);
        var result = await waiting;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Rising, result.EventTypes);
        Assert.Equal(0, rig.Driver.CallbackCount(4));
    }

    [Fact]
    public void Disposing_the_controller_closes_the_pins_and_disposes_the_driver()
    {
        var rig = new Rig();
        rig.Controller.OpenPin(1, PinMode.Output);
        rig.Controller.OpenPin(2, PinMode.Input);
        Assert.Equal(2, rig.Driver.OpenPinCount);

        rig.Dispose();

        Assert.Equal(0, rig.Driver.OpenPinCount);
        Assert.True(rig.Driver.IsDisposed);
    }
}
