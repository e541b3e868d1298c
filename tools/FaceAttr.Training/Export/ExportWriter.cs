using System.Security.Cryptography;
using System.Text.Json;
using FaceAttr.Core.Bundles;
using Google.Protobuf;

namespace FaceAttr.Training.Export;

/// <summary>
/// Writes an exported network as <c>{id}.onnx</c> and <c>{id}.model.json</c> (its manifest entry with the file's sha256),
/// the pair <c>faceattr bundle</c> reads. Each file goes to a temp name first and is renamed into place, so an
/// interrupted export leaves nothing half-written.
/// </summary>
public static class ExportWriter
{
    /// <summary>Suffix of the manifest-entry file written beside the ONNX file.</summary>
    public const string EntrySuffix = ".model.json";

    /// <summary>Writes both files into <paramref name="folder"/> and returns the entry with its sha256.</summary>
    /// <exception cref="IOException">One of the files already exists.</exception>
    public static ModelEntry Write(ExportedNetwork exported, string folder)
    {
        ArgumentNullException.ThrowIfNull(exported);
        Directory.CreateDirectory(folder);
        var onnxPath = Path.Combine(folder, exported.Entry.File);
        var entryPath = Path.Combine(folder, exported.Entry.Id + EntrySuffix);
        foreach (var path in new[] { onnxPath, entryPath })
        {
            if (File.Exists(path))
            {
                throw new IOException($"{path} already exists; choose another output folder or model id (nothing was written)");
            }
        }

        var bytes = exported.Model.ToByteArray();
        var entry = exported.Entry with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
        WriteAtomic(onnxPath, bytes);
        WriteAtomic(entryPath, JsonSerializer.SerializeToUtf8Bytes(entry, ManifestSerializer.Options));
        return entry;
    }

    /// <summary>Reads an entry written by <see cref="Write"/>.</summary>
    public static ModelEntry ReadEntry(string entryPath)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelEntry>(File.ReadAllBytes(entryPath), ManifestSerializer.Options)
                ?? throw new BundleFormatException($"{entryPath}: empty model entry");
        }
        catch (JsonException ex)
        {
            throw new BundleFormatException($"{entryPath}: not a model entry: {ex.Message}", ex);
        }
    }

    private static void WriteAtomic(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: false);
    }
}
