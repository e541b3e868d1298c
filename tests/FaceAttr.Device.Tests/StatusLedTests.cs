using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class StatusLedTests
{
    private const int Led = 27;

    [Fact]
    public void Opens_dark_before_any_state_is_shown()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        Assert.Equal(PinMode.Output, rig.Driver.ModeOf(Led));
        Assert.Equal(PinValue.Low, rig.Driver.LevelOf(Led));
    }

    [Fact]
    public void Starting_blinks_slowly_500_ms_on_500_ms_off()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.Starting);
        rig.Advance(2000);

        Assert.Equal([(0, true), (500, false), (1000, true), (1500, false), (2000, true)], Transitions(rig, Led));
    }

    [Fact]
    public void Broker_lost_blinks_fast_100_ms_on_100_ms_off()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.BrokerLost);
        rig.Advance(400);

        Assert.Equal([(0, true), (100, false), (200, true), (300, false), (400, true)], Transitions(rig, Led));
    }

    [Fact]
    public void Face_present_double_blinks_once_a_second()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.FacePresent);
        rig.Advance(1100);

        Assert.Equal([(0, true), (100, false), (200, true), (300, false), (1000, true), (1100, false)], Transitions(rig, Led));
    }

    [Fact]
    public void Online_is_steady_and_writes_nothing_further()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.Online);
        var writes = rig.Driver.Writes.Count;
        rig.Advance(5000);

        Assert.Equal(writes, rig.Driver.Writes.Count);
        Assert.Equal(PinValue.High, rig.Driver.LevelOf(Led));
    }

    [Fact]
    public void Showing_the_same_state_again_does_not_restart_the_blink()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.Starting);
        for (var i = 0; i < 10; i++)
        {
            rig.Advance(100);
            led.Show(LedState.Starting); // the pipeline calls this per frame
        }

        Assert.Equal([(0, true), (500, false), (1000, true)], Transitions(rig, Led));
    }

    [Fact]
    public void A_new_state_starts_its_pattern_at_once_and_the_old_timing_is_dropped()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.Starting);
        rig.Advance(300);
        led.Show(LedState.BrokerLost); // lit already: the fast blink's first step keeps it lit
        rig.Advance(250);

        Assert.Equal(LedState.BrokerLost, led.State);
        Assert.Equal([(0, true), (400, false), (500, true)], Transitions(rig, Led));
    }

    [Fact]
    public void Active_low_led_is_driven_low_to_light()
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led, ActiveLow = true }, rig.Time);
        Assert.Equal(PinValue.High, rig.Driver.LevelOf(Led)); // dark

        led.Show(LedState.Online);

        Assert.Equal(PinValue.Low, rig.Driver.LevelOf(Led));
    }

    [Theory]
    [InlineData(LedState.Starting, true, true, false)]
    [InlineData(LedState.Online, false, true, false)]
    [InlineData(LedState.BrokerLost, true, false, false)]
    [InlineData(LedState.FacePresent, false, false, true)]
    public void Rgb_led_shows_each_state_in_its_colour(LedState state, bool red, bool green, bool blue)
    {
        using var rig = new Rig();
        using var led = new StatusLed(rig.Controller, new StatusLedSettings { RedPin = 5, GreenPin = 6, BluePin = 13 }, rig.Time);
        led.Show(state);

        Assert.Equal(red ? PinValue.High : PinValue.Low, rig.Driver.LevelOf(5));
        Assert.Equal(green ? PinValue.High : PinValue.Low, rig.Driver.LevelOf(6));
        Assert.Equal(blue ? PinValue.High : PinValue.Low, rig.Driver.LevelOf(13));
    }

    [Fact]
    public void Dispose_turns_the_led_off_closes_the_pins_and_stops_the_pattern()
    {
        using var rig = new Rig();
        var led = new StatusLed(rig.Controller, new StatusLedSettings { Pin = Led }, rig.Time);
        led.Show(LedState.Online);

        led.Dispose();
        var writes = rig.Driver.Writes.Count;
        rig.Advance(2000);

        Assert.Equal(PinValue.Low, rig.Driver.Writes[^1].Value);
        Assert.False(rig.Driver.IsOpen(Led));
        Assert.Equal(writes, rig.Driver.Writes.Count);
        Assert.Throws<ObjectDisposedException>(() => led.Show(LedState.Starting));
    }

    [Fact]
    public void Led_needs_at_least_one_pin()
    {
        using var rig = new Rig();
        Assert.Throws<ArgumentException>(() => new StatusLed(rig.Controller, new StatusLedSettings(), rig.Time));
    }

    [Theory]
    [InlineData(false, true, true, LedState.Starting)]
    [InlineData(true, false, true, LedState.BrokerLost)]
    [InlineData(true, true, true, LedState.FacePresent)]
    [InlineData(true, true, false, LedState.Online)]
    public void StateFor_puts_faults_before_faces(bool ready, bool broker, bool faces, LedState expected) =>
        Assert.Equal(expected, StatusLed.StateFor(ready, broker, faces));

    // Each change of the pin's level: (ms since start, lit).
    private static List<(int, bool)> Transitions(Rig rig, int pin)
    {
        var result = new List<(int, bool)>();
        PinValue? last = PinValue.Low; // opened dark
        foreach (var write in rig.Driver.Writes.Where(w => w.Pin == pin))
        {
            if (write.Value != last)
            {
                result.Add(((int)(write.At - Rig.Start).TotalMilliseconds, write.Value == PinValue.High));
                last = write.Value;
            }
        }

        return result;
    }
}
