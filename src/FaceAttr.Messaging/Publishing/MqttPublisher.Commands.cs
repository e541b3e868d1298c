using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <content>Command requests: received on the client's thread, handled on the thread pool, replies sent by the loop.</content>
public sealed partial class MqttPublisher
{
    /// <summary>Most command handlers running at once; more requests wait for a slot.</summary>
    public const int MaxConcurrentCommands = 4;

    /// <summary>Most requests running or waiting; beyond it requests are answered <see cref="CommandErrorCodes.Busy"/>.</summary>
    public const int MaxPendingCommands = 64;

    /// <summary>Most replies waiting for the loop (while disconnected); beyond it the oldest is dropped.</summary>
    private const int MaxPendingReplies = 64;

    private readonly ConcurrentQueue<OutboundMessage> _replies = new();
    private readonly ConcurrentDictionary<Task, bool> _commandTasks = new();
    private readonly CancellationTokenSource _stopCommands = new();
    private readonly SemaphoreSlim _commandSlots = new(MaxConcurrentCommands, MaxConcurrentCommands);
    private int _pendingCommands;
    private long _commands;
    private long _commandErrors;

    private Task OnApplicationMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (!Topics.TryParseCommand(message.Topic, out var verb, out _))
        {
            return Task.CompletedTask;
        }

        // Copy what the handler needs: the client may reuse its buffers once this callback returns.
        var request = new CommandRequest(verb, message.Topic, message.Payload.ToArray(), message.ResponseTopic, message.CorrelationData);
        if (Volatile.Read(ref _state) != StateRunning)
        {
            QueueReply(request, Commands.ErrorReply(verb, CommandErrorCodes.ShuttingDown, "the device is shutting down"));
            return Task.CompletedTask;
        }

        if (Interlocked.Increment(ref _pendingCommands) > MaxPendingCommands)
        {
            Interlocked.Decrement(ref _pendingCommands);
            QueueReply(request, Commands.ErrorReply(verb, CommandErrorCodes.Busy, $"more than {MaxPendingCommands} commands are waiting; try again"));
            return Task.CompletedTask;
        }

        var task = Task.Run(() => HandleCommandAsync(request));
        _commandTasks.TryAdd(task, true);
        _ = task.ContinueWith(t => _commandTasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>Runs one request; never throws (the router turns every failure into an error reply).</summary>
    private async Task HandleCommandAsync(CommandRequest request)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopCommands.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.CommandTimeoutSeconds));
            try
            {
                await _commandSlots.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                QueueReply(request, Commands.ErrorReply(request.Verb, CommandErrorCodes.Busy, "no handler slot became free in time; try again"));
                return;
            }

            try
            {
                var reply = await Commands.HandleAsync(request.Verb, request.Payload, timeout.Token).ConfigureAwait(false);
                QueueReply(request, reply);
            }
            finally
            {
                _commandSlots.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // A handler that ignored cancellation outlived the publisher; its reply has nowhere to go.
        }
        finally
        {
            Interlocked.Decrement(ref _pendingCommands);
        }
    }

    private void QueueReply(CommandRequest request, CommandReply reply)
    {
        Interlocked.Increment(ref _commands);
        if (!reply.Ok)
        {
            Interlocked.Increment(ref _commandErrors);
        }

        var topic = request.ResponseTopic;
        if (string.IsNullOrEmpty(topic) || topic.Contains('+') || topic.Contains('#'))
        {
            if (!string.IsNullOrEmpty(topic))
            {
                _log.Log(MessagingLogLevel.Warning, $"command '{reply.Verb}': response topic '{topic}' has wildcards; replying on the fallback topic");
            }

            // An MQTT 3.1.1 requester (no response topic): reply beside the request; cmd/+ does not match it.
            topic = request.Topic + "/reply";
        }

        byte[] payload;
        try
        {
            payload = PayloadSerializer.SerializeReply(reply);
        }
        catch (ArgumentException ex)
        {
            _log.Log(MessagingLogLevel.Error, $"command '{reply.Verb}': reply cannot be serialised: {ex.Message}", ex);
            payload = PayloadSerializer.SerializeReply(Commands.ErrorReply(request.Verb, CommandErrorCodes.HandlerFailed, "the result cannot be serialised"));
        }

        _replies.Enqueue(new OutboundMessage(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: false)
        {
            CorrelationData = request.CorrelationData,
        });
        while (_replies.Count > MaxPendingReplies && _replies.TryDequeue(out _))
        {
            Interlocked.Increment(ref _droppedOther);
        }

        Wake();
    }

    private async Task SendRepliesAsync(CancellationToken stop)
    {
        while (_client.IsConnected && _replies.TryPeek(out var reply))
        {
            var result = await _client.PublishAsync(reply.ToApplicationMessage(), stop).ConfigureAwait(false);
            _replies.TryDequeue(out _);
            if (!result.IsSuccess)
            {
                _log.Log(MessagingLogLevel.Warning, $"broker refused a command reply on {reply.Topic}: {result.ReasonCode} {result.ReasonString}");
            }
        }
    }

    private async Task WaitForCommandsAsync(CancellationToken cancellationToken)
    {
        var running = _commandTasks.Keys.ToArray();
        if (running.Length > 0)
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Let the loop send the replies of the commands that just finished.
        while (!_replies.IsEmpty && _client.IsConnected)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record CommandRequest(string Verb, string Topic, byte[] Payload, string? ResponseTopic, byte[]? CorrelationData);
}
