using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace FaceAttr.Daemon;

/// <summary>
/// Feeds the systemd watchdog (<c>WatchdogSec=</c> in the unit): when systemd set <c>WATCHDOG_USEC</c> for this process,
/// sends <c>WATCHDOG=1</c> every half interval — but only while the pipeline loop keeps turning. A pipeline stuck in a
/// native call stops the pings, and systemd restarts the daemon (<c>Restart=on-failure</c>). A missing camera does not
/// stop them: the loop turns once a second without frames.
/// </summary>
public sealed partial class SystemdWatchdog(PipelineStats stats, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval() is not { } interval || Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is not { Length: > 0 })
        {
            return;
        }

        // SystemdNotifier writes datagrams to $NOTIFY_SOCKET; it works whether or not the host detected systemd.
        var notifier = new SystemdNotifier();
        var period = interval / 2;
        var stalled = false;
        LogEnabled(interval.TotalSeconds);
        using var timer = new PeriodicTimer(period);
        try
        {
            do
            {
                var sinceLoop = stats.SinceLastLoop;
                if (sinceLoop < interval)
                {
                    notifier.Notify(Ping);
                    stalled = false;
                }
                else if (!stalled)
                {
                    stalled = true;
                    LogStalled(sinceLoop.TotalSeconds);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: systemd stops expecting pings once it sees STOPPING=1 from the host.
        }
    }

    /// <summary>The watchdog interval systemd asked for, when it asked this process (<c>WATCHDOG_PID</c> unset or ours).</summary>
    public static TimeSpan? Interval()
    {
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (pid is { Length: > 0 } && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog: {Seconds} s, pinged every half interval while the pipeline runs")]
    private partial void LogEnabled(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "pipeline loop has not turned for {Seconds:0.0} s: no longer feeding the systemd watchdog")]
    private partial void LogStalled(double seconds);
}
