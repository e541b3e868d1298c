using System.Diagnostics;
using FaceAttr.Bundles.Compatibility;
using FaceAttr.Bundles.Extraction;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Slots;
using FaceAttr.Bundles.Transfer;
using FaceAttr.Bundles.Versioning;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Bundles.Updating;

/// <summary>
/// Runs one update from a received archive to a switched slot, in the order that keeps a device safe:
/// signature and hash → safe extraction into <c>tmp/</c> → compatibility check (contracts, test inference) →
/// downgrade check → install into the inactive slot → switch (trial). Every outcome is a
/// <see cref="UpdateResult"/> with stage and reason, and is written to the audit log. The caller (the
/// daemon's update service) then swaps its sessions to <see cref="SlotStore.Current"/>, runs the health
/// window and calls <see cref="Commit"/> or <see cref="Rollback"/>. One update at a time: callers serialize.
/// </summary>
public sealed class BundleUpdater
{
    private readonly SlotStore _slots;
    private readonly TrustStore _trust;
    private readonly CompatibilityChecker _checker;
    private readonly ExtractionLimits _limits;

    /// <summary>Creates an updater over an opened store (none of the arguments is disposed here).</summary>
    public BundleUpdater(SlotStore slots, TrustStore trust, CompatibilityChecker checker, ExtractionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(checker);
        _slots = slots;
        _trust = trust;
        _checker = checker;
        _limits = limits ?? new ExtractionLimits();
        _limits.Validate();
    }

