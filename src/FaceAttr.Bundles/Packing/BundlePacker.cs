using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Models;

namespace FaceAttr.Bundles.Packing;

/// <summary>What <see cref="BundlePacker.Pack"/> wrote.</summary>
/// <param name="ArchivePath">The archive file.</param>
/// <param name="Sha256">Lower-case hex sha256 of the archive.</param>
/// <param name="Bytes">Archive length.</param>
/// <param name="Files">Relative paths packed, in archive order.</param>
/// <param name="Manifest">The bundle's manifest.</param>
public sealed record PackedBundle(string ArchivePath, string Sha256, long Bytes, IReadOnlyList<string> Files, BundleManifest Manifest);

/// <summary>
/// Packs a bundle folder into a <c>.tar.gz</c> deterministically: the same folder gives the same bytes
/// (entries sorted by ordinal path, ustar headers with a fixed mtime, uid/gid 0, mode 0644, no
/// directories or links), so a rebuilt bundle has the same hash and signature check. Hidden files and
/// folders (names starting with '.', such as <c>.recipe-sha256</c>) are left out.
/// </summary>
public static class BundlePacker
{
    /// <summary>The mtime written on every entry (2000-01-01 UTC; zero would read as "unset" in some tools).</summary>
    public static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>File mode of every entry.</summary>
    public const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Checks the folder's manifest and model hashes, then writes the archive (to a temp file renamed at the end).
    /// </summary>
    /// <exception cref="BundleFormatException">The manifest is invalid, or the folder has links.</exception>
    /// <exception cref="ModelContractException">A model file is missing or differs from its manifest hash.</exception>
    public static PackedBundle Pack(string bundleFolder, string archivePath)
    {
        var manifest = ManifestSerializer.ReadFromFolder(bundleFolder);
        foreach (var entry in manifest.Models)
        {
            _ = ModelFile.Resolve(bundleFolder, entry);
        }

        var files = ListFiles(bundleFolder);
        var temp = archivePath + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
            {
                foreach (var relative in files)
                {
                    using var data = File.OpenRead(Path.Combine(bundleFolder, relative));
                    var entry = new UstarTarEntry(TarEntryType.RegularFile, relative)
                    {
                        ModificationTime = FixedTime,
                        Mode = EntryMode,
                        Uid = 0,
                        Gid = 0,
                        UserName = string.Empty,
                        GroupName = string.Empty,
                        DataStream = data,
                    };
                    tar.WriteEntry(entry);
                }
            }

            output.Flush(flushToDisk: true);
        }

        File.Move(temp, archivePath, overwrite: true);
        using var archive = File.OpenRead(archivePath);
        var sha = Convert.ToHexStringLower(SHA256.HashData(archive));
        return new PackedBundle(archivePath, sha, archive.Length, files, manifest);
    }

    /// <summary>The files a pack would include, sorted, with '/' separators.</summary>
    public static IReadOnlyList<string> ListFiles(string bundleFolder)
    {
        var root = Path.GetFullPath(bundleFolder);
        var files = new List<string>();
        Walk(new DirectoryInfo(root), string.Empty, files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static void Walk(DirectoryInfo folder, string prefix, List<string> files)
    {
        foreach (var info in folder.EnumerateFileSystemInfos())
        {
            if (info.Name.StartsWith('.'))
            {
                continue;
            }

            if (info.LinkTarget is not null)
            {
                throw new BundleFormatException($"{info.FullName} is a link; a bundle holds plain files only");
            }

            var relative = prefix + info.Name;
            switch (info)
            {
                case DirectoryInfo sub:
                    Walk(sub, relative + "/", files);
                    break;
                case FileInfo:
                    files.Add(relative);
                    break;
            }
        }
    }
}
