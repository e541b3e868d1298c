using System.Device.Gpio;

namespace FaceAttr.Device.Tests;

public sealed class TestButtonTests
{
    private const int Button = 22;
    private static readonly TestButtonSettings Settings = new();

    [Fact]
    public void Button_to_ground_gets_a_pull_up_and_is_released_at_start()
    {
        using var rig = new Rig();
        using var button = new TestButton(rig.Controller, Button, Settings, rig.Time);
        Assert.Equal(PinMode.InputPullUp, rig.Driver.ModeOf(Button));
        Assert.False(button.IsPressed);
    }

    [Fact]
    public void Bouncing_press_is_one_press_after_the_contacts_settle()
    {
        using var rig = new Rig();
        using var button = new TestButton(rig.Controller, Button, Settings, rig.Time);
        var presses = new List<DateTimeOffset>();
        button.Pressed += (_, e) => presses.Add(e.At);

        // Contact bounce: low, high, low, high, low within 6 ms, then held.
        foreach (var level in new[] { PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low })
        {
            rig.Driver.Drive(Button, level);
            rig.Advance(1);
        }

        rig.Advance(48);
        Assert.Empty(presses);
        rig.Advance(1);
        Assert.Equal([Rig.Start.AddMilliseconds(54)], presses);
        Assert.True(button.IsPressed);
    }

    [Fact]
    public void Bouncing_release_does_not_press_again()
    {
        using var rig = new Rig();
        using var button = new TestButton(rig.Controller, Button, Settings, rig.Time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;
        rig.Driver.Drive(Button, PinValue.Low);
        rig.Advance(500);

        rig.Driver.Release(Button);
        rig.Advance(2);
        rig.Driver.Drive(Button, PinValue.Low);
        rig.Advance(2);
        rig.Driver.Release(Button);
        rig.Advance(100);

        Assert.Equal(1, presses);
        Assert.False(button.IsPressed);
    }

    [Fact]
    public void Two_separate_presses_are_two_events()
    {
        using var rig = new Rig();
        using var button = new TestButton(rig.Controller, Button, Settings, rig.Time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;

        for (var i = 0; i < 2; i++)
        {
            rig.Driver.Drive(Button, PinValue.Low);
            rig.Advance(200);
            rig.Driver.Release(Button);
            rig.Advance(200);
        }

        Assert.Equal(2, presses);
    }

    [Fact]
    public void Active_high_button_uses_a_pull_down_and_presses_on_a_high_line()
    {
        using var rig = new Rig();
        using var button = new TestButton(rig.Controller, Button, Settings with { ActiveLow = false }, rig.Time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;
        Assert.Equal(PinMode.InputPullDown, button.Mode);

        rig.Driver.Drive(Button, PinValue.High);
        rig.Advance(50);

        Assert.Equal(1, presses);
    }

    [Fact]
    public void Driver_without_bias_falls_back_to_plain_input()
    {
        using var rig = new Rig(supportsPullResistors: false);
        using var button = new TestButton(rig.Controller, Button, Settings, rig.Time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;
        Assert.Equal(PinMode.Input, button.Mode);

        // An external pull-up holds the line high; the press pulls it low.
        rig.Driver.Drive(Button, PinValue.High);
        rig.Advance(50);
        rig.Driver.Drive(Button, PinValue.Low);
        rig.Advance(50);

        Assert.Equal(1, presses);
    }
}
