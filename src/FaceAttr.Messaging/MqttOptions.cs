namespace FaceAttr.Messaging;

/// <summary>
/// MQTT settings of a device, section <c>FaceAttr:Mqtt</c> of the daemon's configuration. Every field has a default,
/// a unit and a range; <see cref="Validate"/> throws an <see cref="MqttOptionsException"/> naming the first bad key.
/// </summary>
public sealed class MqttOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr:Mqtt";

    /// <summary>
    /// Broker host name or IP address. Default <c>127.0.0.1</c>. The daemon starts the embedded broker when no broker is
    /// configured; a fleet points this at the operators' broker.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker TCP port. Range 1–65535; default 1883 (8883 is usual with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Connect with TLS. Default off.</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; empty uses the system trust store. Only with TLS.</summary>
    public string CaCertificatePath { get; set; } = string.Empty;

    /// <summary>PEM file of this device's client certificate (mutual TLS); empty for none. Needs <see cref="ClientKeyPath"/>.</summary>
    public string ClientCertificatePath { get; set; } = string.Empty;

    /// <summary>PEM file of the client certificate's private key; empty for none.</summary>
    public string ClientKeyPath { get; set; } = string.Empty;

    /// <summary>User name for the broker; empty connects without credentials.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>Password for <see cref="Username"/>.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Device id used in every topic; the MQTT client id is derived from it (<see cref="ClientId"/>). 1–64 characters of A–Z, a–z, 0–9, '-' or '_'; default: the host name.</summary>
    public string DeviceId { get; set; } = SanitizedMachineName();

    /// <summary>Fleet groups this device answers commands for (<c>{prefix}/fleet/{group}/cmd/{verb}</c>); each like a device id. Default none.</summary>
    public IList<string> FleetGroups { get; set; } = new List<string>();

    /// <summary>First topic level(s). Default <c>faceattr</c>; 1–64 characters, '/'-separated levels without wildcards.</summary>
    public string TopicPrefix { get; set; } = "faceattr";

    /// <summary>QoS of <c>events</c> and <c>update</c> messages. Range 0–2; default 1 (at least once, with the offline queue).</summary>
    public int EventsQos { get; set; } = 1;

    /// <summary>QoS of the <c>stats</c> heartbeat. Range 0–2; default 0 (a lost heartbeat is replaced by the next).</summary>
    public int StatsQos { get; set; }

    /// <summary>QoS of the retained <c>status</c> and of the last will. Range 0–2; default 1.</summary>
    public int StatusQos { get; set; } = 1;

    /// <summary>MQTT keep-alive in seconds: how soon the broker notices a dead device and publishes its last will (about 1.5×). Range 5–3600; default 15.</summary>
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>Seconds one connect attempt, and one acknowledged publish, may take. Range 1–120; default 10.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>First delay before reconnecting, seconds; doubles per failed attempt up to <see cref="ReconnectMaxSeconds"/>. Range 0.05–60; default 1.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;

    /// <summary>Longest delay between reconnect attempts, seconds. Range <see cref="ReconnectMinSeconds"/>–3600; default 30.</summary>
    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>
    /// Most QoS 1 messages (events, update progress) held while the broker is unreachable or slow. Beyond it the oldest are
    /// dropped and counted. Range 1–1,000,000; default 10,000 (about 10 MB of events at worst).
    /// </summary>
    public int OfflineQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Least seconds between two <c>update</c> events of one track; updates in between are merged into the next one.
    /// 0 turns the limit off. Range 0–3600; default 1.
    /// </summary>
    public double UpdateMinIntervalSeconds { get; set; } = 1;

    /// <summary>Seconds a clean shutdown may spend delivering what is queued before publishing the offline status. Range 0–120; default 5.</summary>
    public double ShutdownFlushTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds one command handler may run before it is cancelled and answered with a <c>timeout</c> error. Range 1–600; default 30.</summary>
    public double CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>Publish Home Assistant MQTT discovery configs (people present, last expression, …). Default off.</summary>
    public bool HomeAssistantDiscovery { get; set; }

    /// <summary>Home Assistant discovery prefix. Default <c>homeassistant</c>; same rules as <see cref="TopicPrefix"/>.</summary>
    public string HomeAssistantPrefix { get; set; } = "homeassistant";

    /// <summary>
    /// Attribute heads this site may publish (e.g. without <c>gender</c> and <c>age</c>); empty publishes every head.
    /// Heads not listed are removed before serialisation. Each: 1–32 characters of a–z, 0–9 or '_'.
    /// </summary>
    public IList<string> AllowedAttributes { get; set; } = new List<string>();

    /// <summary>The MQTT client id: <c>faceattr-{DeviceId}</c>.</summary>
    public string ClientId => "faceattr-" + DeviceId;

    /// <summary>Throws <see cref="MqttOptionsException"/> naming the first invalid key and its allowed values.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host) || Host.Length > 253)
        {
            throw Fail(nameof(Host), $"'{Host}' must be a host name or IP address (1–253 characters)");
        }

        Range(Port, 1, 65535, nameof(Port));
        if (!TopicNames.IsValidId(DeviceId) || DeviceId == TopicLayout.FleetLevel)
        {
            throw Fail(nameof(DeviceId), $"'{DeviceId}' must be 1–64 characters of A–Z, a–z, 0–9, '-' or '_' (and not '{TopicLayout.FleetLevel}')");
        }

        for (var i = 0; i < FleetGroups.Count; i++)
        {
            if (!TopicNames.IsValidId(FleetGroups[i]))
            {
                throw Fail($"{nameof(FleetGroups)}:{i}", $"'{FleetGroups[i]}' must be 1–64 characters of A–Z, a–z, 0–9, '-' or '_'");
            }
        }

        if (!TopicNames.IsValidPrefix(TopicPrefix))
        {
            throw Fail(nameof(TopicPrefix), $"'{TopicPrefix}' must be 1–64 characters of '/'-separated levels of A–Z, a–z, 0–9, '-' or '_'");
        }

        if (!TopicNames.IsValidPrefix(HomeAssistantPrefix))
        {
            throw Fail(nameof(HomeAssistantPrefix), $"'{HomeAssistantPrefix}' must be 1–64 characters of '/'-separated levels of A–Z, a–z, 0–9, '-' or '_'");
        }

        Range(EventsQos, 0, 2, nameof(EventsQos));
        Range(StatsQos, 0, 2, nameof(StatsQos));
        Range(StatusQos, 0, 2, nameof(StatusQos));
        Range(KeepAliveSeconds, 5, 3600, nameof(KeepAliveSeconds));
        Range(ConnectTimeoutSeconds, 1, 120, nameof(ConnectTimeoutSeconds));
        Range(ReconnectMinSeconds, 0.05, 60, nameof(ReconnectMinSeconds));
        Range(ReconnectMaxSeconds, ReconnectMinSeconds, 3600, nameof(ReconnectMaxSeconds));
        Range(OfflineQueueCapacity, 1, 1_000_000, nameof(OfflineQueueCapacity));
        Range(UpdateMinIntervalSeconds, 0, 3600, nameof(UpdateMinIntervalSeconds));
        Range(ShutdownFlushTimeoutSeconds, 0, 120, nameof(ShutdownFlushTimeoutSeconds));
        Range(CommandTimeoutSeconds, 1, 600, nameof(CommandTimeoutSeconds));
        for (var i = 0; i < AllowedAttributes.Count; i++)
        {
            if (!TopicNames.IsValidHead(AllowedAttributes[i]))
            {
                throw Fail($"{nameof(AllowedAttributes)}:{i}", $"'{AllowedAttributes[i]}' must be an attribute head: 1–32 characters of a–z, 0–9 or '_'");
            }
        }

        ValidateTls();
    }

    private void ValidateTls()
    {
        if (!UseTls)
        {
            if (CaCertificatePath.Length > 0 || ClientCertificatePath.Length > 0)
            {
                throw Fail(nameof(UseTls), "is false but certificate paths are set; set UseTls to true or clear CaCertificatePath/ClientCertificatePath");
            }

            return;
        }

        RequireFileIfSet(CaCertificatePath, nameof(CaCertificatePath));
        RequireFileIfSet(ClientCertificatePath, nameof(ClientCertificatePath));
        RequireFileIfSet(ClientKeyPath, nameof(ClientKeyPath));
        if ((ClientCertificatePath.Length > 0) != (ClientKeyPath.Length > 0))
        {
            throw Fail(nameof(ClientKeyPath), "ClientCertificatePath and ClientKeyPath must be set together (PEM certificate and its key) or both left empty");
        }
    }

    private static void RequireFileIfSet(string path, string key)
    {
        if (path.Length > 0 && !File.Exists(path))
        {
            throw Fail(key, $"'{path}' does not exist; it must be a readable PEM file or empty");
        }
    }

    private static void Range(double value, double min, double max, string key)
    {
        if (!(value >= min && value <= max))
        {
            throw Fail(key, $"{value} is outside the allowed range {min}–{max}");
        }
    }

    private static MqttOptionsException Fail(string key, string problem) =>
        new($"{Section}:{key}", $"{Section}:{key} {problem}");

    private static string SanitizedMachineName()
    {
        var chars = Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray();
        var name = new string(chars);
        return name.Length switch
        {
            0 => "faceattr",
            > TopicNames.MaxIdLength => name[..TopicNames.MaxIdLength],
            _ => name,
        };
    }
}
