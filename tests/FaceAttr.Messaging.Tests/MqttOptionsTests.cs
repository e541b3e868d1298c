namespace FaceAttr.Messaging.Tests;

public class MqttOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_follow_the_contract()
    {
        var options = new MqttOptions { DeviceId = "kiosk-1" };
        options.Validate();
        Assert.Equal("faceattr", options.TopicPrefix);
        Assert.Equal(1, options.EventsQos);
        Assert.Equal(0, options.StatsQos);
        Assert.Equal(1, options.StatusQos);
        Assert.Equal("homeassistant", options.HomeAssistantPrefix);
        Assert.Equal("faceattr-kiosk-1", options.ClientId);
        Assert.Empty(options.AllowedAttributes);
    }

    [Fact]
    public void Default_device_id_is_a_valid_id_from_the_host_name() =>
        Assert.True(TopicNames.IsValidId(new MqttOptions().DeviceId));

    public static TheoryData<Action<MqttOptions>, string, string> BadValues => new()
    {
        { o => o.Port = 0, "FaceAttr:Mqtt:Port", "1–65535" },
        { o => o.Port = 70000, "FaceAttr:Mqtt:Port", "1–65535" },
        { o => o.DeviceId = "kiosk/1", "FaceAttr:Mqtt:DeviceId", "1–64 characters" },
        { o => o.DeviceId = "fleet", "FaceAttr:Mqtt:DeviceId", "not 'fleet'" },
        { o => o.DeviceId = "", "FaceAttr:Mqtt:DeviceId", "1–64 characters" },
        { o => o.TopicPrefix = "faceattr/#", "FaceAttr:Mqtt:TopicPrefix", "levels" },
        { o => o.TopicPrefix = "/faceattr", "FaceAttr:Mqtt:TopicPrefix", "levels" },
        { o => o.EventsQos = 3, "FaceAttr:Mqtt:EventsQos", "0–2" },
        { o => o.KeepAliveSeconds = 1, "FaceAttr:Mqtt:KeepAliveSeconds", "5–3600" },
        { o => o.ReconnectMinSeconds = double.NaN, "FaceAttr:Mqtt:ReconnectMinSeconds", "0.05–60" },
        { o => { o.ReconnectMinSeconds = 10; o.ReconnectMaxSeconds = 5; }, "FaceAttr:Mqtt:ReconnectMaxSeconds", "10–3600" },
        { o => o.OfflineQueueCapacity = 0, "FaceAttr:Mqtt:OfflineQueueCapacity", "1–1000000" },
        { o => o.UpdateMinIntervalSeconds = -1, "FaceAttr:Mqtt:UpdateMinIntervalSeconds", "0–3600" },
        { o => o.FleetGroups = ["lobby", "bad group"], "FaceAttr:Mqtt:FleetGroups:1", "1–64 characters" },
        { o => o.AllowedAttributes = ["expression", "Gender"], "FaceAttr:Mqtt:AllowedAttributes:1", "attribute head" },
        { o => o.CaCertificatePath = "/etc/ca.pem", "FaceAttr:Mqtt:UseTls", "UseTls" },
        { o => { o.UseTls = true; o.CaCertificatePath = "/nonexistent/ca.pem"; }, "FaceAttr:Mqtt:CaCertificatePath", "does not exist" },
        { o => o.Host = " ", "FaceAttr:Mqtt:Host", "host name" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_names_the_key_and_the_allowed_range(Action<MqttOptions> spoil, string key, string allowed)
    {
        var options = new MqttOptions { DeviceId = "kiosk-1" };
        spoil(options);
        var ex = Assert.Throws<MqttOptionsException>(options.Validate);
        Assert.Equal(key, ex.Key);
        Assert.StartsWith(key + " ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publisher_refuses_invalid_options_at_construction()
    {
        var ex = Assert.Throws<MqttOptionsException>(() => new MqttPublisher(new MqttOptions { DeviceId = "kiosk-1", Port = -1 }));
        Assert.Equal("FaceAttr:Mqtt:Port", ex.Key);
    }
}
