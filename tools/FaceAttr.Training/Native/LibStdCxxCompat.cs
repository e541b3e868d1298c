using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FaceAttr.Training.Native;

/// <summary>What <see cref="LibStdCxxCompat.Ensure"/> found and did for one native folder.</summary>
public enum CompatOutcome
{
    /// <summary>The system libstdc++ provides every version libtorch needs: nothing was changed.</summary>
    NotNeeded,

    /// <summary>The library had already been patched (an earlier run in this build output).</summary>
    AlreadyApplied,

    /// <summary>The shim was built and the library patched now.</summary>
    Applied,
}

/// <summary>Why libtorch cannot be made to load here (a needed version the shim cannot stand in for, a missing tool).</summary>
public sealed class LibTorchCompatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LibTorchCompatException() { }

    /// <summary>Creates the exception with a message.</summary>
    public LibTorchCompatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LibTorchCompatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Makes TorchSharp's native library (built against GCC 13, needing <c>GLIBCXX_3.4.32</c>) load on a system whose
/// libstdc++ is older (Debian 12: 3.4.30). The only symbol it needs at that version is
/// <c>std::ios_base_library_init()</c>, which GCC 13 headers call to set up iostreams; older libstdc++ does that in
/// its own static initialisers, so an empty function is a faithful stand-in. The step (see README):
/// <list type="number">
/// <item>build a tiny shim library defining that function under version <c>GLIBCXX_3.4.32</c> (g++, version script),
/// cached in <c>~/.cache/faceattr/glibcxx-shim</c>;</item>
/// <item>copy it beside <c>libLibTorchSharp.so</c> and add it as a needed library (<c>patchelf --add-needed</c>; the
/// library's RUNPATH is <c>$ORIGIN</c>, so it is found there);</item>
/// <item>mark the library's need for <c>GLIBCXX_3.4.32</c> from libstdc++ weak, so the loader accepts the old libstdc++
/// and binds the symbol to the shim.</item>
/// </list>
/// On a system whose libstdc++ defines every needed version nothing is touched. Anything the shim cannot stand in for
/// (another missing version or symbol) is refused with a message naming it.
/// </summary>
public static class LibStdCxxCompat
{
    /// <summary>The native library that needs the newer libstdc++.</summary>
    public const string TargetLibrary = "libLibTorchSharp.so";

    /// <summary>File name of the shim library placed beside <see cref="TargetLibrary"/>.</summary>
    public const string ShimLibrary = "libfaceattr_glibcxx_shim.so";

    /// <summary>The version the shim provides.</summary>
    public const string ShimVersion = "GLIBCXX_3.4.32";

    /// <summary>The one symbol the shim provides (<c>std::ios_base_library_init()</c>).</summary>
    public const string ShimSymbol = "_ZSt21ios_base_library_initv";

    private const string StdCxx = "libstdc++.so.6";

    private const string ShimSource = "namespace std { void ios_base_library_init() {} }\n";

    private static readonly string ShimVersionScript = $"{ShimVersion} {{ global: {ShimSymbol}; }};\n";

