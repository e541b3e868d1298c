using System.Text;
using System.Text.Json;

namespace FaceAttr.Bundles.Updating;

/// <summary>One line of the audit log: what changed on the device's models, when, and why.</summary>
public sealed record AuditEntry
{
    /// <summary>When (UTC).</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>What happened: <c>install</c>, <c>switch</c>, <c>commit</c>, <c>rollback</c>, <c>recover</c>, <c>refuse</c>, <c>fail</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Ok { get; init; }

    /// <summary>The stage concerned.</summary>
    public UpdateStage? Stage { get; init; }

    /// <summary>The failure code, when it failed.</summary>
    public UpdateFailure? Failure { get; init; }

    /// <summary>Bundle name, when known.</summary>
    public string? Bundle { get; init; }

    /// <summary>Bundle version, when known.</summary>
    public string? Version { get; init; }

    /// <summary>Slot concerned.</summary>
    public string? Slot { get; init; }

    /// <summary>Archive sha256, when known.</summary>
    public string? ArchiveSha256 { get; init; }

    /// <summary>Signing key id, when known.</summary>
    public string? KeyId { get; init; }

    /// <summary>The request id (MQTT correlation), when known.</summary>
    public string? RequestId { get; init; }

    /// <summary>Why, for people.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Append-only JSON-lines audit log on the device; each line is fsynced before <see cref="Append"/> returns.
/// Rolls over to <c>.1</c> past <see cref="MaxBytes"/>. Thread-safe. A failed write (full disk) never stops
/// the update or rollback it describes: it is counted in <see cref="FailedWrites"/> and kept in <see cref="LastError"/>.
/// </summary>
public sealed class AuditLog
{
    private readonly Lock _gate = new();

    /// <summary>Creates a log at <paramref name="path"/> (the folder is created on first write).</summary>
    public AuditLog(string path, long maxBytes = 4 * 1024 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        Path = path;
        MaxBytes = maxBytes;
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Size at which the log rolls over.</summary>
    public long MaxBytes { get; }

    /// <summary>Writes that failed.</summary>
    public int FailedWrites { get; private set; }

    /// <summary>The last write error, if any.</summary>
    public string? LastError { get; private set; }

    /// <summary>Appends one entry and fsyncs; returns false (and counts) when the write failed.</summary>
    public bool Append(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = Encoding.UTF8.GetBytes(UpdateJson.Serialize(entry) + "\n");
        lock (_gate)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
                if (File.Exists(Path) && new FileInfo(Path).Length + line.Length > MaxBytes)
                {
                    File.Move(Path, Path + ".1", overwrite: true);
                }

                using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
                file.Write(line);
                file.Flush(flushToDisk: true);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                FailedWrites++;
                LastError = ex.Message;
                return false;
            }
        }
    }

    /// <summary>Reads the current log file (not the rolled-over one); a torn last line is skipped.</summary>
    public IReadOnlyList<AuditEntry> ReadAll()
    {
        lock (_gate)
        {
            if (!File.Exists(Path))
            {
                return [];
            }

            var entries = new List<AuditEntry>();
            foreach (var line in File.ReadLines(Path))
            {
                try
                {
                    if (JsonSerializer.Deserialize(line, UpdateJson.Info<AuditEntry>(UpdateJson.Options)) is { } e)
                    {
                        entries.Add(e);
                    }
                }
                catch (JsonException)
                {
                    // A line torn by a power cut mid-append; every complete line is still read.
                    continue;
                }
            }

            return entries;
        }
    }
}
