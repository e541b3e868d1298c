using System.Collections.Concurrent;
using System.Threading.Channels;
using FaceAttr.Messaging;
using MQTTnet;

namespace FaceAttr.Client;

/// <summary>
/// Follows FaceAttr devices from a kiosk application: connects to the broker, subscribes to a device's (or every
/// device's) events and status, turns payloads into typed messages after a schema-version check, and reconnects with
/// backoff from a background loop when the broker goes away. Read the stream from <see cref="Messages"/>:
/// <code>
/// await using var client = new FaceAttrClient(new FaceAttrClientOptions { Host = "broker", Device = "kiosk-1" });
/// client.Start();
/// await foreach (var message in client.Messages.ReadAllAsync(ct))
/// {
///     if (message is TrackEventMessage { Event: var e }) Console.WriteLine($"{e.Kind} {e.TrackId}");
/// }
/// </code>
/// Payloads with a newer schema version than this library reads arrive as <see cref="PayloadErrorMessage"/>, never as
/// an exception. A slow reader loses the oldest messages first (<see cref="DroppedMessages"/>). Ownership: the client
/// owns its MQTT connection; dispose it.
/// </summary>
public sealed partial class FaceAttrClient : IAsyncDisposable
{
    private readonly FaceAttrClientOptions _options;
    private readonly IMqttClient _client;
    private readonly Channel<FaceAttrMessage> _messages;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly SemaphoreSlim _clientGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandReply>> _pendingCommands = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;
    private int _disposed;
    private long _dropped;
    private long _rejected;
    private long _reconnects;

    /// <summary>Creates the client; nothing connects until <see cref="Start"/>.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="timeProvider">Clock of the receive timestamps and the backoff; null for the system clock.</param>
    /// <exception cref="MqttOptionsException">An option is invalid; the message names the key.</exception>
    public FaceAttrClient(FaceAttrClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        ClientId = options.ClientId.Length > 0 ? options.ClientId : "faceattr-client-" + Guid.NewGuid().ToString("N")[..10];
        Topics = new TopicLayout(options.TopicPrefix, options.Device);
        ReplyTopicRoot = $"{options.ReplyTopicPrefix}/{ClientId}";
        _messages = Channel.CreateBounded<FaceAttrMessage>(
            new BoundedChannelOptions(options.MessageBufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnApplicationMessageReceivedAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Event numbering per device: how many events were lost (gaps in <c>seq</c>) and how many repeats were held back.</summary>
    public EventSequence Sequence { get; } = new();

    /// <summary>The typed stream of events, statuses, payload errors and connection changes.</summary>
    public ChannelReader<FaceAttrMessage> Messages => _messages.Reader;

    /// <summary>The MQTT client id in use.</summary>
    public string ClientId { get; }

    /// <summary>The topics followed (the device may be <c>+</c>).</summary>
    public TopicLayout Topics { get; }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Messages dropped because the reader fell behind <see cref="FaceAttrClientOptions.MessageBufferCapacity"/>.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>Payloads refused (junk or a newer schema); each was also reported as a <see cref="PayloadErrorMessage"/>.</summary>
    public long RejectedPayloads => Interlocked.Read(ref _rejected);

    /// <summary>Successful reconnects after the first connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    private string ReplyTopicRoot { get; }

    /// <summary>Starts the background loop that connects, subscribes and reconnects with backoff.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("The client was already started");
        }

        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes when the client is connected and subscribed (now or later).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        var connected = Volatile.Read(ref _connected).Task;
        return IsConnected && connected.IsCompleted ? Task.CompletedTask : connected.WaitAsync(cancellationToken);
    }

    /// <summary>Disconnects cleanly, ends the message stream and releases the connection. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the connection is going away either way.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        foreach (var pending in _pendingCommands.Values)
        {
            pending.TrySetException(new ObjectDisposedException(nameof(FaceAttrClient)));
        }

        _messages.Writer.TryComplete();
        _client.ApplicationMessageReceivedAsync -= OnApplicationMessageReceivedAsync;
        _client.DisconnectedAsync -= OnDisconnectedAsync;
        _client.Dispose();
        _clientGate.Dispose();
        _stop.Dispose();
    }

    private void Post(FaceAttrMessage message) => _messages.Writer.TryWrite(message);

    private void Wake() => _wake.Writer.TryWrite(true);
}
