using System.Text.Json.Nodes;

namespace FaceAttr.Messaging;

/// <summary>
/// Home Assistant MQTT discovery configs for a device's headline sensors, published retained after each connect when
/// <see cref="MqttOptions.HomeAssistantDiscovery"/> is on: people present and CPU temperature (from <c>stats</c>), the
/// last expression seen (from <c>events</c>; only when the allow-list lets <c>expression</c> through) and a
/// connectivity binary sensor (from the retained <c>status</c>). Every entity is unavailable while the status is offline.
/// </summary>
public static class HomeAssistantDiscovery
{
    /// <summary>The configs for <paramref name="options"/>; empty when discovery is off.</summary>
    /// <param name="options">Validated messaging options.</param>
    /// <param name="softwareVersion">Shown as the device's software version in Home Assistant; null to omit.</param>
    public static IReadOnlyList<DiscoveryConfig> CreateConfigs(MqttOptions options, string? softwareVersion = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HomeAssistantDiscovery)
        {
            return [];
        }

        var topics = TopicLayout.For(options);
        var allow = new AttributeAllowList(options.AllowedAttributes);
        var node = "faceattr_" + options.DeviceId;
        var configs = new List<DiscoveryConfig>
        {
            Entity(options, topics, node, softwareVersion, "sensor", "people_present", new JsonObject
            {
                ["name"] = "People present",
                ["state_topic"] = topics.Stats,
                ["value_template"] = "{{ value_json.people_present }}",
                ["state_class"] = "measurement",
                ["icon"] = "mdi:account-group",
            }),
            Entity(options, topics, node, softwareVersion, "binary_sensor", "online", new JsonObject
            {
                ["name"] = "Online",
                ["state_topic"] = topics.Status,
                ["value_template"] = "{{ value_json.state }}",
                ["payload_on"] = "online",
                ["payload_off"] = "offline",
                ["device_class"] = "connectivity",
                ["entity_category"] = "diagnostic",
            }),
            Entity(options, topics, node, softwareVersion, "sensor", "cpu_temperature", new JsonObject
            {
                ["name"] = "CPU temperature",
                ["state_topic"] = topics.Stats,
                ["value_template"] = "{{ value_json.cpu_temperature_c if value_json.cpu_temperature_c is defined else none }}",
                ["device_class"] = "temperature",
                ["unit_of_measurement"] = "°C",
                ["state_class"] = "measurement",
                ["entity_category"] = "diagnostic",
            }),
        };

        if (allow.IsAllowed("expression"))
        {
            configs.Add(Entity(options, topics, node, softwareVersion, "sensor", "last_expression", new JsonObject
            {
                ["name"] = "Last expression",
                ["state_topic"] = topics.Events,
                // Events without an expression (exits, updates of other heads) keep the previous state.
                ["value_template"] =
                    "{{ value_json.attributes.expression.label if value_json.attributes is defined and value_json.attributes.expression is defined else this.state }}",
                ["icon"] = "mdi:emoticon-outline",
            }));
        }

        return configs;
    }

    private static DiscoveryConfig Entity(
        MqttOptions options, TopicLayout topics, string node, string? softwareVersion, string component, string objectId, JsonObject config)
    {
        config["unique_id"] = node + "_" + objectId;
        config["object_id"] = node + "_" + objectId;
        config["availability"] = new JsonArray(new JsonObject
        {
            ["topic"] = topics.Status,
            ["value_template"] = "{{ value_json.state }}",
            ["payload_available"] = "online",
            ["payload_not_available"] = "offline",
        });
        var device = new JsonObject
        {
            ["identifiers"] = new JsonArray(node),
            ["name"] = "FaceAttr " + options.DeviceId,
            ["manufacturer"] = "FaceAttr",
            ["model"] = "FaceAttr kiosk",
        };
        if (softwareVersion is not null)
        {
            device["sw_version"] = softwareVersion;
        }

        config["device"] = device;
        var topic = $"{options.HomeAssistantPrefix}/{component}/{node}/{objectId}/config";
        return new DiscoveryConfig(topic, System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()));
    }
}
