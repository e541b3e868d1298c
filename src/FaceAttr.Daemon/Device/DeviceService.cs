using FaceAttr.Core.Events;
using FaceAttr.Device;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>
/// The board's GPIO parts (<c>FaceAttr:Device</c>): a PIR motion sensor whose <see cref="Presence"/> gate lets the
/// pipeline idle when nobody is there, a status LED (starting, online, broker lost, face present) and a test button that
/// publishes a <c>test</c> event for installers. Without GPIO (a PC, a VM, CI) everything is absent, the gate always
/// captures, and one log line says why.
/// </summary>
public sealed partial class DeviceService(
    DeviceOptions deviceOptions,
    IOptions<DaemonOptions> daemonOptions,
    PublisherService publisher,
    PipelineStats stats,
    TimeProvider time,
    ILogger<DeviceService> logger) : BackgroundService
{
    private GpioDeviceHost? _host;

    /// <summary>Whether the pipeline should analyze frames now; always true without a motion sensor.</summary>
    public PresenceGate? Presence => _host?.Presence;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _host = GpioDeviceHost.Open(deviceOptions, time);
        foreach (var problem in _host.Problems)
        {
            LogProblem(problem);
        }

        _host.Presence.Wake += (_, e) => LogWake(e.At);
        _host.Presence.Sleep += (_, e) => LogSleep(e.At);
        if (_host.Button is { } button)
        {
            button.Pressed += (_, e) =>
            {
                _host.Presence.NotifyActivity(e.At);
                publisher.Publish(new TrackEvent
                {
                    Kind = TrackEventKind.Test, Device = daemonOptions.Value.DeviceId, TrackId = 0, Timestamp = e.At, Attributes = new Dictionary<string, Core.Faces.AttributeValue>(),
                });
                LogTestButton();
            };
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_host?.Led is not { } led)
        {
            return;
        }

        // The LED follows the daemon: ready once the pipeline loop turns, then broker and faces.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var ready = stats.Processed > 0 || stats.SinceLastLoop < TimeSpan.FromSeconds(2);
                led.Show(StatusLed.StateFor(ready, publisher.Publisher.IsConnected, stats.PeoplePresent > 0));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the host disposes the LED (off).
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "device: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "motion at {At:HH:mm:ss}: analysing frames")]
    private partial void LogWake(DateTimeOffset at);

    [LoggerMessage(Level = LogLevel.Information, Message = "nobody there since {At:HH:mm:ss}: camera idle until motion")]
    private partial void LogSleep(DateTimeOffset at);

    [LoggerMessage(Level = LogLevel.Information, Message = "test button: test event published")]
    private partial void LogTestButton();
}
