using System.Collections.Concurrent;
using System.Threading.Channels;
using FaceAttr.Core.Events;
using MQTTnet;
using MQTTnet.Protocol;

namespace FaceAttr.Messaging;

/// <summary>
/// Publishes one device's events, status, stats and update progress over MQTT 5 and answers its commands.
/// <list type="bullet">
/// <item>Connects with a last will (retained <c>offline</c> status, reason <c>connection_lost</c>) and publishes a retained
/// <c>online</c> status on every connect.</item>
/// <item>Events go through a bounded offline queue (<see cref="MqttOptions.OfflineQueueCapacity"/>): a message leaves the
/// queue only when the broker acknowledged it, so a broker outage within the bound loses nothing and keeps the order;
/// beyond the bound the oldest are dropped and counted (<see cref="Counters"/>).</item>
/// <item>One background loop owns the MQTT client: it connects and reconnects with exponential backoff, and does all the
/// publishing. The client's Disconnected event only wakes the loop (reconnecting from the event risks deadlocks).</item>
/// <item><see cref="StopAsync"/> delivers what is queued within <see cref="MqttOptions.ShutdownFlushTimeoutSeconds"/>, publishes
/// the retained <c>offline</c> status (reason <c>shutdown</c>) and disconnects cleanly.</item>
/// </list>
/// The <c>Enqueue…</c> methods never block and may be called from any thread; they are safe on the frame hot path.
/// Ownership: the publisher owns its MQTT client and disposes it in <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class MqttPublisher : IAsyncDisposable
{
    private const int StateCreated = 0;
    private const int StateRunning = 1;
    private const int StateStopping = 2;
    private const int StateStopped = 3;

    private readonly MqttOptions _options;
    private readonly IMessagingLog _log;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly OutboundQueue _queue;
    private readonly UpdateRateLimiter _limiter;
    private readonly AttributeAllowList _allowList;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopLoop = new();
    private readonly Lock _statusGate = new();
    private readonly Lock _stopGate = new();
    private readonly Lock _sequenceGate = new();
    private readonly MqttQualityOfServiceLevel _eventsQos;
    private readonly MqttQualityOfServiceLevel _statsQos;
    private readonly MqttQualityOfServiceLevel _statusQos;

    private DeviceStatus _status;
    private long _statusVersion;
    private long _statusPublishedVersion = -1;
    private DeviceStats? _pendingStats;
    private Task _loop = Task.CompletedTask;
    private Task? _stopTask;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    private long _sequence;
    private long _published;
    private long _droppedOther;
    private long _reconnects;
    private long _filteredUpdates;
    private long _invalidEvents;
    private long _statsPublished;
    private long _statsDropped;

    /// <summary>Creates the publisher; nothing connects until <see cref="Start"/>.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="log">Where connection changes, drops and command problems are logged; null discards.</param>
    /// <param name="timeProvider">Clock of timestamps, backoff delays and the update rate limit; null for the system clock.</param>
    /// <exception cref="MqttOptionsException">An option is invalid; the message names the key.</exception>
    public MqttPublisher(MqttOptions options, IMessagingLog? log = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = log ?? NullMessagingLog.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Topics = TopicLayout.For(options);
        Commands = new CommandRouter(options.DeviceId, _log, _time);
        _queue = new OutboundQueue(options.OfflineQueueCapacity);
        _limiter = new UpdateRateLimiter(TimeSpan.FromSeconds(options.UpdateMinIntervalSeconds));
        _allowList = new AttributeAllowList(options.AllowedAttributes);
        _eventsQos = (MqttQualityOfServiceLevel)options.EventsQos;
        _statsQos = (MqttQualityOfServiceLevel)options.StatsQos;
        _statusQos = (MqttQualityOfServiceLevel)options.StatusQos;
        _status = new DeviceStatus { Device = options.DeviceId, StartedAt = _time.GetUtcNow() };
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnApplicationMessageReceivedAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>The device's topics.</summary>
    public TopicLayout Topics { get; }

    /// <summary>The command verbs this device answers; register handlers before or after <see cref="Start"/>.</summary>
    public CommandRouter Commands { get; }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Queued messages acknowledged by the broker.</summary>
    public long PublishedEvents => Interlocked.Read(ref _published);

    /// <summary>Messages in the offline queue now.</summary>
    public long QueuedEvents => _queue.Count;

    /// <summary>Messages dropped: queue overflow, left at shutdown, refused by the broker.</summary>
    public long DroppedEvents => _queue.Dropped + Interlocked.Read(ref _droppedOther);

    /// <summary>Successful reconnects after the first connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>A snapshot of every counter.</summary>
    public MessagingCounters Counters => new()
    {
        Published = PublishedEvents,
        Queued = QueuedEvents,
        Dropped = DroppedEvents,
        Reconnects = Reconnects,
        CoalescedUpdates = _limiter.Coalesced,
        FilteredUpdates = Interlocked.Read(ref _filteredUpdates),
        InvalidEvents = Interlocked.Read(ref _invalidEvents),
        StatsPublished = Interlocked.Read(ref _statsPublished),
        StatsDropped = Interlocked.Read(ref _statsDropped),
        Commands = Interlocked.Read(ref _commands),
        CommandErrors = Interlocked.Read(ref _commandErrors),
    };

    /// <summary>The status published on connect (without the state, which the publisher sets).</summary>
    public DeviceStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status;
            }
        }
    }

    /// <summary>Starts the background loop that connects (retrying with backoff while the broker is unreachable) and publishes.</summary>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, StateRunning, StateCreated) != StateCreated)
        {
            throw new InvalidOperationException("The publisher was already started (or stopped); create a new one");
        }

        _loop = Task.Run(() => RunAsync(_stopLoop.Token));
    }

    /// <summary>Completes when the publisher is connected (now or later).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        var connected = Volatile.Read(ref _connected).Task;
        return IsConnected && connected.IsCompleted ? Task.CompletedTask : connected.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Hands a track event to the publisher: the allow-list removes disallowed heads, the per-track rate limit may hold an
    /// update back, then the event is serialised and queued. Never blocks.
    /// </summary>
    public EventDisposition EnqueueEvent(TrackEvent trackEvent)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        if (Volatile.Read(ref _state) >= StateStopping)
        {
            return EventDisposition.Rejected;
        }

        if (trackEvent.Kind == TrackEventKind.Test)
        {
            // An installer's check carries no attributes and follows no track: nothing to filter or rate-limit.
            return QueueEvent(trackEvent) ? EventDisposition.Queued : EventDisposition.Invalid;
        }

        var filtered = _allowList.Apply(trackEvent, out var removed);
        if (filtered.Kind == TrackEventKind.Update && removed > 0 && filtered.Attributes.Count == 0)
        {
            Interlocked.Increment(ref _filteredUpdates);
            return EventDisposition.Filtered;
        }

        var toSend = _limiter.Offer(filtered, _time.GetUtcNow());
        if (toSend is null)
        {
            Wake();
            return EventDisposition.Held;
        }

        return QueueEvent(toSend) ? EventDisposition.Queued : EventDisposition.Invalid;
    }

    /// <summary>
    /// Replaces the status details (versions, models, camera) and publishes them retained when connected; the publisher
    /// sets <see cref="DeviceStatus.State"/>, <see cref="DeviceStatus.Reason"/> and the timestamp. Latest wins; never blocks.
    /// </summary>
    /// <exception cref="ArgumentException">The status names another device.</exception>
    public void UpdateStatus(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Device != _options.DeviceId)
        {
            throw new ArgumentException($"Status of device '{status.Device}' given to the publisher of '{_options.DeviceId}'", nameof(status));
        }

        lock (_statusGate)
        {
            _status = status;
            _statusVersion++;
        }

        Wake();
    }

    /// <summary>Replaces the camera part of the status (e.g. <see cref="CameraState.Unavailable"/> while a camera is retried).</summary>
    public void UpdateCameraStatus(CameraStatus camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        lock (_statusGate)
        {
            _status = _status with { Camera = camera };
            _statusVersion++;
        }

        Wake();
    }

    /// <summary>
    /// Publishes a stats heartbeat (QoS <see cref="MqttOptions.StatsQos"/>) with the publisher's counters filled in. Latest
    /// wins; while disconnected it is dropped and counted (the next heartbeat replaces it). False when dropped. Never blocks.
    /// </summary>
    public bool EnqueueStats(DeviceStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (!IsConnected || Volatile.Read(ref _state) != StateRunning)
        {
            Interlocked.Increment(ref _statsDropped);
            return false;
        }

        if (Interlocked.Exchange(ref _pendingStats, stats) is not null)
        {
            Interlocked.Increment(ref _statsDropped);
        }

        Wake();
        return true;
    }

    /// <summary>
    /// Queues a model-update progress message (retained, QoS <see cref="MqttOptions.EventsQos"/>, in order with the events).
    /// False when the publisher is stopping. Never blocks.
    /// </summary>
    public bool EnqueueUpdateProgress(UpdateProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (Volatile.Read(ref _state) >= StateStopping)
        {
            return false;
        }

        Enqueue(new OutboundMessage(Topics.Update, PayloadSerializer.SerializeUpdate(progress), _eventsQos, retain: true));
        return true;
    }

    /// <summary>
    /// Releases updates held by the rate limit and waits until everything queued so far has been acknowledged by the broker.
    /// Waits through outages; bound it with <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var held in _limiter.TakeAll(_time.GetUtcNow()))
        {
            QueueEvent(held);
        }

        while (_queue.Count > 0 || !_replies.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops cleanly: delivers what is queued within <see cref="MqttOptions.ShutdownFlushTimeoutSeconds"/> (what is left is
    /// dropped, counted and logged), lets running commands finish within the same time, publishes the retained
    /// <c>offline</c> status and disconnects. Idempotent.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            _stopTask ??= StopCoreAsync(cancellationToken);
            return _stopTask;
        }
    }

    /// <summary>Stops (see <see cref="StopAsync"/>) and disposes the MQTT client.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _client.ApplicationMessageReceivedAsync -= OnApplicationMessageReceivedAsync;
        _client.DisconnectedAsync -= OnDisconnectedAsync;
        _client.Dispose();
        _stopLoop.Dispose();
        _stopCommands.Dispose();
        _commandSlots.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var previous = Interlocked.Exchange(ref _state, StateStopping);
        if (previous == StateCreated)
        {
            Volatile.Write(ref _state, StateStopped);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(_options.ShutdownFlushTimeoutSeconds));
        try
        {
            await FlushAsync(deadline.Token).ConfigureAwait(false);
            await WaitForCommandsAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The flush deadline passed: what is left is counted below.
        }

        await _stopCommands.CancelAsync().ConfigureAwait(false);
        await _stopLoop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var left = _queue.Clear();
        if (left > 0)
        {
            Interlocked.Add(ref _droppedOther, left);
            _log.Log(MessagingLogLevel.Warning, $"{left} queued messages were not delivered before shutdown (broker unreachable or slow for {_options.ShutdownFlushTimeoutSeconds} s)");
        }

        // The loop has ended: this method owns the client now.
        await GoOfflineAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _state, StateStopped);
    }

    private async Task GoOfflineAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
        try
        {
            var offline = Status with { State = ConnectionState.Offline, Reason = DeviceStatus.ReasonShutdown, Timestamp = _time.GetUtcNow() };
            var message = new OutboundMessage(Topics.Status, PayloadSerializer.SerializeStatus(offline), _statusQos, retain: true);
            await _client.PublishAsync(message.ToApplicationMessage(), timeout.Token).ConfigureAwait(false);
            await _client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
            _log.Log(MessagingLogLevel.Information, $"disconnected from {_options.Host}:{_options.Port} (status offline)");
        }
