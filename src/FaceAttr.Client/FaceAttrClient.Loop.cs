using FaceAttr.Messaging;
using MQTTnet;
using MQTTnet.Formatter;

namespace FaceAttr.Client;

/// <content>The connection loop: connect, subscribe, watch, reconnect with backoff (never from the Disconnected event).</content>
public sealed partial class FaceAttrClient
{
    private static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(1);

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(_options.ReconnectMinSeconds), TimeSpan.FromSeconds(_options.ReconnectMaxSeconds));
        var everConnected = false;
        var wasConnected = false;
        while (!stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                if (wasConnected)
                {
                    wasConnected = false;
                    MarkDisconnected();
                }

                var error = await TryConnectAsync(stop).ConfigureAwait(false);
                if (error is not null)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }

                    await Task.Delay(backoff.Next(), _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }

                backoff.Reset();
                if (everConnected)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                everConnected = true;
                wasConnected = true;
                Volatile.Read(ref _connected).TrySetResult();
                Post(new ConnectionMessage(_time.GetUtcNow(), Connected: true, Detail: null));
            }

            await WaitForWakeAsync(stop).ConfigureAwait(false);
        }
    }

    private async Task<Exception?> TryConnectAsync(CancellationToken stop)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds))
            .WithCleanStart(_options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds);
        if (_options.Username.Length > 0)
        {
            builder.WithCredentials(_options.Username, _options.Password);
        }

        if (_options.UseTls)
        {
            builder.WithTlsOptions(ClientOptionsFactory.BuildTls(_options.Host, _options.CaCertificatePath, _options.ClientCertificatePath, _options.ClientKeyPath));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
        try
        {
            await _clientGate.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await _client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
                var subscribe = new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(Topics.Events).WithAtLeastOnceQoS())
                    .WithTopicFilter(f => f.WithTopic(Topics.Status).WithAtLeastOnceQoS())
                    .WithTopicFilter(f => f.WithTopic(ReplyTopicRoot + "/#").WithAtLeastOnceQoS());
                if (_options.SubscribeStats)
                {
                    subscribe.WithTopicFilter(f => f.WithTopic(Topics.Stats).WithAtMostOnceQoS());
                }

                if (_options.SubscribeUpdates)
                {
                    subscribe.WithTopicFilter(f => f.WithTopic(Topics.Update).WithAtLeastOnceQoS());
                }

                await _client.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
                return null;
            }
            finally
            {
                _clientGate.Release();
            }
        }
#pragma warning disable CA1031 // Any failure means: back off and try again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await DisconnectQuietlyAsync().ConfigureAwait(false);
            return ex;
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort before the next attempt.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task WaitForWakeAsync(CancellationToken stop)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
        tick.CancelAfter(IdleTick);
        try
        {
            if (await _wake.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            // Idle tick or stop: the loop looks at the connection again.
        }
    }

    private void MarkDisconnected()
    {
        var current = Volatile.Read(ref _connected);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // Only report and wake the loop; reconnecting from this event risks deadlocks inside the client.
        if (args.ClientWasConnected && Volatile.Read(ref _disposed) == 0)
        {
            Post(new ConnectionMessage(_time.GetUtcNow(), Connected: false, Detail: args.Exception?.Message ?? args.Reason.ToString()));
        }

        Wake();
        return Task.CompletedTask;
    }
}
