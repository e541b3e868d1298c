using FaceAttr.Messaging;
using FaceAttr.Messaging.Tests;
using Xunit.Abstractions;

namespace FaceAttr.Client.Tests;

/// <summary>Base of the client tests: a real mosquitto per test, helpers to read the typed stream, and a failure on unobserved task exceptions.</summary>
public abstract class ClientTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<IAsyncDisposable> _owned = [];

    protected ITestOutputHelper Output { get; } = output;

    protected TestLog Log { get; } = new(output);

    protected MosquittoBroker Broker { get; private set; } = null!;

    protected virtual bool BrokerPersistence => false;

    public async Task InitializeAsync()
    {
        UnobservedTaskExceptions.Watch();
        Broker = await MosquittoBroker.StartAsync(BrokerPersistence);
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await Broker.DisposeAsync();
        UnobservedTaskExceptions.AssertNone();
        Log.AssertNoErrors();
    }

    protected T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected FaceAttrClientOptions ClientOptions(string device = "kiosk-1", int? port = null) => new()
    {
        Host = MosquittoBroker.Host,
        Port = port ?? Broker.Port,
        Device = device,
        ReconnectMinSeconds = 0.1,
        ReconnectMaxSeconds = 0.5,
        ConnectTimeoutSeconds = 5,
    };

    protected async Task<FaceAttrClient> StartClientAsync(FaceAttrClientOptions options)
    {
        var client = Own(new FaceAttrClient(options));
        client.Start();
        await client.WaitUntilConnectedAsync(new CancellationTokenSource(Patience).Token);
        return client;
    }

    protected async Task<MqttPublisher> StartPublisherAsync(string device = "kiosk-1", int? port = null)
    {
        var publisher = Own(new MqttPublisher(SampleEvents.Options(port ?? Broker.Port, device), Log));
        publisher.Start();
        await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(Patience).Token);
        return publisher;
    }

    /// <summary>Reads the stream until <paramref name="count"/> messages of type <typeparamref name="T"/> matching <paramref name="match"/> arrived; returns everything read.</summary>
    protected static async Task<List<FaceAttrMessage>> ReadUntilAsync<T>(FaceAttrClient client, int count, Func<T, bool>? match = null)
        where T : FaceAttrMessage
    {
        using var timeout = new CancellationTokenSource(Patience);
        var read = new List<FaceAttrMessage>();
        var seen = 0;
        try
        {
            while (seen < count)
            {
                var message = await client.Messages.ReadAsync(timeout.Token);
                read.Add(message);
                if (message is T typed && (match is null || match(typed)))
                {
                    seen++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"got {seen} of {count} {typeof(T).Name}; read: {string.Join(" | ", read)}");
        }

        return read;
    }
}
