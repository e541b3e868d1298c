using System.Text;
using FaceAttr.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Daemon;

/// <summary>
/// The demo's window on the broker: when <see cref="DaemonOptions.PrintEvents"/> is on, a second MQTT client subscribes
/// to this device's events and prints each payload as it arrives back from the broker, one JSON line on stdout — so what
/// a newcomer sees is what a kiosk application receives. Registered after the broker and before the publisher: it is
/// listening before the first event and, at shutdown, waits for the publisher's offline status so the final exits are
/// printed too.
/// </summary>
public sealed partial class EventEcho(
    MessagingSettings settings,
    IOptions<DaemonOptions> options,
    ILogger<EventEcho> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource _sawGoodbye = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private IMqttClient? _client;
    private Task _connectLoop = Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.PrintEvents)
        {
            return;
        }

        var topics = TopicLayout.For(settings.Mqtt);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic == topics.Events)
            {
                Console.Out.WriteLine(Encoding.UTF8.GetString(message.Payload));
            }
            else if (message.Topic == topics.Status && !message.Retain
                && PayloadSerializer.TryDeserializeStatus(message.Payload.FirstSpan, out var status, out _)
                && status is { State: ConnectionState.Offline })
            {
                _sawGoodbye.TrySetResult();
            }

            return Task.CompletedTask;
        };

        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connectLoop = ConnectLoopAsync(topics, connected, _stop.Token);
        // Wait a little so the first events are printed; an unreachable broker must not hold up the daemon's start.
        await Task.WhenAny(connected.Task, Task.Delay(ConnectWait, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return;
        }

        if (_client.IsConnected)
        {
            var flushBound = TimeSpan.FromSeconds(settings.Mqtt.ShutdownFlushTimeoutSeconds + 2);
            await Task.WhenAny(_sawGoodbye.Task, Task.Delay(flushBound, cancellationToken)).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _connectLoop.ConfigureAwait(false);
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _connectLoop.ConfigureAwait(false);
        _client?.Dispose();
        _stop.Dispose();
    }

    private async Task ConnectLoopAsync(TopicLayout topics, TaskCompletionSource connected, CancellationToken stop)
    {
        var clientOptions = ClientOptionsFactory.BuildObserver(settings.Mqtt, "echo");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_client!.IsConnected)
                {
                    await _client.ConnectAsync(clientOptions, stop).ConfigureAwait(false);
                    await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(topics.Events, MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithTopicFilter(topics.Status, MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(), stop).ConfigureAwait(false);
                    connected.TrySetResult();
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any connect failure means: try again shortly; the echo is a window, never a reason to stop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogEchoRetry(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stop).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "event echo cannot reach the broker yet: {Reason}")]
    private partial void LogEchoRetry(string reason);
}
