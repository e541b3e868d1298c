using TorchSharp;

namespace FaceAttr.Training.Native;

/// <summary>What <see cref="TorchRuntime.Initialize"/> did: the compatibility step per native folder and the thread count.</summary>
/// <param name="LibStdCxx">The system libstdc++ checked against, or null off glibc Linux.</param>
/// <param name="Folders">Each native folder holding libtorch and what was done to it.</param>
/// <param name="Threads">Torch intra-op threads set.</param>
public sealed record TorchRuntimeInfo(string? LibStdCxx, IReadOnlyList<(string Folder, CompatOutcome Outcome)> Folders, int Threads)
{
    /// <summary>One line for logs and reports.</summary>
    public override string ToString() =>
        $"torch threads {Threads}; libstdc++ {LibStdCxx ?? "n/a"}; " +
        string.Join("; ", Folders.Select(f => $"{f.Outcome} in {f.Folder}"));
}

/// <summary>
/// Prepares libtorch before the first TorchSharp call: applies <see cref="LibStdCxxCompat"/> where the system libstdc++ is
/// too old, then sets the intra-op thread count. Call once per process, before touching any <c>torch</c> member.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static TorchRuntimeInfo? _info;

    /// <summary>The default thread count: the processor count (more threads than cores is slower on small machines).</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Makes libtorch loadable here and sets <paramref name="threads"/> (default <see cref="DefaultThreads"/>).
    /// Later calls only change the thread count.
    /// </summary>
    /// <exception cref="LibTorchCompatException">libtorch cannot be made to load on this system; the message says why.</exception>
    public static TorchRuntimeInfo Initialize(int? threads = null)
    {
        var count = threads ?? DefaultThreads;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(threads));
        lock (Gate)
        {
            if (_info is null)
            {
                var folders = new List<(string, CompatOutcome)>();
                var libStdCxx = OperatingSystem.IsLinux() ? LibStdCxxCompat.FindSystemLibStdCxx() : null;
                if (libStdCxx is not null)
                {
                    foreach (var folder in NativeFolders())
                    {
                        folders.Add((folder, LibStdCxxCompat.Ensure(folder, libStdCxx)));
                    }
                }

                _info = new TorchRuntimeInfo(libStdCxx, folders, count);
            }

            torch.set_num_threads(count);
            _info = _info with { Threads = count };
            return _info;
        }
    }

    /// <summary>Where TorchSharp looks for its native library: beside TorchSharp.dll and in its runtimes/{rid}/native.</summary>
    private static IEnumerable<string> NativeFolders()
    {
        var managed = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        string[] candidates = [managed, Path.Combine(managed, "runtimes", "linux-x64", "native")];
        return candidates.Where(c => File.Exists(Path.Combine(c, LibStdCxxCompat.TargetLibrary)));
    }
}
