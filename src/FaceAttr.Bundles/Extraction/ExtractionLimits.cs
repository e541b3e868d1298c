namespace FaceAttr.Bundles.Extraction;

/// <summary>Caps that stop a hostile or broken archive (decompression bombs, entry floods).</summary>
public sealed record ExtractionLimits
{
    /// <summary>Most entries accepted. Default 256 (the default bundle has 17).</summary>
    public int MaxEntries { get; init; } = 256;

    /// <summary>Largest single file, decompressed. Default 256 MiB.</summary>
    public long MaxEntryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest total of all files, decompressed. Default 1 GiB.</summary>
    public long MaxTotalBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Longest entry path in characters. Default 200.</summary>
    public int MaxPathLength { get; init; } = 200;

    /// <summary>Throws when a limit is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntryBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPathLength, 1);
    }
}
