using System.Text.Json.Serialization;

namespace FaceAttr.Bundles.Slots;

/// <summary>Whether the current slot has passed its health window.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlotState>))]
public enum SlotState
{
    /// <summary>Switched to but not yet confirmed healthy: the daemon should watch it and commit or roll back.</summary>
    [JsonStringEnumMemberName("trial")] Trial,

    /// <summary>Confirmed (or the only slot there is).</summary>
    [JsonStringEnumMemberName("committed")] Committed,
}

/// <summary>One file listed in a slot's seal.</summary>
/// <param name="Path">Relative path with '/' separators.</param>
/// <param name="Sha256">Lower-case hex sha256.</param>
/// <param name="Bytes">Length.</param>
public sealed record SealedFile(string Path, string Sha256, long Bytes);

/// <summary>
/// <c>.slot.json</c> inside a slot folder, written last (temp + fsync + rename) once every file is on disk:
/// a slot without a seal, or whose files differ from it, is half-written and never used.
/// </summary>
public sealed record SlotSeal
{
    /// <summary>Bundle name.</summary>
    public required string Bundle { get; init; }

    /// <summary>Bundle version.</summary>
    public required string Version { get; init; }

    /// <summary>sha256 of the archive the slot was unpacked from, when installed from one.</summary>
    public string? ArchiveSha256 { get; init; }

    /// <summary>Id of the key that signed it, when known.</summary>
    public string? KeyId { get; init; }

    /// <summary>When it was installed.</summary>
    public DateTimeOffset InstalledAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Every file of the slot except the seal itself.</summary>
    public required IReadOnlyList<SealedFile> Files { get; init; }
}

/// <summary>
/// The <c>current</c> and <c>previous</c> pointer files of the slot root (temp + fsync + rename). A pointer
/// names a slot and the sha256 of its seal, so it never silently follows a slot that was reinstalled.
/// </summary>
public sealed record SlotPointer
{
    /// <summary>Slot name (<c>a</c> or <c>b</c>).</summary>
    public required string Slot { get; init; }

    /// <summary>sha256 of the slot's <c>.slot.json</c>.</summary>
    public required string SealSha256 { get; init; }

    /// <summary>Trial or committed.</summary>
    public SlotState State { get; init; } = SlotState.Committed;

    /// <summary>When the pointer was written.</summary>
    public DateTimeOffset Since { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A verified, sealed slot.</summary>
/// <param name="Slot">Slot name (<c>a</c>/<c>b</c>).</param>
/// <param name="Folder">Absolute path of the bundle folder (load the models from here).</param>
/// <param name="Seal">Its seal.</param>
/// <param name="SealSha256">sha256 of the seal file.</param>
/// <param name="State">Trial or committed (for a slot that is not current: committed).</param>
public sealed record InstalledSlot(string Slot, string Folder, SlotSeal Seal, string SealSha256, SlotState State)
{
    /// <summary>Bundle name.</summary>
    public string Bundle => Seal.Bundle;

    /// <summary>Bundle version.</summary>
    public string Version => Seal.Version;
}

/// <summary>Points between the steps of an install, switch, commit or rollback, where a test hook may simulate a crash.</summary>
public enum SlotStep
{
    /// <summary>The inactive slot's seal is deleted (the slot is now unusable).</summary>
    Unsealed,

    /// <summary>The inactive slot's old files are gone.</summary>
    Wiped,

    /// <summary>One file is copied and fsynced (called once per file).</summary>
    FileCopied,

    /// <summary>All files are copied and their folders fsynced.</summary>
    FilesCopied,

    /// <summary>The seal is written: the slot is complete but not current.</summary>
    Sealed,

    /// <summary>The <c>previous</c> pointer names the old current slot.</summary>
    PreviousWritten,

    /// <summary>The <c>current</c> pointer names the new slot (trial).</summary>
    CurrentWritten,

    /// <summary>The current slot is committed.</summary>
    Committed,

    /// <summary>The <c>current</c> pointer is back on the previous slot.</summary>
    RolledBack,
}
