namespace FaceAttr.Device.Tests;

public sealed class ThrottleStateTests
{
    [Theory]
    [InlineData("throttled=0x50005\n", 0x50005u)]
    [InlineData("throttled=0x0", 0u)]
    [InlineData("0x80008", 0x80008u)]
    [InlineData("50000\n", 0x50000u)] // sysfs: printf("%x\n")
    [InlineData("  e000f ", 0xE000Fu)]
    public void Parses_vcgencmd_and_sysfs_forms(string text, uint raw)
    {
        Assert.True(ThrottleState.TryParse(text, out var state));
        Assert.Equal(raw, state.Raw);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("throttled=")]
    [InlineData("VCHI initialization failed")]
    [InlineData("0x1ffffffff")]
    public void Rejects_what_is_not_a_throttling_word(string? text) =>
        Assert.False(ThrottleState.TryParse(text, out _));

    [Fact]
    public void Decodes_0x50005_as_under_voltage_and_throttled_now_and_since_boot()
    {
        var state = new ThrottleState(0x50005);
        Assert.Equal(ThrottleConditions.UnderVoltage | ThrottleConditions.Throttled, state.Current);
        Assert.Equal(ThrottleConditions.UnderVoltageOccurred | ThrottleConditions.ThrottledOccurred, state.SinceBoot);
        Assert.False(state.IsHealthy);
        Assert.Equal(["under_voltage", "throttled", "under_voltage_occurred", "throttled_occurred"], state.ConditionNames());
        Assert.Equal("0x50005", state.ToString());
    }

    [Fact]
    public void Decodes_0x80008_as_the_soft_temperature_limit_only()
    {
        var state = new ThrottleState(0x80008);
        Assert.Equal(ThrottleConditions.SoftTemperatureLimit, state.Current);
        Assert.Equal(["soft_temp_limit", "soft_temp_limit_occurred"], state.ConditionNames());
    }

    [Fact]
    public void Decodes_0x20002_as_frequency_capping()
    {
        var state = new ThrottleState(0x20002);
        Assert.Equal(ThrottleConditions.FrequencyCapped | ThrottleConditions.FrequencyCappedOccurred, state.Conditions);
    }

    [Fact]
    public void Unnamed_bits_are_kept_in_raw_but_not_named()
    {
        var state = new ThrottleState(0x100);
        Assert.Equal(ThrottleConditions.None, state.Conditions);
        Assert.True(state.IsHealthy);
        Assert.Empty(state.ConditionNames());
        Assert.Equal(0x100u, state.Raw);
    }
}
