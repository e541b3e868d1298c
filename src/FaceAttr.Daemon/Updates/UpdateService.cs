using System.Text.Json;
using FaceAttr.Bundles.Compatibility;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Slots;
using FaceAttr.Bundles.Transfer;
using FaceAttr.Bundles.Updating;
using FaceAttr.Core.Bundles;
using FaceAttr.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using BundleProgress = FaceAttr.Bundles.Updating.UpdateProgress;
using MessageProgress = FaceAttr.Messaging.UpdateProgress;

namespace FaceAttr.Daemon;

/// <summary>
/// The device's side of remote model updates. At start it opens the A/B slot store (recovering from a crash at any
/// step, seeding slot a from the factory bundle on first start, rolling back a trial the daemon died in) and tells the
/// pipeline which slot to run. On <c>cmd/update</c> (device or fleet group) it checks the signature before any
/// download, downloads, verifies, unpacks, checks and installs into the inactive slot (<see cref="BundleUpdater"/>),
/// swaps the running models between two frames, watches them for <see cref="UpdateOptions.HealthWindowSeconds"/> and
/// commits or rolls back by itself. <c>cmd/rollback</c> goes back on request. Progress and results go to
/// <c>faceattr/{device}/update</c>, the running versions and hashes into the retained status, every change into the
/// audit log. One update at a time.
/// </summary>
public sealed partial class UpdateService(
    IOptions<DaemonOptions> daemonOptions,
    UpdateOptions options,
    ModelHost models,
    PipelineStats stats,
    PublisherService publisher,
    TimeProvider time,
    ILogger<UpdateService> logger) : IHostedLifecycleService, IDisposable
{
    private readonly SemaphoreSlim _busy = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private SlotStore? _slots;
    private TrustStore? _trust;
    private BundleUpdater? _updater;
    private HttpClient? _http;
    private Task _running = Task.CompletedTask;

    // Counters when the models running now were swapped in: the "before" of the next health window is their whole life,
    // not just the seconds a download took.
    private HealthWindow.Snapshot _baseline;

    /// <summary>Verbs this service answers.</summary>
    public static readonly IReadOnlyList<string> Verbs = ["update", "update_chunk", "rollback"];

    // A transfer over MQTT chunks that stays silent this long is abandoned, so a vanished sender cannot block updates.
    private static readonly TimeSpan ChunkIdleLimit = TimeSpan.FromSeconds(60);
    private ChunkTransfer? _transfer;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Opens the slot store and chooses the bundle the pipeline starts with (runs before the publisher and the pipeline start).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return Task.CompletedTask;
        }

        _slots = new SlotStore(options.StateRoot);
        foreach (var note in _slots.Open())
        {
            LogRecovery(note);
        }

        if (_slots.Current is null)
        {
            // First start: the factory bundle becomes slot a, so a failed first update has something to go back to.
            var factory = DaemonPaths.ResolveBundle(daemonOptions.Value);
            _slots.Activate(_slots.Install(factory));
            _slots.Commit("factory bundle");
            LogSeeded(factory);
        }

        _trust = TrustStore.Load(options.TrustedKeys);
        _updater = new BundleUpdater(_slots, _trust, new CompatibilityChecker(new CompatibilityOptions()));
        if (_slots.Current is { State: SlotState.Trial })
        {
            var result = _updater.Rollback("the daemon restarted during the health window of this bundle");
            LogRolledBackAtStart(result.Version ?? "?", result.Reason);
        }

        models.SetInitialFolder(_slots.Current!.Folder);
        _http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var commands = publisher.Publisher.Commands;
        if (!options.Enabled)
        {
            foreach (var verb in Verbs)
            {
                commands.Register(verb, (_, _) => throw new CommandException("updates_disabled",
                    $"remote updates are off: no trusted keys in {UpdateOptions.Section}:TrustedKeys"));
            }

            return Task.CompletedTask;
        }

        commands.Register("update", HandleUpdateAsync);
        commands.Register("update_chunk", HandleChunkAsync);
        commands.Register("rollback", HandleRollbackAsync);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // An update cut short stays a trial; the next start rolls it back.
        await _running.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        Volatile.Read(ref _transfer)?.Receiver.Dispose();
        _http?.Dispose();
        _trust?.Dispose();
        _stopping.Dispose();
        _busy.Dispose();
    }

    private ValueTask<object?> HandleUpdateAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var (url, signature, force, requestId) = UpdateCommand.Parse(payload);
        var request = new UpdateRequest { RequestId = requestId, Force = force };
        if (_updater!.Precheck(signature, request) is { } refused)
        {
            Publish(refused, MapFinal(refused));
            throw new CommandException(FailureCode(refused), refused.Reason);
        }

        AbandonIdleTransfer();
        if (!_busy.Wait(0, CancellationToken.None))
        {
            throw new CommandException(CommandErrorCodes.Busy, "another update is running");
        }

        if (url is null)
        {
            // The archive follows in update_chunk commands; the signed length caps what is accepted.
            var receiver = new ChunkedBundleReceiver(_slots!.TempFolder, ReceiveLimits(), signature.ArchiveBytes);
            Volatile.Write(ref _transfer, new ChunkTransfer(signature, request, receiver, time.GetTimestamp()));
        }
        else
        {
            _running = Task.Run(() => RunUpdateAsync(signature, request, (progress, ct) =>
                _updater!.InstallFromUrlAsync(new BundleDownloader(_http!, ReceiveLimits()), url, signature, request, progress, ct)), CancellationToken.None);
        }

        return ValueTask.FromResult<object?>(new UpdateAccepted(requestId, signature.Bundle, signature.Version, _slots!.Current?.Version));
    }

    private ValueTask<object?> HandleChunkAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var chunk = UpdateChunk.Parse(payload);
        var transfer = Volatile.Read(ref _transfer);
        if (transfer is null || transfer.Request.RequestId != chunk.RequestId)
        {
            throw new CommandException("no_transfer", $"update_chunk: no transfer {chunk.RequestId} is open (start it with update and \"transfer\": \"mqtt\")");
        }

        ChunkOutcome outcome;
        try
        {
            outcome = transfer.Receiver.Accept(chunk.Index, chunk.Total, chunk.Data);
            transfer.LastChunk = time.GetTimestamp();
        }
        catch (UpdateException ex)
        {
            var failed = UpdateResult.Failed(ex, transfer.Request.RequestId) with { Bundle = transfer.Signature.Bundle, Version = transfer.Signature.Version };
            EndTransfer(transfer);
            Publish(failed, UpdateState.Failed);
            throw new CommandException(FailureCode(failed), failed.Reason);
        }

        if (outcome != ChunkOutcome.Complete)
        {
            return ValueTask.FromResult<object?>(new ChunkReceipt(transfer.Receiver.Received, transfer.Receiver.Total, Complete: false));
        }

        var archive = transfer.Receiver.TakeArchive();
        Volatile.Write(ref _transfer, null);
        transfer.Receiver.Dispose();
        _running = Task.Run(() => RunUpdateAsync(transfer.Signature, transfer.Request, (progress, ct) =>
        {
            using (archive)
            {
                return Task.FromResult(_updater!.Install(archive, transfer.Signature, transfer.Request, progress, ct));
            }
        }), CancellationToken.None);
        return ValueTask.FromResult<object?>(new ChunkReceipt(chunk.Total, chunk.Total, Complete: true));
    }

    private void AbandonIdleTransfer()
    {
        if (Volatile.Read(ref _transfer) is { } open && time.GetElapsedTime(open.LastChunk) > ChunkIdleLimit)
        {
            EndTransfer(open);
            Publish(new UpdateResult
            {
                Ok = false, Stage = UpdateStage.Receive, Failure = UpdateFailure.Truncated, RequestId = open.Request.RequestId,
                Bundle = open.Signature.Bundle, Version = open.Signature.Version,
                Reason = $"no chunk for {ChunkIdleLimit.TotalSeconds:0} s: transfer abandoned after {open.Receiver.Received} of {open.Receiver.Total} chunks",
            }, UpdateState.Failed);
        }
    }

    private void EndTransfer(ChunkTransfer transfer)
    {
        if (Interlocked.CompareExchange(ref _transfer, null, transfer) == transfer)
        {
            transfer.Receiver.Dispose();
            _busy.Release();
        }
    }

    private ReceiveOptions ReceiveLimits() => new() { MaxBytes = options.MaxBundleMegabytes * 1024L * 1024 };

    /// <summary>An update whose archive is arriving in MQTT chunks.</summary>
    private sealed class ChunkTransfer(BundleSignature signature, UpdateRequest request, ChunkedBundleReceiver receiver, long started)
    {
        public BundleSignature Signature => signature;

        public UpdateRequest Request => request;

        public ChunkedBundleReceiver Receiver => receiver;

        public long LastChunk { get; set; } = started;
    }

    private async ValueTask<object?> HandleRollbackAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var requestId = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        if (!await _busy.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new CommandException(CommandErrorCodes.Busy, "an update is running; it rolls back by itself if it fails its health window");
        }

        try
        {
            var result = await RollBackAsync("rollback requested", requestId).ConfigureAwait(false);
            if (!result.Ok)
            {
                throw new CommandException(FailureCode(result), result.Reason);
            }

            return new UpdateAccepted(requestId, result.Bundle ?? "?", result.Version ?? "?", result.PreviousVersion);
        }
        finally
        {
            _busy.Release();
        }
    }

    private async Task RunUpdateAsync(BundleSignature signature, UpdateRequest request,
        Func<IProgress<BundleProgress>, CancellationToken, Task<UpdateResult>> install)
    {
        try
        {
            var start = _baseline;
            var progress = new Progress<BundleProgress>(p => Publish(signature, p));
            var installed = await install(progress, _stopping.Token).ConfigureAwait(false);
            if (!installed.Ok)
            {
                Publish(installed, UpdateState.Failed);
                LogRefused(signature.Version, installed.Reason);
                return;
            }

            try
            {
                await models.LoadAsync(_slots!.Current!.Folder, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await RollBackAsync($"the new models could not be started: {ex.Message}", request.RequestId, "unloadable_model").ConfigureAwait(false);
                return;
            }

            publisher.ReportModels(models.ActiveManifest!);
            var swap = _baseline = HealthWindow.Snapshot.Take(stats);
            Publish(installed with { Stage = UpdateStage.Health, Reason = $"watching the new models for {options.HealthWindowSeconds} s" }, UpdateState.HealthCheck);
            await Task.Delay(TimeSpan.FromSeconds(options.HealthWindowSeconds), time, _stopping.Token).ConfigureAwait(false);
            var verdict = HealthWindow.Judge(start, swap, HealthWindow.Snapshot.Take(stats), options.MaxLatencyRatio);
            if (verdict is not null)
            {
                await RollBackAsync(verdict, request.RequestId, "unhealthy").ConfigureAwait(false);
                return;
            }

            var committed = _updater!.Commit(request.RequestId);
            Publish(committed with { PreviousVersion = installed.PreviousVersion }, committed.Ok ? UpdateState.Succeeded : UpdateState.Failed);
            LogCommitted(committed.Version ?? "?", committed.Slot ?? "?");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            LogInterrupted();
        }
        finally
        {
            _busy.Release();
        }
    }

    private async Task<UpdateResult> RollBackAsync(string reason, string? requestId, string? failure = null)
    {
        var result = _updater!.Rollback(reason, requestId);
        if (!result.Ok)
        {
            Publish(result, UpdateState.Failed);
            return result;
        }

        await models.LoadAsync(_slots!.Current!.Folder, CancellationToken.None).ConfigureAwait(false);
        _baseline = HealthWindow.Snapshot.Take(stats);
        publisher.ReportModels(models.ActiveManifest!);
        Publish(result, UpdateState.RolledBack, failure);
        LogRolledBack(result.Version ?? "?", reason);
        return result;
    }

    private void Publish(BundleSignature signature, BundleProgress progress) =>
        publisher.Publisher.EnqueueUpdateProgress(new MessageProgress
        {
            Device = daemonOptions.Value.DeviceId,
            Timestamp = time.GetUtcNow(),
            Bundle = signature.Bundle,
            Version = signature.Version,
            State = progress.Stage switch
            {
                UpdateStage.Receive => UpdateState.Downloading,
                UpdateStage.Verify or UpdateStage.Extract or UpdateStage.Check => UpdateState.Verifying,
                _ => UpdateState.Installing,
            },
            Stage = StageName(progress.Stage),
            Progress = progress.Fraction,
            Message = progress.Message,
            RequestId = progress.RequestId,
        });

    private void Publish(UpdateResult result, UpdateState state, string? failure = null) =>
        publisher.Publisher.EnqueueUpdateProgress(new MessageProgress
        {
            Device = daemonOptions.Value.DeviceId,
            Timestamp = time.GetUtcNow(),
            Bundle = result.Bundle ?? "unknown",
            Version = result.Version,
            PreviousVersion = result.PreviousVersion,
            Slot = result.Slot,
            State = state,
            Stage = StageName(result.Stage),
            Message = result.Reason,
            RequestId = result.RequestId,
            Failure = failure ?? (result.Ok ? null : FailureCode(result)),
        });

    private static UpdateState MapFinal(UpdateResult result) => result.Ok ? UpdateState.Succeeded : UpdateState.Failed;

    private static string StageName(UpdateStage stage) => UpdateJson.Serialize(stage).Trim('"');

    private static string FailureCode(UpdateResult result) => UpdateJson.Serialize(result.Failure).Trim('"');

    [LoggerMessage(Level = LogLevel.Warning, Message = "model slots: {Note}")]
    private partial void LogRecovery(string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "model slots: first start, the factory bundle {Folder} is slot a")]
    private partial void LogSeeded(string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "model slots: rolled back to {Version} at start: {Reason}")]
    private partial void LogRolledBackAtStart(string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "update to {Version} refused: {Reason}")]
    private partial void LogRefused(string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "update committed: {Version} in slot {Slot}")]
    private partial void LogCommitted(string version, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rolled back to {Version}: {Reason}")]
    private partial void LogRolledBack(string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "update interrupted by shutdown; the trial slot is rolled back at the next start")]
    private partial void LogInterrupted();
}