    /// <summary>
    /// Checks <see cref="TargetLibrary"/> in <paramref name="nativeFolder"/> against the libstdc++ at
    /// <paramref name="libStdCxxPath"/> and patches it when needed. Safe to call from several processes at once.
    /// </summary>
    /// <exception cref="LibTorchCompatException">The library needs something the shim does not provide, or g++/patchelf is missing.</exception>
    public static CompatOutcome Ensure(string nativeFolder, string libStdCxxPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nativeFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(libStdCxxPath);
        var target = Path.Combine(nativeFolder, TargetLibrary);
        if (!File.Exists(target))
        {
            throw new LibTorchCompatException($"{target} not found: is the libtorch-cpu-linux-x64 package referenced?");
        }

        var available = ElfVersionInfo.Read(libStdCxxPath).Definitions;
        var info = ElfVersionInfo.Read(target);
        var missing = info.Needs.Where(n => n.File == StdCxx && !available.Contains(n.Name)).ToList();
        if (missing.Count == 0)
        {
            return CompatOutcome.NotNeeded;
        }

        Check(info, missing, libStdCxxPath);
        if (missing.All(n => n.Weak) && File.Exists(Path.Combine(nativeFolder, ShimLibrary)) && HasShimNeeded(target))
        {
            return CompatOutcome.AlreadyApplied;
        }

        using var lockFile = AcquireLock(Path.Combine(nativeFolder, ".faceattr-compat.lock"));

        // Another process may have finished while we waited for the lock.
        var again = ElfVersionInfo.Read(target);
        if (again.Needs.Where(n => n.File == StdCxx && !available.Contains(n.Name)).All(n => n.Weak)
            && File.Exists(Path.Combine(nativeFolder, ShimLibrary)) && HasShimNeeded(target))
        {
            return CompatOutcome.AlreadyApplied;
        }

        var shim = BuildShim();
        File.Copy(shim, Path.Combine(nativeFolder, ShimLibrary), overwrite: true);
        var temp = Path.Combine(nativeFolder, $".{TargetLibrary}.{Environment.ProcessId}.tmp");
        File.Copy(target, temp, overwrite: true);
        try
        {
            if (!HasShimNeeded(temp))
            {
                Run("patchelf", ["--add-needed", ShimLibrary, temp], "apt-get install patchelf");
            }

            ElfVersionInfo.MarkWeak(temp, [.. missing.Select(n => n.Name)]);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return CompatOutcome.Applied;
    }

    /// <summary>
    /// The libstdc++ this process uses (the one the runtime has mapped, from <c>/proc/self/maps</c>), or the first found
    /// in the usual library folders; null when none is found (not a glibc Linux system).
    /// </summary>
    public static string? FindSystemLibStdCxx()
    {
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                var at = line.IndexOf('/', StringComparison.Ordinal);
                if (at >= 0 && line.EndsWith("/" + StdCxx, StringComparison.Ordinal))
                {
                    return line[at..];
                }
            }
        }

        string[] folders = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib"];
        return folders.Select(f => Path.Combine(f, StdCxx)).FirstOrDefault(File.Exists);
    }

    private static void Check(ElfVersionInfo info, List<ElfVersionNeed> missing, string libStdCxxPath)
    {
        var unsupported = missing.Where(n => n.Name != ShimVersion).Select(n => n.Name).ToArray();
        if (unsupported.Length > 0)
        {
            throw new LibTorchCompatException(
                $"{info.Path} needs {string.Join(", ", unsupported)} from {libStdCxxPath}, which lacks them; the compatibility shim only " +
                $"provides {ShimVersion}. Install a newer libstdc++6 (GCC 13 or later).");
        }

        var symbols = missing.SelectMany(n => info.SymbolsNeeding(n.Index)).Where(s => s != ShimSymbol).ToArray();
        if (symbols.Length > 0)
        {
            throw new LibTorchCompatException(
                $"{info.Path} needs {string.Join(", ", symbols)} at {ShimVersion}, which the compatibility shim does not provide. " +
                "Install a newer libstdc++6 (GCC 13 or later).");
        }
    }

    private static bool HasShimNeeded(string library)
    {
        // DT_NEEDED names live in .dynstr; the shim's name appears in the file only once patchelf has added it.
        var bytes = File.ReadAllBytes(library);
        return bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ShimLibrary + "\0")) >= 0;
    }

    private static string BuildShim()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ShimSource + ShimVersionScript)))[..16];
        var folder = Path.Combine(CacheRoot(), "glibcxx-shim", hash);
        var library = Path.Combine(folder, ShimLibrary);
        if (File.Exists(library))
        {
            return library;
        }

        Directory.CreateDirectory(folder);
        var source = Path.Combine(folder, "shim.cc");
        var script = Path.Combine(folder, "shim.map");
        File.WriteAllText(source, ShimSource);
        File.WriteAllText(script, ShimVersionScript);
        var temp = library + $".{Environment.ProcessId}.tmp";
        Run("g++", ["-shared", "-fPIC", "-O2", "-nostdlib", $"-Wl,--version-script={script}", "-o", temp, source], "apt-get install g++");
        File.Move(temp, library, overwrite: true);
        return library;
    }

    /// <summary><c>$XDG_CACHE_HOME/faceattr</c> or <c>~/.cache/faceattr</c>.</summary>
    internal static string CacheRoot() =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "faceattr");

    private static FileStream AcquireLock(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void Run(string tool, IReadOnlyList<string> arguments, string install)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new LibTorchCompatException($"could not start {tool}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LibTorchCompatException(
                $"the libstdc++ compatibility step needs '{tool}', which is not installed ({install}): {ex.Message}", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new LibTorchCompatException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
            }
        }
    }
}
