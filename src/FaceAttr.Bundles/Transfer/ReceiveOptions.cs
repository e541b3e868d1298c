namespace FaceAttr.Bundles.Transfer;

/// <summary>Limits of receiving an archive (download or MQTT chunks).</summary>
public sealed record ReceiveOptions
{
    /// <summary>Largest archive accepted, in bytes. Default 256 MiB (the default bundle is ~25 MB). Range 1 B – 16 GiB.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Bytes between two progress reports. Default 1 MiB.</summary>
    public long ProgressEveryBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Wraps the stream every received byte is written through (the file itself stays owned by the receiver).
    /// For tests: simulate a full disk. Null in production.
    /// </summary>
    public Func<Stream, Stream>? WrapWrite { get; init; }

    /// <summary>Throws when a limit is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBytes, 16L * 1024 * 1024 * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgressEveryBytes, 1);
    }
}
