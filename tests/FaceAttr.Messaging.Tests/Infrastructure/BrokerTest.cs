using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

/// <summary>
/// Base of the tests against a real mosquitto: one broker per test on a free port, a log that echoes to the test output,
/// and a failure on any unobserved task exception or unexpected logged error at the end.
/// </summary>
public abstract class BrokerTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<IAsyncDisposable> _owned = [];

    protected ITestOutputHelper Output { get; } = output;

    protected TestLog Log { get; } = new(output);

    protected MosquittoBroker Broker { get; private set; } = null!;

    /// <summary>Set by tests that expect errors in the log (e.g. a command handler that throws).</summary>
    protected bool ErrorsExpected { get; set; }

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
        if (!ErrorsExpected)
        {
            Log.AssertNoErrors();
        }
    }

    protected T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected async Task<MqttPublisher> StartPublisherAsync(MqttOptions options)
    {
        var publisher = Own(new MqttPublisher(options, Log));
        publisher.Start();
        using var timeout = new CancellationTokenSource(Patience);
        await publisher.WaitUntilConnectedAsync(timeout.Token);
        return publisher;
    }

    protected async Task<TestSubscriber> SubscribeAsync(params string[] filters) =>
        Own(await TestSubscriber.ConnectAsync(Broker.Port, filters));
}