    /// <summary>
    /// Checks what can be checked before any byte is downloaded: the signature's fields are signed by a trusted
    /// key, and its version is newer than the current one (unless forced). Returns null when the download may go on.
    /// </summary>
    public UpdateResult? Precheck(BundleSignature signature, UpdateRequest request)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            signature.Validate("signature");
            _trust.VerifyStatement(signature).ThrowIfFailed();
            CheckVersion(signature.Version, request.Force);
            return null;
        }
        catch (UpdateException ex)
        {
            return Refused(ex, request, signature, Stopwatch.StartNew());
        }
    }

    /// <summary>Downloads the archive (cap: the signed length and the downloader's cap) and installs it.</summary>
    public async Task<UpdateResult> InstallFromUrlAsync(BundleDownloader downloader, Uri url, BundleSignature signature, UpdateRequest request,
        IProgress<UpdateProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(downloader);
        ArgumentNullException.ThrowIfNull(request);
        if (Precheck(signature, request) is { } refused)
        {
            return refused;
        }

        var clock = Stopwatch.StartNew();
        ReceivedArchive archive;
        try
        {
            archive = await downloader.DownloadAsync(url, _slots.TempFolder, signature.ArchiveBytes, progress, request.RequestId, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (UpdateException ex)
        {
            return Refused(ex, request, signature, clock);
        }
        catch (OperationCanceledException)
        {
            return Refused(new UpdateException(UpdateStage.Receive, UpdateFailure.Cancelled, "download cancelled"), request, signature, clock);
        }

        using (archive)
        {
            return Install(archive, signature, request, progress, cancellationToken);
        }
    }

    /// <summary>
    /// Verifies, unpacks, checks and installs a received archive and switches to it (trial). The archive is
    /// not disposed here.
    /// </summary>
    public UpdateResult Install(ReceivedArchive archive, BundleSignature signature, UpdateRequest request,
        IProgress<UpdateProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var staging = Path.Combine(_slots.TempFolder, $"staging-{Guid.NewGuid():N}");
        var id = request.RequestId;
        try
        {
            progress?.Report(new UpdateProgress(id, UpdateStage.Verify, $"checking signature of {signature.Bundle} {signature.Version}"));
            var check = _trust.Verify(signature, archive.Sha256, archive.Bytes);
            check.ThrowIfFailed();
            CheckVersion(signature.Version, request.Force);

            progress?.Report(new UpdateProgress(id, UpdateStage.Extract, "unpacking"));
            cancellationToken.ThrowIfCancellationRequested();
            var files = SafeArchiveExtractor.Extract(archive.Path, staging, _limits);

            progress?.Report(new UpdateProgress(id, UpdateStage.Check, $"checking {files.Count} files: contracts and a test inference"));
            var report = _checker.Check(staging, signature, cancellationToken);

            progress?.Report(new UpdateProgress(id, UpdateStage.Install, $"writing slot {_slots.InactiveSlot}"));
            cancellationToken.ThrowIfCancellationRequested();
            var previous = _slots.Current;
            var installed = _slots.Install(staging, archive.Sha256, signature.KeyId);

            progress?.Report(new UpdateProgress(id, UpdateStage.Switch, $"switching to slot {installed.Slot}"));
            var current = _slots.Activate(installed);
            return new UpdateResult
            {
                RequestId = id,
                Ok = true,
                Stage = UpdateStage.Switch,
                Reason = $"{report.Bundle} {report.Version} installed in slot {current.Slot} and switched to (trial); " +
                         $"{report.Models.Count} models passed contract and test inference; {check.Reason}",
                Bundle = current.Bundle,
                Version = current.Version,
                ArchiveSha256 = archive.Sha256,
                Slot = current.Slot,
                PreviousVersion = previous?.Version,
                ElapsedMs = clock.ElapsedMilliseconds,
            };
        }
        catch (UpdateException ex)
        {
            return Refused(ex, request, signature, clock, archive.Sha256);
        }
        catch (BundleFormatException ex)
        {
            return Refused(new UpdateException(UpdateStage.Install, UpdateFailure.BadManifest, ex.Message, ex), request, signature, clock, archive.Sha256);
        }
        catch (IOException ex)
        {
            return Refused(UpdateException.FromIo(UpdateStage.Install, ex, "update"), request, signature, clock, archive.Sha256);
        }
        catch (OperationCanceledException)
        {
            return Refused(new UpdateException(UpdateStage.Install, UpdateFailure.Cancelled, "update cancelled"), request, signature, clock, archive.Sha256);
        }
        finally
        {
            TryDelete(staging);
        }
    }

    /// <summary>Commits the current trial slot (the health window passed).</summary>
    public UpdateResult Commit(string? requestId = null, string? reason = null)
    {
        try
        {
            var slot = _slots.Commit(reason);
            return new UpdateResult
            {
                RequestId = requestId, Ok = true, Stage = UpdateStage.Commit, Reason = reason ?? "health window passed",
                Bundle = slot.Bundle, Version = slot.Version, Slot = slot.Slot, ArchiveSha256 = slot.Seal.ArchiveSha256,
            };
        }
        catch (UpdateException ex)
        {
            return UpdateResult.Failed(ex, requestId);
        }
    }

    /// <summary>Rolls back to the previous slot (explicit verb or a failed health window).</summary>
    public UpdateResult Rollback(string reason, string? requestId = null)
    {
        var from = _slots.Current;
        try
        {
            var slot = _slots.Rollback(reason);
            return new UpdateResult
            {
                RequestId = requestId, Ok = true, Stage = UpdateStage.Rollback, Reason = reason,
                Bundle = slot.Bundle, Version = slot.Version, Slot = slot.Slot, PreviousVersion = from?.Version,
                ArchiveSha256 = slot.Seal.ArchiveSha256,
            };
        }
        catch (UpdateException ex)
        {
            return UpdateResult.Failed(ex, requestId);
        }
    }

    private void CheckVersion(string candidate, bool force)
    {
        var current = _slots.Current;
        if (force || current is null || !BundleVersion.TryParse(current.Version, out var installed))
        {
            return;
        }

        var offered = BundleVersion.Parse(candidate);
        if (offered < installed)
        {
            throw new UpdateException(UpdateStage.Verify, UpdateFailure.OlderVersion,
                $"version {offered} is older than the installed {installed}; send force to downgrade");
        }

        if (offered == installed)
        {
            throw new UpdateException(UpdateStage.Verify, UpdateFailure.OlderVersion,
                $"version {offered} is already installed; send force to reinstall");
        }
    }

    private UpdateResult Refused(UpdateException ex, UpdateRequest request, BundleSignature signature, Stopwatch clock, string? archiveSha256 = null)
    {
        _slots.Audit.Append(new AuditEntry
        {
            Action = "refuse",
            Ok = false,
            Stage = ex.Stage,
            Failure = ex.Failure,
            Bundle = signature.Bundle,
            Version = signature.Version,
            ArchiveSha256 = archiveSha256,
            KeyId = signature.KeyId,
            RequestId = request.RequestId,
            Reason = ex.Message,
        });
        return UpdateResult.Failed(ex, request.RequestId) with
        {
            Bundle = signature.Bundle,
            Version = signature.Version,
            ArchiveSha256 = archiveSha256,
            PreviousVersion = _slots.Current?.Version,
            ElapsedMs = clock.ElapsedMilliseconds,
        };
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // SlotStore.Open empties tmp/ at the next start.
        }
    }
}
