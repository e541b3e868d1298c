namespace FaceAttr.Device.Tests;

public sealed class DeviceOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_touch_no_gpio()
    {
        var options = new DeviceOptions();
        options.Validate();
        Assert.False(options.HasAnyPin);
    }

    [Fact]
    public void Typical_wiring_is_valid_and_maps_to_the_part_settings()
    {
        var options = new DeviceOptions { MotionPin = 17, LedPin = 27, ButtonPin = 22, MotionHoldSeconds = 2, ButtonDebounceMilliseconds = 30 };
        options.Validate();
        Assert.True(options.HasAnyPin);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ToMotionSensorSettings().Hold);
        Assert.Equal(TimeSpan.FromMilliseconds(30), options.ToTestButtonSettings().Debounce);
        Assert.Equal(27, options.ToStatusLedSettings().Pin);
    }

    public static TheoryData<Action<DeviceOptions>, string, string> BadValues => new()
    {
        { o => o.MotionPin = -1, "FaceAttr:Device:MotionPin", "0–1023" },
        { o => o.ButtonPin = 1024, "FaceAttr:Device:ButtonPin", "0–1023" },
        { o => o.LedGreenPin = 5000, "FaceAttr:Device:LedGreenPin", "0–1023" },
        { o => o.MotionHoldSeconds = 601, "FaceAttr:Device:MotionHoldSeconds", "0–600" },
        { o => o.MotionHoldSeconds = double.NaN, "FaceAttr:Device:MotionHoldSeconds", "0–600" },
        { o => o.MotionDebounceMilliseconds = -1, "FaceAttr:Device:MotionDebounceMilliseconds", "0–1000" },
        { o => o.IdleAfterSeconds = 0.5, "FaceAttr:Device:IdleAfterSeconds", "1–86400" },
        { o => o.ButtonDebounceMilliseconds = 2000, "FaceAttr:Device:ButtonDebounceMilliseconds", "0–1000" },
        { o => o.GpioChip = 64, "FaceAttr:Device:GpioChip", "0–63" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Bad_value_names_its_key_and_the_allowed_range(Action<DeviceOptions> spoil, string key, string range)
    {
        var options = new DeviceOptions();
        spoil(options);

        var ex = Assert.Throws<DeviceOptionsException>(options.Validate);

        Assert.Equal(key, ex.Key);
        Assert.StartsWith(key + " ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_line_used_twice_names_both_keys()
    {
        var options = new DeviceOptions { MotionPin = 17, ButtonPin = 17 };
        var ex = Assert.Throws<DeviceOptionsException>(options.Validate);
        Assert.Equal("FaceAttr:Device:ButtonPin", ex.Key);
        Assert.Contains("FaceAttr:Device:MotionPin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_and_rgb_led_pins_together_are_refused()
    {
        var options = new DeviceOptions { LedPin = 27, LedRedPin = 5 };
        var ex = Assert.Throws<DeviceOptionsException>(options.Validate);
        Assert.Equal("FaceAttr:Device:LedPin", ex.Key);
    }
}
