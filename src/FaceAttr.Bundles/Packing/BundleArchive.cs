using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Bundles.Packing;

/// <summary>Reads facts from a packed bundle without unpacking it (host side: sign, verify, deploy).</summary>
public static class BundleArchive
{
    /// <summary>Largest manifest read (the default bundle's is 12 KB).</summary>
    public const long MaxManifestBytes = 1024 * 1024;

    /// <summary>Reads and validates <c>manifest.json</c> from a <c>.tar</c> or <c>.tar.gz</c> bundle archive.</summary>
    /// <exception cref="BundleFormatException">No manifest, an oversized one, or one that breaks the contract.</exception>
    public static BundleManifest ReadManifest(string archivePath)
    {
        using var file = File.OpenRead(archivePath);
        Span<byte> magic = stackalloc byte[2];
        var gzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        using var content = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new TarReader(content);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name != ManifestSerializer.FileName)
                {
                    continue;
                }

                if (entry.DataStream is null || entry.Length > MaxManifestBytes)
                {
                    throw new BundleFormatException($"{archivePath}: {ManifestSerializer.FileName} is empty or over {MaxManifestBytes} bytes");
                }

                using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                return ManifestSerializer.Parse(text.ReadToEnd(), $"{archivePath}!{ManifestSerializer.FileName}");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new BundleFormatException($"{archivePath}: not a readable bundle archive: {ex.Message}", ex);
        }

        throw new BundleFormatException($"{archivePath}: no {ManifestSerializer.FileName} in the archive");
    }
}
