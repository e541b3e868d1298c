using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Extraction;

/// <summary>One file written by <see cref="SafeArchiveExtractor"/>.</summary>
/// <param name="Path">Relative path with '/' separators.</param>
/// <param name="Bytes">Length written.</param>
public sealed record ExtractedFile(string Path, long Bytes);

/// <summary>
/// Unpacks a <c>.tar</c> or <c>.tar.gz</c> (told apart by the gzip magic bytes) into an empty folder, taking
/// only regular files and folders and refusing: absolute paths, <c>..</c>/<c>.</c>/empty segments,
/// backslashes and control characters, symlinks, hard links, devices and FIFOs, duplicate names, too many
/// entries, and files past the per-entry or total size caps (counted on the bytes actually decompressed,
/// not on what the header claims). Files get mode 0644 whatever the archive says. Run it only on an
/// archive whose signature has been checked; these checks are the second line of defence.
/// </summary>
public static class SafeArchiveExtractor
{
    /// <summary>
    /// Extracts <paramref name="archivePath"/> into <paramref name="destination"/> (created; must be absent or empty).
    /// On failure the caller should delete <paramref name="destination"/>.
    /// </summary>
    /// <param name="archivePath">The archive.</param>
    /// <param name="destination">Folder to create and fill.</param>
    /// <param name="limits">Caps; defaults suit a model bundle.</param>
    /// <param name="wrapWrite">For tests: wraps every file stream written (simulate a full disk).</param>
    /// <param name="include">
    /// Which entries to extract (by raw archive name); others are skipped unread. Null extracts everything. Lets the
    /// host tool take a few pinned files out of a registry tarball with the same safety checks.
    /// </param>
    /// <exception cref="UpdateException">Stage extract: unsafe or corrupt archive (<see cref="UpdateFailure.UnsafeArchive"/>), disk full.</exception>
    public static IReadOnlyList<ExtractedFile> Extract(string archivePath, string destination, ExtractionLimits? limits = null,
        Func<Stream, Stream>? wrapWrite = null, Func<string, bool>? include = null)
    {
        var l = limits ?? new ExtractionLimits();
        l.Validate();
        var root = Path.GetFullPath(destination);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new ArgumentException($"{root} is not empty", nameof(destination));
        }

        Directory.CreateDirectory(root);
        var name = Path.GetFileName(archivePath);
        try
        {
            using var file = File.OpenRead(archivePath);
            using var content = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            using var reader = new TarReader(content);
            return ExtractEntries(reader, root, l, name, wrapWrite, include);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Unsafe(name, $"corrupt archive: {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not EndOfStreamException)
        {
            throw UpdateException.FromIo(UpdateStage.Extract, ex, $"{name}: extracting");
        }
    }

    private static List<ExtractedFile> ExtractEntries(TarReader reader, string root, ExtractionLimits l, string name,
        Func<Stream, Stream>? wrapWrite, Func<string, bool>? include)
    {
        var files = new List<ExtractedFile>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // case-folded: a bundle must unpack the same on any file system
        var count = 0;
        long total = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > l.MaxEntries)
                {
                    throw Unsafe(name, $"more than {l.MaxEntries} entries");
                }

                if (include is not null && !include(entry.Name))
                {
                    continue;
                }

                var relative = CheckName(entry.Name, entry.EntryType == TarEntryType.Directory, l, name);
                if (!seen.Add(relative))
                {
                    throw Unsafe(name, $"entry '{relative}' appears twice");
                }

                var target = Path.GetFullPath(Path.Combine(root, relative));
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw Unsafe(name, $"entry '{entry.Name}' escapes the extraction folder");
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        CreateFolder(root, target, name, entry.Name);
                        continue;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        break;
                    default:
                        throw Unsafe(name, $"entry '{entry.Name}' is a {Describe(entry.EntryType)}; only regular files and folders are allowed");
                }

                if (entry.Length > l.MaxEntryBytes)
                {
                    throw Unsafe(name, $"entry '{relative}' is {entry.Length} bytes, over the {l.MaxEntryBytes}-byte per-file cap");
                }

                if (total + entry.Length > l.MaxTotalBytes)
                {
                    throw Unsafe(name, $"entries total more than the {l.MaxTotalBytes}-byte cap (decompression bomb?)");
                }

                CreateFolder(root, Path.GetDirectoryName(target)!, name, entry.Name);
                var written = WriteFile(entry.DataStream, target, buffer, Math.Min(l.MaxEntryBytes, l.MaxTotalBytes - total), relative, name, wrapWrite);
                total += written;
                files.Add(new ExtractedFile(relative, written));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (files.Count == 0)
        {
            throw Unsafe(name, "archive holds no files");
        }

        return files;
    }

    private static long WriteFile(Stream? data, string target, byte[] buffer, long cap, string relative, string name, Func<Stream, Stream>? wrapWrite)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using var file = new FileStream(target, options);
        var output = wrapWrite?.Invoke(file) ?? file;
        try
        {
            long written = 0;
            if (data is null)
            {
                return 0;
            }

            int read;
            while ((read = data.Read(buffer)) > 0)
            {
                written += read;
                if (written > cap)
                {
                    throw Unsafe(name, $"entry '{relative}' decompresses past its {cap}-byte cap");
                }

                output.Write(buffer, 0, read);
            }

            output.Flush();
            return written;
        }
        finally
        {
            IO.DurableFile.DisposeWrapper(output, file);
        }
    }

    private static string CheckName(string raw, bool isFolder, ExtractionLimits l, string name)
    {
        var path = isFolder ? raw.TrimEnd('/') : raw;
        if (path.Length == 0 || path.Length > l.MaxPathLength)
        {
            throw Unsafe(name, $"entry name '{raw}' is empty or longer than {l.MaxPathLength} characters");
        }

        if (path.Any(c => char.IsControl(c) || c is '\\' or ':'))
        {
            throw Unsafe(name, $"entry '{Printable(raw)}' has a backslash, colon or control character");
        }

        if (path.StartsWith('/') || Path.IsPathRooted(path))
        {
            throw Unsafe(name, $"entry '{raw}' has an absolute path");
        }

        if (path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw Unsafe(name, $"entry '{raw}' has an empty, '.' or '..' path segment (path traversal)");
        }

        return path;
    }

    private static void CreateFolder(string root, string folder, string name, string entry)
    {
        // Refuse to write through a folder that is (or became) a link; none should exist, since links are never extracted.
        for (var dir = new DirectoryInfo(folder); dir.FullName.Length > root.Length; dir = dir.Parent!)
        {
            if (dir.Exists && dir.LinkTarget is not null)
            {
                throw Unsafe(name, $"entry '{entry}' goes through a link");
            }
        }

        Directory.CreateDirectory(folder);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.CharacterDevice => "character device",
        TarEntryType.BlockDevice => "block device",
        TarEntryType.Fifo => "FIFO",
        _ => $"'{type}' entry",
    };

    private static string Printable(string s) => new([.. s.Select(c => char.IsControl(c) ? '?' : c)]);

    private static UpdateException Unsafe(string archive, string message, Exception? inner = null) =>
        new(UpdateStage.Extract, UpdateFailure.UnsafeArchive, $"{archive}: {message}", inner);
}
