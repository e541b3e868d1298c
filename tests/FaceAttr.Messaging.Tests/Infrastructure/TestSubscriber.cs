using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;

namespace FaceAttr.Messaging.Tests;

/// <summary>One message a <see cref="TestSubscriber"/> received.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retain, byte[]? CorrelationData, DateTime ReceivedAt)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A plain MQTTnet 5 subscriber that records everything it receives. With <c>persistentSession</c> it keeps its
/// broker session (clean start off, session expiry 5 min) and reconnects by itself from a polling loop, so QoS 1
/// messages published while it or the broker was down reach it afterwards.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string[] _filters;
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task _reconnectLoop = Task.CompletedTask;

    private TestSubscriber(int port, string clientId, bool persistentSession, string[] filters)
    {
        _filters = filters;
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(MosquittoBroker.Host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (persistentSession)
        {
            builder.WithCleanStart(false).WithSessionExpiryInterval(300);
        }

        _options = builder.Build();
        _client.ApplicationMessageReceivedAsync += args =>
        {
            var m = args.ApplicationMessage;
            _messages.Enqueue(new ReceivedMessage(m.Topic, m.Payload.ToArray(), m.Retain, m.CorrelationData, DateTime.UtcNow));
            _arrived.Release();
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<ReceivedMessage> Messages => [.. _messages];

    public bool IsConnected => _client.IsConnected;

    public IMqttClient Client => _client;

    public static async Task<TestSubscriber> ConnectAsync(int port, params string[] filters) =>
        await ConnectAsync(port, "sub-" + Guid.NewGuid().ToString("N")[..8], persistentSession: false, filters);

    public static async Task<TestSubscriber> ConnectAsync(int port, string clientId, bool persistentSession, params string[] filters)
    {
        var subscriber = new TestSubscriber(port, clientId, persistentSession, filters);
        await subscriber.ConnectAndSubscribeAsync(CancellationToken.None);
        if (persistentSession)
        {
            subscriber._reconnectLoop = Task.Run(subscriber.ReconnectLoopAsync);
        }

        return subscriber;
    }

    /// <summary>Messages on <paramref name="topic"/>, in arrival order.</summary>
    public IReadOnlyList<ReceivedMessage> On(string topic) => [.. _messages.Where(m => m.Topic == topic)];

    /// <summary>Waits until <paramref name="predicate"/> holds for the messages received so far.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitUntilAsync(
        Func<IReadOnlyList<ReceivedMessage>, bool> predicate, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = Messages;
            if (predicate(snapshot))
            {
                return snapshot;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}; got {snapshot.Count} messages");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public Task<IReadOnlyList<ReceivedMessage>> WaitForCountAsync(string topic, int count, TimeSpan timeout) =>
        WaitUntilAsync(all => all.Count(m => m.Topic == topic) >= count, timeout, $"{count} messages on {topic}");

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        var result = await _client.ConnectAsync(_options, cancellationToken);
        if (result.IsSessionPresent)
        {
            return;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in _filters)
        {
            subscribe.WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS());
        }

        await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
    }

    private async Task ReconnectLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAndSubscribeAsync(_stop.Token);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Broker still down: poll again.
            }

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reconnectLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The broker may already be gone.
            }
        }

        _client.Dispose();
        _stop.Dispose();
        _arrived.Dispose();
    }
}
