using System.Text.Json;

namespace FaceAttr.Messaging.Tests;

public class HomeAssistantDiscoveryTests
{
    [Fact]
    public void Nothing_is_published_when_discovery_is_off() =>
        Assert.Empty(HomeAssistantDiscovery.CreateConfigs(new MqttOptions { DeviceId = "kiosk-1" }));

    [Fact]
    public void Headline_sensors_point_at_the_device_topics()
    {
        var configs = HomeAssistantDiscovery.CreateConfigs(new MqttOptions { DeviceId = "kiosk-1", HomeAssistantDiscovery = true }, "0.1.0");
        Assert.Equal(
            [
                "homeassistant/binary_sensor/faceattr_kiosk-1/online/config",
                "homeassistant/sensor/faceattr_kiosk-1/cpu_temperature/config",
                "homeassistant/sensor/faceattr_kiosk-1/last_expression/config",
                "homeassistant/sensor/faceattr_kiosk-1/people_present/config",
            ],
            configs.Select(c => c.Topic).Order());
        using var people = JsonDocument.Parse(configs.Single(c => c.Topic.Contains("people_present", StringComparison.Ordinal)).Payload);
        Assert.Equal("faceattr/kiosk-1/stats", people.RootElement.GetProperty("state_topic").GetString());
        Assert.Equal("faceattr_kiosk-1_people_present", people.RootElement.GetProperty("unique_id").GetString());
        Assert.Equal("faceattr/kiosk-1/status", people.RootElement.GetProperty("availability")[0].GetProperty("topic").GetString());
        Assert.Equal("0.1.0", people.RootElement.GetProperty("device").GetProperty("sw_version").GetString());
    }

    [Fact]
    public void The_expression_sensor_follows_the_allow_list()
    {
        var options = new MqttOptions { DeviceId = "kiosk-1", HomeAssistantDiscovery = true, AllowedAttributes = ["smile"] };
        Assert.DoesNotContain(HomeAssistantDiscovery.CreateConfigs(options), c => c.Topic.Contains("expression", StringComparison.Ordinal));
    }
}
