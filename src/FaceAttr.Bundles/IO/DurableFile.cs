using System.Runtime.InteropServices;

namespace FaceAttr.Bundles.IO;

/// <summary>
/// Crash-safe file writes: data is fsynced before a rename makes it visible, and the folder is fsynced
/// after the rename so the new name survives a power cut (POSIX rename is atomic, but only durable once
/// the directory entry is on disk).
/// </summary>
public static partial class DurableFile
{
    /// <summary>Suffix of temp files; start-up recovery deletes leftovers.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically: write <c>path.tmp</c>,
    /// fsync, rename over <paramref name="path"/>, fsync the folder. A crash leaves the old or the new file,
    /// never a mix (and perhaps a <c>.tmp</c> leftover).
    /// </summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes, Func<Stream, Stream>? wrapWrite = null)
    {
        var temp = path + TempSuffix;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var data = wrapWrite?.Invoke(file) ?? file;
            try
            {
                data.Write(bytes);
                data.Flush();
                file.Flush(flushToDisk: true);
            }
            finally
            {
                DisposeWrapper(data, file);
            }
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Copies a file and fsyncs the copy; the target must not exist.</summary>
    public static void Copy(string source, string target, Func<Stream, Stream>? wrapWrite = null)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        var data = wrapWrite?.Invoke(file) ?? file;
        try
        {
            input.CopyTo(data, 1 << 16);
            data.Flush();
            file.Flush(flushToDisk: true);
        }
        finally
        {
            DisposeWrapper(data, file);
        }
    }

    /// <summary>Disposes a test wrapper around <paramref name="file"/> (the caller's <c>using</c> disposes the file itself).</summary>
    internal static void DisposeWrapper(Stream data, FileStream file)
    {
        if (!ReferenceEquals(data, file))
        {
            data.Dispose();
        }
    }

    /// <summary>Deletes a file and fsyncs its folder, so the deletion is durable before what follows.</summary>
    public static void DeleteDurably(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    /// <summary>fsyncs a folder's entries (Linux and macOS; a no-op elsewhere, where renames are journaled by NTFS).</summary>
    /// <exception cref="IOException">The folder cannot be opened or synced.</exception>
    public static void SyncDirectory(string folder)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return;
        }

        var fd = Native.Open(folder, 0 /* O_RDONLY: a directory opens read-only without O_DIRECTORY, whose value differs by arch */);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {folder} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Native.Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of folder {folder} failed (errno {errno})", errno);
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static partial class Native
    {
        private const string Library = "libc";

        [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int fd);

        [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
