namespace FaceAttr.Bundles.Transfer;

/// <summary>
/// An archive received into a temp file, with the sha256 computed while it streamed in. The instance owns
/// the temp file: <see cref="Dispose"/> deletes it.
/// </summary>
public sealed class ReceivedArchive : IDisposable
{
    internal ReceivedArchive(string path, long bytes, string sha256)
    {
        Path = path;
        Bytes = bytes;
        Sha256 = sha256;
    }

    /// <summary>The temp file.</summary>
    public string Path { get; }

    /// <summary>Length in bytes.</summary>
    public long Bytes { get; }

    /// <summary>Lower-case hex sha256 of the bytes.</summary>
    public string Sha256 { get; }

    /// <summary>Wraps an archive that is already on disk (e.g. copied by hand); hashes it. Dispose deletes it.</summary>
    public static ReceivedArchive FromFile(string path)
    {
        using var stream = File.OpenRead(path);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        return new ReceivedArchive(path, stream.Length, sha);
    }

    /// <summary>Deletes the temp file.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is removed by the next recovery sweep.
        }
    }
}
