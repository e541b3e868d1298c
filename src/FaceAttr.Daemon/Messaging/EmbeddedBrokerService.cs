using System.Net.Sockets;
using FaceAttr.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>
/// The zero-config demo's broker: when no broker is configured, an MQTTnet broker on 127.0.0.1 starts before anything
/// publishes and stops after everything has. Registered first, so it starts first and stops last.
/// </summary>
public sealed partial class EmbeddedBrokerService(
    MessagingSettings settings,
    IOptions<DaemonOptions> options,
    IMessagingLog messagingLog,
    ILogger<EmbeddedBrokerService> logger) : IHostedService, IAsyncDisposable
{
    private EmbeddedBroker? _broker;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.UseEmbeddedBroker)
        {
            return;
        }

        var port = options.Value.EmbeddedBrokerPort;
        try
        {
            _broker = await EmbeddedBroker.StartAsync(port, messagingLog, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && port != 0)
        {
            // Another broker (often a system mosquitto) holds the port: the demo still works on a free one.
            LogPortTaken(port);
            _broker = await EmbeddedBroker.StartAsync(0, messagingLog, cancellationToken).ConfigureAwait(false);
        }

        settings.Mqtt.Host = EmbeddedBroker.Host;
        settings.Mqtt.Port = _broker.Port;
        LogEmbedded(_broker.Port, settings.Mqtt.TopicPrefix, settings.Mqtt.DeviceId);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) =>
        _broker is null ? Task.CompletedTask : _broker.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "port {Port} is taken; the embedded broker uses a free port instead")]
    private partial void LogPortTaken(int port);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "no broker configured (FaceAttr:Mqtt:Host): embedded broker on 127.0.0.1:{Port}; watch it with: mosquitto_sub -h 127.0.0.1 -p {Port} -t '{Prefix}/{Device}/#' -v")]
    private partial void LogEmbedded(int port, string prefix, string device);
}
