using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FaceAttr.Messaging.Tests;

/// <summary>
/// A loopback TCP forwarder between a client and a broker. <see cref="KillConnections"/> resets every forwarded
/// connection (linger 0 → RST), which the broker sees exactly like a crashed or unplugged device: it publishes the
/// client's last will. The listener stays up, so the client can reconnect through it.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, bool> _sockets = new();
    private readonly ConcurrentBag<Task> _pumps = [];
    private readonly Task _acceptLoop;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public int Connections { get; private set; }

    /// <summary>While true, new connections are reset at once (the device stays cut off).</summary>
    public bool Refuse { get; set; }

    /// <summary>Resets every forwarded connection on both sides.</summary>
    public void KillConnections()
    {
        foreach (var socket in _sockets.Keys)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }

            _sockets.TryRemove(socket, out _);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Refuse)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Close();
                upstream.Dispose();
                continue;
            }

            Connections++;
            _sockets[client] = true;
            _sockets[upstream] = true;
            _pumps.Add(PumpAsync(client, upstream));
            _pumps.Add(PumpAsync(upstream, client));
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Killed or closed: nothing to forward any more.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        KillConnections();
        await _acceptLoop;
        await Task.WhenAll(_pumps);
        _stop.Dispose();
        _listener.Dispose();
    }
}