#pragma warning disable CA1031 // Shutdown goes on whatever the broker does; the last will covers a failed goodbye.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Log(MessagingLogLevel.Warning, $"clean disconnect failed, the broker will publish the last will: {ex.Message}", ex);
        }
    }

    private bool QueueEvent(TrackEvent trackEvent)
    {
        // The frame thread and the loop (releasing held updates) both queue events: numbering and queueing under one
        // lock keeps seq in queue order, so a subscriber sees 1, 2, 3… and any gap is a real loss.
        lock (_sequenceGate)
        {
            byte[] payload;
            try
            {
                payload = PayloadSerializer.SerializeEvent(trackEvent with { Seq = _sequence + 1 });
            }
            catch (ArgumentException ex)
            {
                Interlocked.Increment(ref _invalidEvents);
                _log.Log(MessagingLogLevel.Warning, $"event {trackEvent.Kind} of track {trackEvent.TrackId} not published: {ex.Message}");
                return false;
            }

            _sequence++;
            Enqueue(new OutboundMessage(Topics.Events, payload, _eventsQos, retain: false));
            return true;
        }
    }

    private void Enqueue(OutboundMessage message)
    {
        if (!_queue.Enqueue(message))
        {
            var dropped = _queue.Dropped;
            if (dropped == 1 || dropped % 1000 == 0)
            {
                _log.Log(MessagingLogLevel.Warning, $"offline queue full ({_options.OfflineQueueCapacity}): dropped the oldest message ({dropped} so far)");
            }
        }

        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);
}
