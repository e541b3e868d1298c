using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceAttr.Bundles.IO;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Updating;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Bundles.Slots;

/// <summary>
/// The A/B model store of a device, e.g. under <c>/var/lib/faceattr</c>:
/// <code>
/// slots/a/  slots/b/     bundle folders, each sealed by .slot.json (file list with sha256) written last
/// current   previous     pointer files: {slot, seal_sha256, state}, replaced by temp + fsync + rename
/// tmp/                   downloads and staging (emptied by <see cref="Open"/>)
/// audit.jsonl            every change, one JSON line each, fsynced
/// </code>
/// An install writes the inactive slot (unseal, wipe, copy + fsync, seal), then <see cref="Activate"/> writes
/// <c>previous</c> and then <c>current</c> (state trial); <see cref="Commit"/> or <see cref="Rollback"/> end
/// the trial. A crash at any point leaves <c>current</c> naming a sealed slot or, if it does not verify,
/// <see cref="Open"/> falls back to <c>previous</c> or to the newest slot that verifies. Methods are
/// serialized by a lock; one process owns a root.
/// </summary>
public sealed class SlotStore
{
    /// <summary>The two slot names.</summary>
    public static readonly IReadOnlyList<string> SlotNames = ["a", "b"];

    /// <summary>Name of the seal file in a slot folder.</summary>
    public const string SealFile = ".slot.json";

    private const string CurrentFile = "current";
    private const string PreviousFile = "previous";

