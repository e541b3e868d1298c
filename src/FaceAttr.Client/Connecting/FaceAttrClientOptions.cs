using FaceAttr.Messaging;

namespace FaceAttr.Client;

/// <summary>
/// Settings of a <see cref="FaceAttrClient"/>, section <c>FaceAttrClient</c> when bound from configuration. Every field
/// has a default and a range; <see cref="Validate"/> throws an <see cref="MqttOptionsException"/> naming the bad key.
/// </summary>
public sealed class FaceAttrClientOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttrClient";

    /// <summary>Broker host name or IP address. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker TCP port. Range 1–65535; default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Connect with TLS. Default off.</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the broker's CA; empty uses the system trust store. Only with TLS.</summary>
    public string CaCertificatePath { get; set; } = string.Empty;

    /// <summary>PEM client certificate (mutual TLS); empty for none.</summary>
    public string ClientCertificatePath { get; set; } = string.Empty;

    /// <summary>PEM key of the client certificate; empty for none.</summary>
    public string ClientKeyPath { get; set; } = string.Empty;

    /// <summary>User name; empty connects without credentials.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>Password for <see cref="Username"/>.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>The device to follow, or <c>+</c> for every device under the prefix. Default <c>+</c>.</summary>
    public string Device { get; set; } = TopicLayout.AnyDevice;

    /// <summary>Topic prefix the devices publish under. Default <c>faceattr</c>.</summary>
    public string TopicPrefix { get; set; } = "faceattr";

    /// <summary>MQTT client id; empty generates <c>faceattr-client-{random}</c>. 1–64 characters of A–Z, a–z, 0–9, '-' or '_'.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Also receive the stats heartbeats. Default off.</summary>
    public bool SubscribeStats { get; set; }

    /// <summary>Also receive model update progress. Default off.</summary>
    public bool SubscribeUpdates { get; set; }

    /// <summary>MQTT keep-alive, seconds. Range 5–3600; default 15.</summary>
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>Seconds one connect attempt may take. Range 1–120; default 10.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>First reconnect delay, seconds; doubles up to <see cref="ReconnectMaxSeconds"/>. Range 0.05–60; default 1.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;

    /// <summary>Longest reconnect delay, seconds. Range <see cref="ReconnectMinSeconds"/>–3600; default 30.</summary>
    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>
    /// Seconds the broker keeps this client's session (subscriptions and QoS 1 events) while it is disconnected, so a
    /// kiosk app that restarts or loses Wi-Fi briefly misses nothing. 0 starts clean each time. Range 0–86400; default 0.
    /// </summary>
    public uint SessionExpirySeconds { get; set; }

    /// <summary>Messages buffered for a slow reader; beyond it the oldest are dropped and counted. Range 1–1,000,000; default 1000.</summary>
    public int MessageBufferCapacity { get; set; } = 1000;

    /// <summary>First topic level of command replies to this client: <c>{ReplyTopicPrefix}/{ClientId}/…</c>. Default <c>faceattr-replies</c>.</summary>
    public string ReplyTopicPrefix { get; set; } = "faceattr-replies";

    /// <summary>Throws <see cref="MqttOptionsException"/> naming the first invalid key and its allowed values.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host) || Host.Length > 253)
        {
            throw Fail(nameof(Host), $"'{Host}' must be a host name or IP address (1–253 characters)");
        }

        Range(Port, 1, 65535, nameof(Port));
        if (Device != TopicLayout.AnyDevice && (!TopicNames.IsValidId(Device) || Device == TopicLayout.FleetLevel))
        {
            throw Fail(nameof(Device), $"'{Device}' must be '+' or 1–64 characters of A–Z, a–z, 0–9, '-' or '_'");
        }

        if (!TopicNames.IsValidPrefix(TopicPrefix))
        {
            throw Fail(nameof(TopicPrefix), $"'{TopicPrefix}' must be 1–64 characters of '/'-separated levels of A–Z, a–z, 0–9, '-' or '_'");
        }

        if (!TopicNames.IsValidPrefix(ReplyTopicPrefix) || ReplyTopicPrefix == TopicPrefix)
        {
            throw Fail(nameof(ReplyTopicPrefix), $"'{ReplyTopicPrefix}' must be a valid prefix other than the TopicPrefix");
        }

        if (ClientId.Length > 0 && !TopicNames.IsValidId(ClientId))
        {
            throw Fail(nameof(ClientId), $"'{ClientId}' must be empty or 1–64 characters of A–Z, a–z, 0–9, '-' or '_'");
        }

        Range(KeepAliveSeconds, 5, 3600, nameof(KeepAliveSeconds));
        Range(ConnectTimeoutSeconds, 1, 120, nameof(ConnectTimeoutSeconds));
        Range(ReconnectMinSeconds, 0.05, 60, nameof(ReconnectMinSeconds));
        Range(ReconnectMaxSeconds, ReconnectMinSeconds, 3600, nameof(ReconnectMaxSeconds));
        Range(SessionExpirySeconds, 0, 86400, nameof(SessionExpirySeconds));
        Range(MessageBufferCapacity, 1, 1_000_000, nameof(MessageBufferCapacity));
        if (!UseTls && (CaCertificatePath.Length > 0 || ClientCertificatePath.Length > 0))
        {
            throw Fail(nameof(UseTls), "is false but certificate paths are set; set UseTls to true or clear them");
        }

        foreach (var (path, key) in new[] { (CaCertificatePath, nameof(CaCertificatePath)), (ClientCertificatePath, nameof(ClientCertificatePath)), (ClientKeyPath, nameof(ClientKeyPath)) })
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                throw Fail(key, $"'{path}' does not exist; it must be a readable PEM file or empty");
            }
        }
    }

    private static void Range(double value, double min, double max, string key)
    {
        if (!(value >= min && value <= max))
        {
            throw Fail(key, $"{value} is outside the allowed range {min}–{max}");
        }
    }

    private static MqttOptionsException Fail(string key, string problem) => new($"{Section}:{key}", $"{Section}:{key} {problem}");
}
