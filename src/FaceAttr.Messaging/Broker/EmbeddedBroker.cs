using System.Net;
using MQTTnet.Server;

namespace FaceAttr.Messaging;

/// <summary>
/// An in-process MQTT broker (MQTTnet.Server) on 127.0.0.1 only, for the zero-config demo: with no broker configured
/// the daemon starts one and publishes to it, so a newcomer can subscribe at once. It keeps retained messages and
/// publishes last wills, in memory. Not for fleets: a fleet uses the operators' broker (DESIGN.md, "Fleet scale").
/// Ownership: the caller disposes it.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly IMessagingLog _log;
    private int _stopped;

    private EmbeddedBroker(MqttServer server, int port, IMessagingLog log)
    {
        _server = server;
        Port = port;
        _log = log;
    }

    /// <summary>The loopback address it listens on.</summary>
    public static string Host => "127.0.0.1";

    /// <summary>The TCP port it listens on (the chosen one, or the one the system picked for port 0).</summary>
    public int Port { get; }

    /// <summary>Starts a broker on 127.0.0.1.</summary>
    /// <param name="port">TCP port, or 0 for a free one (see <see cref="Port"/>).</param>
    /// <param name="log">Where start and stop are logged; null discards.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The port is taken.</exception>
    public static async Task<EmbeddedBroker> StartAsync(int port, IMessagingLog? log, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        cancellationToken.ThrowIfCancellationRequested();
        log ??= NullMessagingLog.Instance;
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = factory.CreateMqttServer(options);
        try
        {
            await server.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        // MQTTnet writes the port the system picked back into the endpoint options.
        var broker = new EmbeddedBroker(server, options.DefaultEndpointOptions.Port, log);
        log.Log(MessagingLogLevel.Information, $"embedded MQTT broker listening on {Host}:{broker.Port}");
        return broker;
    }

    /// <summary>Stops listening and drops every client. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _server.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _log.Log(MessagingLogLevel.Information, $"embedded MQTT broker on {Host}:{Port} stopped");
    }

    /// <summary>Stops and releases the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _server.Dispose();
    }
}