    private static readonly JsonSerializerOptions FileJson = new(UpdateJson.Options) { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly SlotStoreOptions _options;
    private bool _opened;

    /// <summary>Creates a store over <paramref name="root"/>; call <see cref="Open"/> before anything else.</summary>
    public SlotStore(string root, SlotStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _options = options ?? new SlotStoreOptions();
        Audit = new AuditLog(_options.AuditPath ?? Path.Combine(Root, "audit.jsonl"));
    }

    /// <summary>The store's root folder.</summary>
    public string Root { get; }

    /// <summary>The audit log.</summary>
    public AuditLog Audit { get; }

    /// <summary>Folder for downloads and staging, on the same file system as the slots. Emptied by <see cref="Open"/>.</summary>
    public string TempFolder => Path.Combine(Root, "tmp");

    /// <summary>The slot the daemon should load, or null when nothing is installed yet.</summary>
    public InstalledSlot? Current { get; private set; }

    /// <summary>The slot a rollback returns to, or null.</summary>
    public InstalledSlot? Previous { get; private set; }

    /// <summary>The slot the next install writes: the one that is not current.</summary>
    public string InactiveSlot => Current?.Slot == "a" ? "b" : "a";

    /// <summary>The folder of a slot.</summary>
    public string SlotFolder(string slot) => Path.Combine(Root, "slots", slot);

    /// <summary>
    /// Recovers after a start or a crash: empties <c>tmp/</c>, deletes temp files, verifies the slots named by
    /// <c>current</c> and <c>previous</c> by re-hashing every file against its seal, and repairs the pointers so
    /// that <c>current</c> names a verified slot (falling back to <c>previous</c>, then the newest verified slot)
    /// or is absent. A trial slot stays trial: the daemon decides whether to re-run its health window.
    /// </summary>
    /// <returns>What recovery did (empty when everything was consistent).</returns>
    public IReadOnlyList<string> Open()
    {
        lock (_gate)
        {
            var notes = new List<string>();
            Directory.CreateDirectory(Root);
            foreach (var slot in SlotNames)
            {
                Directory.CreateDirectory(SlotFolder(slot));
            }

            if (Directory.Exists(TempFolder))
            {
                Directory.Delete(TempFolder, recursive: true);
            }

            Directory.CreateDirectory(TempFolder);
            foreach (var leftover in Directory.GetFiles(Root, "*" + DurableFile.TempSuffix)
                         .Concat(SlotNames.SelectMany(s => Directory.GetFiles(SlotFolder(s), SealFile + DurableFile.TempSuffix))))
            {
                File.Delete(leftover);
            }

            var current = ReadPointer(CurrentFile, out var currentProblem);
            var previous = ReadPointer(PreviousFile, out var previousProblem);
            var currentSlot = current is null ? null : Verify(current.Slot, current.SealSha256, current.State, out currentProblem);
            var previousSlot = previous is null || previous.Slot == current?.Slot
                ? null
                : Verify(previous.Slot, previous.SealSha256, SlotState.Committed, out previousProblem);
            if (previous is not null && previous.Slot == current?.Slot)
            {
                previousProblem = "names the current slot (a switch was interrupted)";
            }

            if (currentSlot is null)
            {
                if (currentProblem is not null)
                {
                    notes.Add($"current pointer unusable: {currentProblem}");
                }

                currentSlot = previousSlot ?? NewestVerifiedSlot();
                previousSlot = null;
                if (currentSlot is not null)
                {
                    WritePointer(CurrentFile, new SlotPointer { Slot = currentSlot.Slot, SealSha256 = currentSlot.SealSha256 });
                    currentSlot = currentSlot with { State = SlotState.Committed };
                    notes.Add($"current is now slot {currentSlot.Slot} ({currentSlot.Bundle} {currentSlot.Version})");
                }
                else if (current is not null)
                {
                    DurableFile.DeleteDurably(Path.Combine(Root, CurrentFile));
                    notes.Add("no slot verifies; nothing is installed");
                }
            }

            if (previousSlot is null && File.Exists(Path.Combine(Root, PreviousFile)))
            {
                DurableFile.DeleteDurably(Path.Combine(Root, PreviousFile));
                notes.Add($"previous pointer dropped: {previousProblem ?? "its slot became current"}");
            }

            Current = currentSlot;
            Previous = previousSlot;
            _opened = true;
            if (notes.Count > 0)
            {
                Audit.Append(new AuditEntry
                {
                    Action = "recover",
                    Ok = Current is not null,
                    Stage = UpdateStage.Recover,
                    Slot = Current?.Slot,
                    Bundle = Current?.Bundle,
                    Version = Current?.Version,
                    Reason = string.Join("; ", notes),
                });
            }

            return notes;
        }
    }

    /// <summary>
    /// Copies the bundle in <paramref name="sourceFolder"/> (already checked) into the inactive slot, fsyncing
    /// every file, and seals it. The slot is not current until <see cref="Activate"/>. If <c>previous</c>
    /// names the inactive slot, that pointer is dropped first (the slot is about to be overwritten).
    /// </summary>
    /// <exception cref="UpdateException">Stage install: disk full or another I/O error; the slot is left unsealed (ignored).</exception>
    public InstalledSlot Install(string sourceFolder, string? archiveSha256 = null, string? keyId = null)
    {
        lock (_gate)
        {
            RequireOpen();
            if (Current is { State: SlotState.Trial } trial)
            {
                throw new UpdateException(UpdateStage.Install, UpdateFailure.Busy,
                    $"slot {trial.Slot} ({trial.Version}) is still in its trial; commit or roll back before installing another bundle");
            }

            var manifest = ManifestSerializer.ReadFromFolder(sourceFolder);
            var slot = InactiveSlot;
            var folder = SlotFolder(slot);
            try
            {
                DurableFile.DeleteDurably(Path.Combine(folder, SealFile));
                Step(SlotStep.Unsealed, slot);
                if (Previous?.Slot == slot)
                {
                    DurableFile.DeleteDurably(Path.Combine(Root, PreviousFile));
                    Previous = null;
                }

                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                Directory.CreateDirectory(folder);
                DurableFile.SyncDirectory(Path.GetDirectoryName(folder)!);
                Step(SlotStep.Wiped, slot);

                var files = new List<SealedFile>();
                var folders = new HashSet<string>(StringComparer.Ordinal) { folder };
                foreach (var relative in BundlePacker.ListFiles(sourceFolder))
                {
                    var target = Path.Combine(folder, relative);
                    var parent = Path.GetDirectoryName(target)!;
                    if (folders.Add(parent))
                    {
                        Directory.CreateDirectory(parent);
                    }

                    DurableFile.Copy(Path.Combine(sourceFolder, relative), target, _options.WrapWrite);
                    files.Add(new SealedFile(relative, HashFile(target), new FileInfo(target).Length));
                    Step(SlotStep.FileCopied, relative);
                }

                foreach (var f in folders.OrderByDescending(f => f.Length))
                {
                    DurableFile.SyncDirectory(f);
                }

                Step(SlotStep.FilesCopied, slot);
                var seal = new SlotSeal
                {
                    Bundle = manifest.Name,
                    Version = manifest.Version,
                    ArchiveSha256 = archiveSha256,
                    KeyId = keyId,
                    Files = files,
                };
                var sealBytes = JsonSerializer.SerializeToUtf8Bytes(seal, UpdateJson.Info<SlotSeal>(FileJson));
                DurableFile.WriteAtomic(Path.Combine(folder, SealFile), sealBytes, _options.WrapWrite);
                Step(SlotStep.Sealed, slot);
                var installed = new InstalledSlot(slot, folder, seal, Convert.ToHexStringLower(SHA256.HashData(sealBytes)), SlotState.Committed);
                Audit.Append(new AuditEntry
                {
                    Action = "install", Ok = true, Stage = UpdateStage.Install, Slot = slot,
                    Bundle = seal.Bundle, Version = seal.Version, ArchiveSha256 = archiveSha256, KeyId = keyId,
                    Reason = $"{files.Count} files written and sealed in slot {slot}",
                });
                return installed;
            }
            catch (IOException ex)
            {
                // Free the space a half-written slot holds; it has no seal, so it is ignored either way.
                TryWipe(folder);
                throw UpdateException.FromIo(UpdateStage.Install, ex, $"installing into slot {slot}");
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="slot"/> (just installed) current, in trial: <c>previous</c> := old current, then
    /// <c>current</c> := <paramref name="slot"/>. Re-verifies the slot first.
    /// </summary>
    /// <exception cref="UpdateException">Stage switch: the slot no longer verifies, or an I/O error.</exception>
    public InstalledSlot Activate(InstalledSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        lock (_gate)
        {
            RequireOpen();
            var verified = Verify(slot.Slot, slot.SealSha256, SlotState.Trial, out var problem)
                ?? throw new UpdateException(UpdateStage.Switch, UpdateFailure.IoError, $"slot {slot.Slot} does not verify: {problem}");
            var old = Current;
            try
            {
                if (old is not null && old.Slot != verified.Slot)
                {
                    WritePointer(PreviousFile, new SlotPointer { Slot = old.Slot, SealSha256 = old.SealSha256 });
                }

                Step(SlotStep.PreviousWritten, verified.Slot);
                WritePointer(CurrentFile, new SlotPointer { Slot = verified.Slot, SealSha256 = verified.SealSha256, State = SlotState.Trial });
                Step(SlotStep.CurrentWritten, verified.Slot);
            }
            catch (IOException ex)
            {
                throw UpdateException.FromIo(UpdateStage.Switch, ex, $"switching to slot {verified.Slot}");
            }

            Previous = old is not null && old.Slot != verified.Slot ? old with { State = SlotState.Committed } : null;
            Current = verified;
            Audit.Append(new AuditEntry
            {
                Action = "switch", Ok = true, Stage = UpdateStage.Switch, Slot = verified.Slot,
                Bundle = verified.Bundle, Version = verified.Version, ArchiveSha256 = verified.Seal.ArchiveSha256,
                Reason = $"current: slot {verified.Slot} (trial); previous: {(old is null ? "none" : $"slot {old.Slot} {old.Version}")}",
            });
            return verified;
        }
    }

    /// <summary>Ends the trial of the current slot: it passed its health window.</summary>
    /// <exception cref="InvalidOperationException">Nothing is current.</exception>
    public InstalledSlot Commit(string? reason = null)
    {
        lock (_gate)
        {
            RequireOpen();
            var current = Current ?? throw new InvalidOperationException("nothing is installed to commit");
            if (current.State == SlotState.Committed)
            {
                return current;
            }

            try
            {
                WritePointer(CurrentFile, new SlotPointer { Slot = current.Slot, SealSha256 = current.SealSha256 });
            }
            catch (IOException ex)
            {
                throw UpdateException.FromIo(UpdateStage.Commit, ex, "committing");
            }

            Step(SlotStep.Committed, current.Slot);
            Current = current with { State = SlotState.Committed };
            Audit.Append(new AuditEntry
            {
                Action = "commit", Ok = true, Stage = UpdateStage.Commit, Slot = current.Slot,
                Bundle = current.Bundle, Version = current.Version, Reason = reason ?? "health window passed",
            });
            return Current;
        }
    }

    /// <summary>
    /// Points <c>current</c> back at <c>previous</c> (re-verified) and drops <c>previous</c>; the slot rolled
    /// away from stays on disk, unused, until the next install overwrites it.
    /// </summary>
    /// <exception cref="UpdateException">Stage rollback: <see cref="UpdateFailure.NoPrevious"/> or an I/O error.</exception>
    public InstalledSlot Rollback(string reason)
    {
        lock (_gate)
        {
            RequireOpen();
            var from = Current;
            var target = Previous is { } p ? Verify(p.Slot, p.SealSha256, SlotState.Committed, out _) : null;
            if (target is null)
            {
                Audit.Append(new AuditEntry
                {
                    Action = "rollback", Ok = false, Stage = UpdateStage.Rollback, Failure = UpdateFailure.NoPrevious,
                    Slot = from?.Slot, Bundle = from?.Bundle, Version = from?.Version, Reason = $"no verified previous slot; {reason}",
                });
                throw new UpdateException(UpdateStage.Rollback, UpdateFailure.NoPrevious,
                    $"no previous slot to roll back to (current: {from?.Version ?? "none"})");
            }

            try
            {
                WritePointer(CurrentFile, new SlotPointer { Slot = target.Slot, SealSha256 = target.SealSha256 });
                Step(SlotStep.RolledBack, target.Slot);
                DurableFile.DeleteDurably(Path.Combine(Root, PreviousFile));
            }
            catch (IOException ex)
            {
                throw UpdateException.FromIo(UpdateStage.Rollback, ex, $"rolling back to slot {target.Slot}");
            }

            Current = target;
            Previous = null;
            Audit.Append(new AuditEntry
            {
                Action = "rollback", Ok = true, Stage = UpdateStage.Rollback, Slot = target.Slot,
                Bundle = target.Bundle, Version = target.Version,
                Reason = $"from {from?.Version ?? "none"} (slot {from?.Slot}) back to {target.Version}: {reason}",
            });
            return target;
        }
    }

    /// <summary>
    /// Re-hashes every file of a slot against its seal. Returns the slot, or null with the problem (no seal,
    /// seal differs from <paramref name="expectedSealSha256"/>, missing, extra or altered file).
    /// </summary>
    public InstalledSlot? Verify(string slot, string? expectedSealSha256, SlotState state, out string? problem)
    {
        if (!SlotNames.Contains(slot))
        {
            problem = $"'{slot}' is not a slot name";
            return null;
        }

        var folder = SlotFolder(slot);
        var sealPath = Path.Combine(folder, SealFile);
        if (!File.Exists(sealPath))
        {
            problem = $"slot {slot} has no seal (half-written)";
            return null;
        }

        var sealBytes = File.ReadAllBytes(sealPath);
        var sealSha = Convert.ToHexStringLower(SHA256.HashData(sealBytes));
        if (expectedSealSha256 is not null && sealSha != expectedSealSha256)
        {
            problem = $"slot {slot} was resealed since the pointer was written";
            return null;
        }

        SlotSeal? seal;
        try
        {
            seal = JsonSerializer.Deserialize(sealBytes, UpdateJson.Info<SlotSeal>(FileJson));
        }
        catch (JsonException ex)
        {
            problem = $"slot {slot} seal is not valid JSON: {ex.Message}";
            return null;
        }

        if (seal is null)
        {
            problem = $"slot {slot} seal is empty";
            return null;
        }

        var present = BundlePacker.ListFiles(folder);
        var listed = seal.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        if (present.FirstOrDefault(p => !listed.Contains(p)) is { } extra)
        {
            problem = $"slot {slot} has a file its seal does not list: {extra}";
            return null;
        }

        foreach (var file in seal.Files)
        {
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
            {
                problem = $"slot {slot}: {file.Path} is missing";
                return null;
            }

            if (new FileInfo(path).Length != file.Bytes || HashFile(path) != file.Sha256)
            {
                problem = $"slot {slot}: {file.Path} differs from its seal (corrupt)";
                return null;
            }
        }

        problem = null;
        return new InstalledSlot(slot, folder, seal, sealSha, state);
    }

    private InstalledSlot? NewestVerifiedSlot()
    {
        InstalledSlot? best = null;
        foreach (var slot in SlotNames)
        {
            if (Verify(slot, null, SlotState.Committed, out _) is { } s
                && (best is null || Compare(s.Version, best.Version) > 0 || (Compare(s.Version, best.Version) == 0 && s.Seal.InstalledAt > best.Seal.InstalledAt)))
            {
                best = s;
            }
        }

        return best;
    }

    private static int Compare(string a, string b) =>
        Versioning.BundleVersion.TryParse(a, out var va) && Versioning.BundleVersion.TryParse(b, out var vb) ? va.CompareTo(vb) : string.CompareOrdinal(a, b);

    private SlotPointer? ReadPointer(string name, out string? problem)
    {
        var path = Path.Combine(Root, name);
        problem = null;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var pointer = JsonSerializer.Deserialize(File.ReadAllBytes(path), UpdateJson.Info<SlotPointer>(FileJson));
            if (pointer is null || !SlotNames.Contains(pointer.Slot))
            {
                problem = $"{name} pointer names no slot";
                return null;
            }

            return pointer;
        }
        catch (JsonException ex)
        {
            problem = $"{name} pointer is not valid JSON: {ex.Message}";
            return null;
        }
    }

    private void WritePointer(string name, SlotPointer pointer) =>
        DurableFile.WriteAtomic(Path.Combine(Root, name), JsonSerializer.SerializeToUtf8Bytes(pointer, UpdateJson.Info<SlotPointer>(FileJson)), _options.WrapWrite);

    private void Step(SlotStep step, string? detail) => _options.StepHook?.Invoke(step, detail);

    private void RequireOpen()
    {
        if (!_opened)
        {
            throw new InvalidOperationException("call Open() first: it recovers the store after a restart");
        }
    }

    private void TryWipe(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
        }
        catch (IOException ex)
        {
            Audit.Append(new AuditEntry { Action = "fail", Ok = false, Stage = UpdateStage.Install, Reason = $"could not wipe {folder}: {ex.Message}" });
        }
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Reads a slot pointer file for diagnostics (null when absent or invalid).</summary>
    public SlotPointer? ReadPointerFile(bool previous) => ReadPointer(previous ? PreviousFile : CurrentFile, out _);

    /// <summary>A short description for logs: <c>current b 0.2.0 (trial), previous a 0.1.0</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Current is { } c ? $"current {c.Slot} {c.Version} ({c.State.ToString().ToLowerInvariant()})" : "current none");
        sb.Append(Previous is { } p ? $", previous {p.Slot} {p.Version}" : ", previous none");
        return sb.ToString();
    }
}
