using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <content>The connection loop: the only code that connects, reconnects and publishes.</content>
public sealed partial class MqttPublisher
{
    /// <summary>How often the loop looks at the connection and the rate limit when nothing wakes it.</summary>
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(100);

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new ExponentialBackoff(
            TimeSpan.FromSeconds(_options.ReconnectMinSeconds), TimeSpan.FromSeconds(_options.ReconnectMaxSeconds));
        var everConnected = false;
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    MarkDisconnected();
                    if (!await TryConnectAsync(failures, stop).ConfigureAwait(false))
                    {
                        failures++;
                        await DelayAsync(backoff.Next(), stop).ConfigureAwait(false);
                        continue;
                    }

                    backoff.Reset();
                    failures = 0;
                    if (everConnected)
                    {
                        Interlocked.Increment(ref _reconnects);
                    }

                    everConnected = true;
                    Volatile.Read(ref _connected).TrySetResult();
                }

                await PumpAsync(stop).ConfigureAwait(false);
                await WaitForWorkAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop must outlive any failure; it logs and backs off.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_client.IsConnected)
                {
                    // The connection dropped in the middle of a publish; the message is still queued. Reconnect.
                    _log.Log(MessagingLogLevel.Debug, $"publish interrupted by the lost connection: {ex.Message}");
                    continue;
                }

                _log.Log(MessagingLogLevel.Warning, $"publisher loop: {ex.Message}", ex);
                await DelayAsync(backoff.Next(), stop).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> TryConnectAsync(int failures, CancellationToken stop)
    {
        var will = Status with
        {
            State = ConnectionState.Offline,
            Reason = DeviceStatus.ReasonConnectionLost,
            Timestamp = _time.GetUtcNow(),
        };
        var clientOptions = ClientOptionsFactory.Build(_options, Topics, PayloadSerializer.SerializeStatus(will));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
        try
        {
            var result = await _client.ConnectAsync(clientOptions, timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}".TrimEnd());
            }

            await SubscribeCommandsAsync(timeout.Token).ConfigureAwait(false);
            await PublishStatusAsync(timeout.Token).ConfigureAwait(false);
            await PublishDiscoveryAsync(timeout.Token).ConfigureAwait(false);
            _log.Log(MessagingLogLevel.Information, $"connected to {_options.Host}:{_options.Port} as {_options.ClientId} (status online)");
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any connect failure means: back off and try again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var level = failures == 0 ? MessagingLogLevel.Warning : MessagingLogLevel.Debug;
            _log.Log(level, $"cannot connect to {_options.Host}:{_options.Port} (attempt {failures + 1}): {ex.Message}");
            await ResetConnectionAsync().ConfigureAwait(false);
            return false;
        }
    }

    private async Task SubscribeCommandsAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(Topics.CommandFilter).WithAtLeastOnceQoS());
        foreach (var group in _options.FleetGroups)
        {
            builder.WithTopicFilter(f => f.WithTopic(Topics.FleetCommandFilter(group)).WithAtLeastOnceQoS());
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                _log.Log(MessagingLogLevel.Warning, $"broker refused the command subscription {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }
    }

    private async Task PublishStatusAsync(CancellationToken cancellationToken)
    {
        DeviceStatus status;
        long version;
        lock (_statusGate)
        {
            status = _status;
            version = _statusVersion;
        }

        var online = status with { State = ConnectionState.Online, Reason = null, Timestamp = _time.GetUtcNow() };
        var message = new OutboundMessage(Topics.Status, PayloadSerializer.SerializeStatus(online), _statusQos, retain: true);
        await PublishCheckedAsync(message, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _statusPublishedVersion, version);
    }

    private async Task PublishDiscoveryAsync(CancellationToken cancellationToken)
    {
        var version = Status.Versions.TryGetValue("daemon", out var v) ? v : null;
        foreach (var config in HomeAssistantDiscovery.CreateConfigs(_options, version))
        {
            var message = new OutboundMessage(config.Topic, config.Payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
            await PublishCheckedAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends what is waiting: status changes, command replies, the event queue, then the latest stats.</summary>
    private async Task PumpAsync(CancellationToken stop)
    {
        foreach (var due in _limiter.TakeDue(_time.GetUtcNow()))
        {
            QueueEvent(due);
        }

        if (Interlocked.Read(ref _statusPublishedVersion) != Volatile.Read(ref _statusVersion))
        {
            await PublishStatusAsync(stop).ConfigureAwait(false);
        }

        await SendRepliesAsync(stop).ConfigureAwait(false);

        while (!stop.IsCancellationRequested && _client.IsConnected && _queue.TryBeginSend(out var message))
        {
            MqttClientPublishResult result;
            try
            {
                result = await _client.PublishAsync(message!.ToApplicationMessage(), stop).ConfigureAwait(false);
            }
            catch
            {
                // Connection lost (or stopping) before the broker acknowledged: the message stays at the head.
                _queue.AbortSend();
                throw;
            }

            _queue.CompleteSend(message);
            if (result.IsSuccess)
            {
                Interlocked.Increment(ref _published);
            }
            else
            {
                // The broker refused this message (not authorised, quota, …): retrying would block the queue forever.
                Interlocked.Increment(ref _droppedOther);
                _log.Log(MessagingLogLevel.Warning, $"broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
            }
        }

        var stats = Interlocked.Exchange(ref _pendingStats, null);
        if (stats is not null)
        {
            await SendStatsAsync(stats, stop).ConfigureAwait(false);
        }
    }

    private async Task SendStatsAsync(DeviceStats stats, CancellationToken stop)
    {
        try
        {
            var payload = PayloadSerializer.SerializeStats(stats with { Device = _options.DeviceId, Messaging = Counters });
            var message = new OutboundMessage(Topics.Stats, payload, _statsQos, retain: false);
            await _client.PublishAsync(message.ToApplicationMessage(), stop).ConfigureAwait(false);
            Interlocked.Increment(ref _statsPublished);
        }
        catch (ArgumentException ex)
        {
            Interlocked.Increment(ref _statsDropped);
            _log.Log(MessagingLogLevel.Warning, $"stats not published: {ex.Message}");
        }
        catch
        {
            Interlocked.Increment(ref _statsDropped);
            throw;
        }
    }

    private async Task PublishCheckedAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(message.ToApplicationMessage(), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            _log.Log(MessagingLogLevel.Warning, $"broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stop)
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
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // Idle tick: look at the connection and the rate limit again.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stop) =>
        await Task.Delay(delay, _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private void MarkDisconnected()
    {
        var current = Volatile.Read(ref _connected);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }

    private async Task ResetConnectionAsync()
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
#pragma warning disable CA1031 // Best effort: the next connect attempt starts over anyway.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Log(MessagingLogLevel.Debug, $"disconnect after a failed connect: {ex.Message}");
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // Only wake the loop: reconnecting from this event risks deadlocks inside the client.
        if (args.ClientWasConnected && Volatile.Read(ref _state) == StateRunning)
        {
            _log.Log(MessagingLogLevel.Warning, $"connection to {_options.Host}:{_options.Port} lost ({args.Reason}); {_queue.Count} messages queued, reconnecting");
        }

        Wake();
        return Task.CompletedTask;
    }
}
