using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>Publishes the stats heartbeat every <see cref="DaemonOptions.StatsIntervalSeconds"/> (dropped and counted while offline).</summary>
public sealed class StatsHeartbeat(IOptions<DaemonOptions> options, StatsCollector collector, PublisherService publisher, TimeProvider time) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.StatsIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                publisher.Publisher.EnqueueStats(collector.Take());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last interval's heartbeat is not worth delaying shutdown for.
        }
    }
}
