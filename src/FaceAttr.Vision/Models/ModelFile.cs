using System.Security.Cryptography;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Vision.Models;

/// <summary>File-level checks of a bundle's model files.</summary>
public static class ModelFile
{
    /// <summary>Lower-case hex SHA-256 of a file, streamed.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Resolves an entry's file in a bundle folder and checks that it exists and its hash matches.</summary>
    public static string Resolve(string bundleFolder, ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = Path.Combine(bundleFolder, entry.File);
        if (!File.Exists(path))
        {
            throw new ModelContractException($"model '{entry.Id}': file {path} is missing");
        }

        var actual = Sha256(path);
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelContractException(
                $"model '{entry.Id}': {entry.File} has sha256 {actual} but the manifest says {entry.Sha256}");
        }

        return path;
    }
}
