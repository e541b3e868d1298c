using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <summary>Builds MQTTnet connect options from <see cref="MqttOptions"/>: MQTT 5, client id from the device id, keep-alive, TLS, credentials, and for the device itself the last will.</summary>
public static class ClientOptionsFactory
{
    /// <summary>The device's own connection: client id <c>faceattr-{device}</c> and the retained last will on its status topic.</summary>
    public static MqttClientOptions Build(MqttOptions options, TopicLayout topics, byte[] willPayload)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        return Common(options, options.ClientId)
            .WithWillTopic(topics.Status)
            .WithWillPayload(willPayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)options.StatusQos)
            .WithWillContentType("application/json")
            .WithWillPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .Build();
    }

    /// <summary>
    /// A second connection of the same device that only listens (the demo's event echo, diagnostics): same broker, TLS and
    /// credentials, client id <c>faceattr-{device}-{role}</c>, no last will.
    /// </summary>
    public static MqttClientOptions BuildObserver(MqttOptions options, string role)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        return Common(options, options.ClientId + "-" + role).Build();
    }

    private static MqttClientOptionsBuilder Common(MqttOptions options, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds));
        if (options.Username.Length > 0)
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(BuildTls(options.Host, options.CaCertificatePath, options.ClientCertificatePath, options.ClientKeyPath));
        }

        return builder;
    }

    /// <summary>TLS to <paramref name="host"/>: trust the PEM CA when given (else the system store), present the PEM client certificate when given.</summary>
    public static MqttClientTlsOptions BuildTls(string host, string caCertificatePath, string clientCertificatePath, string clientKeyPath)
    {
        var tls = new MqttClientTlsOptionsBuilder().UseTls().WithTargetHost(host);
        if (caCertificatePath.Length > 0)
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(caCertificatePath);
            tls.WithTrustChain(chain);
        }

        if (clientCertificatePath.Length > 0)
        {
            var certificate = X509Certificate2.CreateFromPemFile(clientCertificatePath, clientKeyPath);
            tls.WithClientCertificates([certificate]);
        }

        return tls.Build();
    }
}
