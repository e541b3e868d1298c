using FaceAttr.Training.Native;

namespace FaceAttr.Training.Tests;

/// <summary>The libstdc++ compatibility step on a copy of the real libLibTorchSharp.so.</summary>
public sealed class LibStdCxxCompatTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-compat-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string OriginalLibrary()
    {
        // The restored package's copy is never patched (only build outputs are).
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var candidates = Directory.Exists(Path.Combine(home, "torchsharp"))
            ? Directory.GetFiles(Path.Combine(home, "torchsharp"), LibStdCxxCompat.TargetLibrary, SearchOption.AllDirectories)
            : [];
        return Assert.Single(candidates, c => c.Contains("linux-x64", StringComparison.Ordinal));
    }

    [Fact]
    public void TorchLoadsAndReportsWhatWasDone()
    {
        var info = TorchFixture.Ensure();
        using var t = TorchSharp.torch.ones(3);

        Assert.Equal(3f, t.sum().item<float>());
        Assert.NotNull(info.LibStdCxx);
        Assert.NotEmpty(info.Folders);
    }

    [Fact]
    public void PatchesACopyOnlyWhenTheSystemLibStdCxxIsTooOld()
    {
        var system = LibStdCxxCompat.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var copy = Path.Combine(_dir.FullName, LibStdCxxCompat.TargetLibrary);
        File.Copy(OriginalLibrary(), copy);
        var systemHasIt = ElfVersionInfo.Read(system).Definitions.Contains(LibStdCxxCompat.ShimVersion);

        var first = LibStdCxxCompat.Ensure(_dir.FullName, system);
        var second = LibStdCxxCompat.Ensure(_dir.FullName, system);

        if (systemHasIt)
        {
            Assert.Equal(CompatOutcome.NotNeeded, first);
            Assert.False(File.Exists(Path.Combine(_dir.FullName, LibStdCxxCompat.ShimLibrary)));
            return;
        }

        Assert.Equal(CompatOutcome.Applied, first);
        Assert.Equal(CompatOutcome.AlreadyApplied, second);
        var need = Assert.Single(ElfVersionInfo.Read(copy).Needs, n => n.Name == LibStdCxxCompat.ShimVersion);
        Assert.True(need.Weak);
        var shim = ElfVersionInfo.Read(Path.Combine(_dir.FullName, LibStdCxxCompat.ShimLibrary));
        Assert.Contains(LibStdCxxCompat.ShimVersion, shim.Definitions);
        Assert.Equal([LibStdCxxCompat.ShimSymbol], ElfVersionInfo.Read(copy).SymbolsNeeding(need.Index));
    }

    [Fact]
    public void RefusesWhenMoreIsMissingThanTheShimProvides()
    {
        File.Copy(OriginalLibrary(), Path.Combine(_dir.FullName, LibStdCxxCompat.TargetLibrary));
        // libm defines no GLIBCXX versions at all: as if libstdc++ were ancient.
        var libm = Path.Combine(Path.GetDirectoryName(LibStdCxxCompat.FindSystemLibStdCxx()!)!, "libm.so.6");

        var ex = Assert.Throws<LibTorchCompatException>(() => LibStdCxxCompat.Ensure(_dir.FullName, libm));
        Assert.Contains("GLIBCXX_3.4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("newer libstdc++6", ex.Message, StringComparison.Ordinal);
    }
}
