using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <summary>Builds the MQTTnet connect options of a device: MQTT 5, client id from the device id, keep-alive, TLS, credentials and the last will.</summary>
internal static class ClientOptionsFactory
{
    public static MqttClientOptions Build(MqttOptions options, TopicLayout topics, byte[] willPayload)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds))
            .WithWillTopic(topics.Status)
            .WithWillPayload(willPayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)options.StatusQos)
            .WithWillContentType("application/json")
            .WithWillPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData);
        if (options.Username.Length > 0)
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(BuildTls(options.Host, options.CaCertificatePath, options.ClientCertificatePath, options.ClientKeyPath));
        }

        return builder.Build();
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
