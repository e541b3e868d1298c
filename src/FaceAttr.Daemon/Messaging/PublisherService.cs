using System.Reflection;
using FaceAttr.Capture;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Events;
using FaceAttr.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Daemon;

/// <summary>
/// Owns the daemon's <see cref="MqttPublisher"/>: starts it (retained status with versions and model hashes, last will)
/// before the pipeline runs, takes the pipeline's events and camera changes, answers the <c>stats</c> command, and on
/// stop — after the pipeline has published its final exits — flushes the queue and publishes the offline status.
/// </summary>
public sealed partial class PublisherService(
    MessagingSettings settings,
    ModelHost models,
    StatsCollector statsCollector,
    IMessagingLog messagingLog,
    ILogger<PublisherService> logger) : IHostedService, IEventSink, IAsyncDisposable
{
    private MqttPublisher? _publisher;

    /// <summary>The running publisher.</summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    public MqttPublisher Publisher => _publisher ?? throw new InvalidOperationException("the publisher has not started");

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var manifest = ManifestSerializer.ReadFromFolder(models.InitialFolder);
        _publisher = new MqttPublisher(settings.Mqtt, messagingLog);
        _publisher.UpdateStatus(StatusFor(manifest, _publisher.Status));
        _publisher.Commands.Register("stats", (_, _) => ValueTask.FromResult<object?>(statsCollector.Take()));
        _publisher.Start();
        LogPublishing(settings.Mqtt.Host, settings.Mqtt.Port, _publisher.Topics.Events);
        return Task.CompletedTask;
    }

    /// <summary>Puts the versions and model hashes of the bundle now running into the retained status (after an update or rollback).</summary>
    public void ReportModels(BundleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var current = Publisher.Status;
        Publisher.UpdateStatus(StatusFor(manifest, current) with { Camera = current.Camera });
    }

    /// <inheritdoc />
    public void Publish(TrackEvent trackEvent) => Publisher.EnqueueEvent(trackEvent);

    /// <inheritdoc />
    public void ReportSource(SourceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Publisher.UpdateCameraStatus(new CameraStatus
        {
            State = state.Status switch
            {
                SourceStatus.Starting => CameraState.Starting,
                SourceStatus.Running => CameraState.Ok,
                SourceStatus.Stopped => CameraState.Stopped,
                _ => CameraState.Unavailable, // restarting after a failure or missing: no frames either way
            },
            Source = state.Source,
            Detail = state.Reason,
            Restarts = state.Restarts,
        });
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_publisher is null)
        {
            return;
        }

        await _publisher.StopAsync(cancellationToken).ConfigureAwait(false);
        var c = _publisher.Counters;
        LogStopped(c.Published, c.Dropped, c.Queued, c.Reconnects);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private DeviceStatus StatusFor(BundleManifest manifest, DeviceStatus current) => current with
    {
        Groups = [.. settings.Mqtt.FleetGroups],
        Versions = new Dictionary<string, string>
        {
            ["daemon"] = typeof(PublisherService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            ["dotnet"] = Environment.Version.ToString(),
            ["onnxruntime"] = OrtEnv.Instance().GetVersionString(),
            ["taxonomy"] = manifest.TaxonomyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["bundle"] = $"{manifest.Name}@{manifest.Version}",
        },
        Models = [.. manifest.Models.Select(m => new ModelInfo { Id = m.Id, Role = m.Role.ToString().ToLowerInvariant(), Sha256 = m.Sha256 })],
        Camera = new CameraStatus { State = CameraState.Starting },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "publishing to {Host}:{Port}, events on {Topic}")]
    private partial void LogPublishing(string host, int port, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "messaging stopped: {Published} published, {Dropped} dropped, {Queued} left queued, {Reconnects} reconnects")]
    private partial void LogStopped(long published, long dropped, long queued, long reconnects);
}
