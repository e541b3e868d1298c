using System.Diagnostics;
using FaceAttr.Capture;
using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using FaceAttr.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>
/// The daemon's pipeline: a supervised frame source feeds a latest-frame-wins channel; one loop takes
/// each frame, analyzes it, updates the tracker and publishes the events. When the camera delivers
/// nothing the tracker is still advanced so people exit; on stop every present person gets an exit.
/// </summary>
public sealed partial class PipelineWorker(
    IOptions<DaemonOptions> options,
    TrackerOptions trackerOptions,
    ModelHost models,
    DeviceService device,
    IEventSink sink,
    PipelineStats stats,
    IHostApplicationLifetime lifetime,
    ICaptureLog captureLog,
    ILogger<PipelineWorker> logger) : BackgroundService
{
    private readonly DaemonOptions _options = options.Value;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var bundle = DaemonPaths.ResolveBundle(_options);
        var analyzer = models.CreateInitial();
        var tracker = new FaceTracker(_options.DeviceId, trackerOptions);
        using var channel = new FrameChannel();
        stats.AttachCapture(() => channel.Counters);
        var source = FrameSourceFactory.Create(_options, bundle, captureLog);
        // An image source below ~0.3 fps would look stalled with the default 10 s; allow three frame periods.
        var supervision = new SupervisorOptions { StallTimeout = TimeSpan.FromSeconds(Math.Max(10, 3 / _options.Fps)) };
        var supervisor = new SourceSupervisor(source, channel, supervision, captureLog);
        supervisor.StateChanged += (_, state) =>
        {
            LogSourceState(state.Status, state.Reason);
            sink.ReportSource(state);
        };
        using var sourceStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sourceTask = Task.Run(() => supervisor.RunAsync(sourceStop.Token), CancellationToken.None);
        LogStarted(_options.DeviceId, source.Name, models.ActiveFolder!);

        var events = new List<TrackEvent>();
        var observations = new List<FaceObservation>();
        long frames = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                stats.MarkLoop();
                if (models.TakeSwap() is { } swapped)
                {
                    // Between frames: the frame in flight finished on the old models, the next one runs on the new.
                    analyzer.Dispose();
                    analyzer = swapped;
                    LogSwapped(models.ActiveFolder!);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                Frame frame;
                try
                {
                    frame = await channel.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // No frame for a second (camera lost or slow): let time pass so people can exit.
                    events.Clear();
                    tracker.Update(DateTimeOffset.UtcNow, [], events);
                    PublishAll(events);
                    stats.RecordIdle(events.Count, tracker.PresentCount);
                    continue;
                }

                using (frame)
                {
                    if (device.Presence is { } presence && !presence.ShouldCapture(frame.CapturedAt, tracker.PresentCount > 0))
                    {
                        // Nobody there (PIR quiet, no face for a while): skip the models; people still time out.
                        events.Clear();
                        tracker.Update(frame.CapturedAt, [], events);
                        PublishAll(events);
                        stats.RecordIdle(events.Count, tracker.PresentCount);
                        if (ReachedMaxFrames(ref frames))
                        {
                            break;
                        }

                        continue;
                    }

                    IReadOnlyList<FaceAnalysis> faces;
                    try
                    {
                        faces = analyzer.Analyze(frame.Image);
                    }
                    catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException or ArgumentException)
                    {
                        // A model that fails at run time loses this frame, not the daemon; the update health window counts these.
                        stats.RecordAnalysisError();
                        LogAnalysisFailed(ex);
                        continue;
                    }

                    observations.Clear();
                    foreach (var face in faces)
                    {
                        var observation = face.ToObservation();
                        if (!AllFinite(observation))
                        {
                            stats.RecordNonFiniteOutput();
                        }

                        observations.Add(observation);
                    }

                    events.Clear();
                    tracker.Update(frame.CapturedAt, observations, events);
                    PublishAll(events);
                    stats.Record(faces.Count, events.Count, tracker.PresentCount, Stopwatch.GetElapsedTime(frame.Timestamp).TotalMilliseconds);
                }

                if (ReachedMaxFrames(ref frames))
                {
                    break;
                }
            }
        }
        finally
        {
            analyzer.Dispose();
            events.Clear();
            tracker.ExitAll(DateTimeOffset.UtcNow, events);
            PublishAll(events);
            stats.RecordIdle(events.Count, 0);
            await sourceStop.CancelAsync().ConfigureAwait(false);
            await sourceTask.ConfigureAwait(false);
            LogStopped(stats.Processed, stats.Faces, stats.Events, channel.Counters.Dropped);
        }

        if (_options.MaxFrames > 0)
        {
            lifetime.StopApplication();
        }
    }

    private bool ReachedMaxFrames(ref long frames)
    {
        if (_options.MaxFrames <= 0 || ++frames < _options.MaxFrames)
        {
            return false;
        }

        LogMaxFrames(frames);
        return true;
    }

    private static bool AllFinite(FaceObservation observation)
    {
        foreach (var value in observation.Attributes)
        {
            if (!float.IsFinite(value.Probability) || value.Value is { } v && !float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private void PublishAll(List<TrackEvent> events)
    {
        foreach (var e in events)
        {
            sink.Publish(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "faceattrd {Device} started: source {Source}, bundle {Bundle}")]
    private partial void LogStarted(string device, string source, string bundle);

    [LoggerMessage(Level = LogLevel.Information, Message = "source {Status} {Reason}")]
    private partial void LogSourceState(SourceStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "now running the models of {Folder}")]
    private partial void LogSwapped(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "analysis failed; frame skipped")]
    private partial void LogAnalysisFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping after {Frames} frames (MaxFrames)")]
    private partial void LogMaxFrames(long frames);

    [LoggerMessage(Level = LogLevel.Information, Message = "pipeline stopped: {Frames} frames, {Faces} faces, {Events} events, {Dropped} frames dropped")]
    private partial void LogStopped(long frames, long faces, long events, long dropped);
}
