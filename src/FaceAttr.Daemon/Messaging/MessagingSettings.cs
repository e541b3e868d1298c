using FaceAttr.Messaging;
using Microsoft.Extensions.Configuration;

namespace FaceAttr.Daemon;

/// <summary>
/// The MQTT settings of this run: <c>FaceAttr:Mqtt</c> bound to <see cref="MqttOptions"/>, with the device id taken from
/// <see cref="DaemonOptions.DeviceId"/> (one id for topics, client id and events). No <c>FaceAttr:Mqtt:Host</c> means no
/// broker is configured: the daemon starts its embedded one and points <see cref="Mqtt"/> at it.
/// </summary>
public sealed class MessagingSettings
{
    /// <summary>The publisher's options; host and port are rewritten when the embedded broker starts.</summary>
    public required MqttOptions Mqtt { get; init; }

    /// <summary>True when no broker is configured and the daemon runs its own on loopback.</summary>
    public required bool UseEmbeddedBroker { get; init; }

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="MqttOptionsException">A value is invalid; the message names the key.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be converted to its type (the binder names the key).</exception>
    public static MessagingSettings From(IConfiguration configuration, DaemonOptions daemon)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(daemon);
        var section = configuration.GetSection(MqttOptions.Section);
        var mqtt = section.Get<MqttOptions>() ?? new MqttOptions();
        if (section[nameof(MqttOptions.DeviceId)] is { } own && own != daemon.DeviceId)
        {
            throw new MqttOptionsException($"{MqttOptions.Section}:DeviceId",
                $"{MqttOptions.Section}:DeviceId '{own}' differs from {DaemonOptions.Section}:DeviceId '{daemon.DeviceId}'; set only {DaemonOptions.Section}:DeviceId");
        }

        mqtt.DeviceId = daemon.DeviceId;
        mqtt.Validate();
        return new MessagingSettings { Mqtt = mqtt, UseEmbeddedBroker = string.IsNullOrWhiteSpace(section[nameof(MqttOptions.Host)]) };
    }
}
