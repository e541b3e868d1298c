using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class GpioDeviceHostTests
{
    private static readonly DeviceOptions Wired = new() { MotionPin = 17, LedPin = 27, ButtonPin = 22, IdleAfterSeconds = 10 };

    [Fact]
    public void Opens_every_configured_part_on_the_given_controller()
    {
        using var rig = new Rig();
        using var host = GpioDeviceHost.Open(Wired, rig.Time, () => rig.Controller);

        Assert.Empty(host.Problems);
        Assert.Same(rig.Controller, host.Controller);
        Assert.Equal(17, host.Motion!.Pin);
        Assert.Equal([27], host.Led!.Pins);
        Assert.Equal(22, host.Button!.Pin);
        Assert.True(host.Presence.HasSensor);
        Assert.Equal(3, rig.Driver.OpenPinCount);
    }

    [Fact]
    public void Motion_on_the_pin_wakes_the_presence_gate_end_to_end()
    {
        using var rig = new Rig();
        using var host = GpioDeviceHost.Open(Wired, rig.Time, () => rig.Controller);
        var wakes = 0;
        host.Presence.Wake += (_, _) => wakes++;
        Assert.True(host.Presence.ShouldCapture(Rig.Start, facesPresent: false)); // the first frame starts the countdown
        Assert.False(host.Presence.ShouldCapture(Rig.Start.AddSeconds(10), facesPresent: false));

        rig.Advance(10_000);
        rig.Driver.Drive(17, PinValue.High);
        rig.Advance(50);

        Assert.Equal(1, wakes);
        Assert.True(host.Presence.ShouldCapture(rig.Time.GetUtcNow(), facesPresent: false));
    }

    [Fact]
    public void No_pins_means_no_controller_is_ever_created()
    {
        using var rig = new Rig();
        var created = 0;
        using var host = GpioDeviceHost.Open(new DeviceOptions(), rig.Time, () => { created++; return rig.Controller; });

        Assert.Equal(0, created);
        Assert.Null(host.Controller);
        Assert.Empty(host.Problems);
        Assert.True(host.Presence.ShouldCapture(Rig.Start.AddDays(1), facesPresent: false));
    }

    [Fact]
    public void Board_without_gpio_reports_the_reason_and_keeps_the_camera_running()
    {
        using var rig = new Rig();
        using var host = GpioDeviceHost.Open(Wired, rig.Time, () => throw new IOException("/dev/gpiochip0: No such file or directory"));

        var problem = Assert.Single(host.Problems);
        Assert.Equal("gpio unavailable: /dev/gpiochip0: No such file or directory", problem);
        Assert.Null(host.Motion);
        Assert.Null(host.Led);
        Assert.Null(host.Button);
        Assert.False(host.Presence.HasSensor);
        Assert.True(host.Presence.ShouldCapture(Rig.Start.AddDays(1), facesPresent: false));
    }

    [Fact]
    public void A_busy_line_loses_only_its_own_part()
    {
        using var rig = new Rig();
        rig.Driver.MakeBusy(22);
        using var host = GpioDeviceHost.Open(Wired, rig.Time, () => rig.Controller);

        var problem = Assert.Single(host.Problems);
        Assert.StartsWith("gpio unavailable: test button on GPIO22: ", problem, StringComparison.Ordinal);
        Assert.Null(host.Button);
        Assert.NotNull(host.Motion);
        Assert.NotNull(host.Led);
    }

    [Fact]
    public void Line_beyond_the_chip_is_reported_not_thrown()
    {
        using var rig = new Rig();
        using var host = GpioDeviceHost.Open(new DeviceOptions { LedPin = 200 }, rig.Time, () => rig.Controller);

        Assert.StartsWith("gpio unavailable: status LED: ", Assert.Single(host.Problems), StringComparison.Ordinal);
        Assert.Null(host.Led);
    }

    [Fact]
    public void Invalid_options_still_throw()
    {
        using var rig = new Rig();
        var ex = Assert.Throws<DeviceOptionsException>(() => GpioDeviceHost.Open(new DeviceOptions { MotionPin = 4, LedPin = 4 }, rig.Time, () => rig.Controller));
        Assert.Equal("FaceAttr:Device:LedPin", ex.Key);
    }

    [Fact]
    public void Dispose_turns_the_led_off_closes_every_line_and_disposes_the_driver()
    {
        var rig = new Rig();
        var host = GpioDeviceHost.Open(Wired, rig.Time, () => rig.Controller);
        host.Led!.Show(LedState.Online);
        Assert.Equal(PinValue.High, rig.Driver.LevelOf(27));

        host.Dispose();

        Assert.Equal(new PinWrite(Rig.Start, 27, PinValue.Low), rig.Driver.Writes[^1]);
        Assert.Equal(0, rig.Driver.OpenPinCount);
        Assert.True(rig.Driver.IsDisposed);
    }

    [Fact]
    public void Simulated_option_runs_without_hardware()
    {
        using var rig = new Rig();
        using var host = GpioDeviceHost.Open(new DeviceOptions { LedPin = 27, Simulated = true }, rig.Time);

        Assert.Empty(host.Problems);
        host.Led!.Show(LedState.Online);
        Assert.Equal(PinValue.High, host.Controller!.Read(27));
    }

    [Fact]
    public void Default_controller_on_a_machine_without_a_gpio_chip_reports_instead_of_throwing()
    {
        // This runs the real System.Device.Gpio driver selection. On a board with GPIO it opens the pin instead.
        var hasChip = Directory.Exists("/dev") && Directory.EnumerateFiles("/dev", "gpiochip*").Any();
        using var host = GpioDeviceHost.Open(new DeviceOptions { LedPin = 27 }, TimeProvider.System);

        if (hasChip)
        {
            Assert.NotNull(host.Controller);
        }
        else
        {
            var problem = Assert.Single(host.Problems);
            Assert.StartsWith("gpio unavailable: ", problem, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", problem, StringComparison.Ordinal); // one line for the log, not the loader's probe list
            Assert.Null(host.Led);
        }
    }
}
