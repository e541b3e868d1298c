using System.Formats.Tar;
using FaceAttr.Bundles.Extraction;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Tests;

public sealed class PackAndExtractTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PackingIsDeterministicAndRoundTrips()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("bundle"));
        File.WriteAllText(Path.Combine(folder, ".recipe-sha256"), "hidden");
        Directory.CreateDirectory(Path.Combine(folder, "samples"));
        File.WriteAllText(Path.Combine(folder, "samples", "note.txt"), "hello");

        var first = BundlePacker.Pack(folder, _temp.Sub("1.tar.gz"));
        File.SetLastWriteTimeUtc(Path.Combine(folder, "manifest.json"), DateTime.UtcNow.AddDays(-3));
        var second = BundlePacker.Pack(folder, _temp.Sub("2.tar.gz"));
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(["blazeface-front.onnx", "gender-oarriaga.onnx", "manifest.json", "samples/note.txt"], first.Files);

        var files = SafeArchiveExtractor.Extract(first.ArchivePath, _temp.Sub("out"));
        Assert.Equal(first.Files, files.Select(f => f.Path));
        foreach (var f in first.Files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, f)), File.ReadAllBytes(Path.Combine(_temp.Sub("out"), f)));
        }
    }

    [Fact]
    public void PackRefusesAFolderWhoseModelsDifferFromTheManifest()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("bundle"));
        File.AppendAllText(Path.Combine(folder, "gender-oarriaga.onnx"), "x");
        Assert.Throws<Vision.Models.ModelContractException>(() => BundlePacker.Pack(folder, _temp.Sub("x.tar.gz")));
    }

    [Fact]
    public void ManifestIsReadFromAnArchiveWithoutUnpacking()
    {
        var packed = BundlePacker.Pack(Fixtures.SmallBundle(_temp.Sub("bundle"), "0.4.2"), _temp.Sub("b.tar.gz"));
        Assert.Equal(("faceattr-test", "0.4.2"), (BundleArchive.ReadManifest(packed.ArchivePath).Name, BundleArchive.ReadManifest(packed.ArchivePath).Version));
        var none = Fixtures.CraftArchive(_temp.Sub("none.tar.gz"), [Fixtures.FileEntry("x.onnx", [1])]);
        Assert.Throws<Core.Bundles.BundleFormatException>(() => BundleArchive.ReadManifest(none));
    }

    [Fact]
    public void IncludeFilterTakesOnlyChosenEntriesButStillRefusesUnsafeOnes()
    {
        var path = Fixtures.CraftArchive(_temp.Sub("pkg.tgz"),
            [Fixtures.FileEntry("package/a.bin", [1]), Fixtures.FileEntry("package/b.bin", [2]), Fixtures.FileEntry("package/../../x", [3])]);
        var files = SafeArchiveExtractor.Extract(path, _temp.Sub("o1"), include: n => n == "package/b.bin");
        Assert.Equal(["package/b.bin"], files.Select(f => f.Path));
        Assert.Throws<UpdateException>(() => SafeArchiveExtractor.Extract(path, _temp.Sub("o2"), include: n => n.EndsWith('x')));
    }

    [Fact]
    public void PlainTarIsAcceptedToo()
    {
        var tar = Fixtures.CraftArchive(_temp.Sub("a.tar"), [Fixtures.FileEntry("manifest.json", "{}"u8.ToArray())], gzip: false);
        Assert.Single(SafeArchiveExtractor.Extract(tar, _temp.Sub("out")));
    }

    [Theory]
    [InlineData("../evil.onnx", "path traversal")]
    [InlineData("models/../../evil", "path traversal")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("a\\..\\b", "backslash")]
    [InlineData("./manifest.json", "path traversal")]
    [InlineData("C:/x", "colon")]
    public void HostileNamesAreRefused(string name, string reason)
    {
        var message = Refuse([Fixtures.FileEntry("ok.txt", [1]), Fixtures.FileEntry(name, [1, 2, 3])]);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "evil.onnx")));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "symbolic link")]
    [InlineData(TarEntryType.HardLink, "hard link")]
    [InlineData(TarEntryType.CharacterDevice, "character device")]
    [InlineData(TarEntryType.BlockDevice, "block device")]
    [InlineData(TarEntryType.Fifo, "FIFO")]
    public void LinksAndDevicesAreRefused(TarEntryType type, string what)
    {
        var entry = new PaxTarEntry(type, "model.onnx");
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            entry.LinkName = "/etc/shadow";
        }

        Assert.Contains($"is a {what}", Refuse([entry]), StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNamesAreRefused() =>
        Assert.Contains("appears twice", Refuse([Fixtures.FileEntry("m.onnx", [1]), Fixtures.FileEntry("M.onnx", [2])]), StringComparison.Ordinal);

    [Fact]
    public void TooManyEntriesAreRefused() =>
        Assert.Contains("more than 10 entries",
            Refuse(Enumerable.Range(0, 11).Select(i => Fixtures.FileEntry($"f{i}", [1])), new ExtractionLimits { MaxEntries = 10 }),
            StringComparison.Ordinal);

    [Fact]
    public void DecompressionBombsStopAtTheCaps()
    {
        var zeros = new byte[8 * 1024 * 1024]; // 8 MiB of zeros compress to ~8 KiB
        var path = Fixtures.CraftArchive(_temp.Sub("bomb.tar.gz"), [Fixtures.FileEntry("big.onnx", zeros)]);
        Assert.True(new FileInfo(path).Length < 64 * 1024);
        var perEntry = Assert.Throws<UpdateException>(() =>
            SafeArchiveExtractor.Extract(path, _temp.Sub("o1"), new ExtractionLimits { MaxEntryBytes = 1024 * 1024 }));
        Assert.Equal(UpdateFailure.UnsafeArchive, perEntry.Failure);
        Assert.Contains("per-file cap", perEntry.Message, StringComparison.Ordinal);

        var many = Fixtures.CraftArchive(_temp.Sub("bomb2.tar.gz"), Enumerable.Range(0, 5).Select(i => Fixtures.FileEntry($"f{i}", zeros)));
        var total = Assert.Throws<UpdateException>(() =>
            SafeArchiveExtractor.Extract(many, _temp.Sub("o2"), new ExtractionLimits { MaxTotalBytes = 20L * 1024 * 1024 }));
        Assert.Contains("decompression bomb", total.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptArchiveIsRefusedNotCrashed()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("bundle"));
        var packed = BundlePacker.Pack(folder, _temp.Sub("b.tar.gz"));
        var bytes = File.ReadAllBytes(packed.ArchivePath);
        File.WriteAllBytes(packed.ArchivePath, bytes[..(bytes.Length / 3)]);
        var ex = Assert.Throws<UpdateException>(() => SafeArchiveExtractor.Extract(packed.ArchivePath, _temp.Sub("out")));
        Assert.Equal(UpdateFailure.UnsafeArchive, ex.Failure);
        Assert.Contains("corrupt archive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiskFullWhileExtractingIsNamed()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("bundle"));
        var packed = BundlePacker.Pack(folder, _temp.Sub("b.tar.gz"));
        var ex = Assert.Throws<UpdateException>(() =>
            SafeArchiveExtractor.Extract(packed.ArchivePath, _temp.Sub("out"), wrapWrite: Fixtures.DiskFullAfter(100_000)));
        Assert.Equal(UpdateFailure.DiskFull, ex.Failure);
    }

    private string Refuse(IEnumerable<TarEntry> entries, ExtractionLimits? limits = null)
    {
        var path = Fixtures.CraftArchive(_temp.Sub($"{Guid.NewGuid():N}.tar.gz"), entries);
        var ex = Assert.Throws<UpdateException>(() => SafeArchiveExtractor.Extract(path, _temp.Sub($"out-{Guid.NewGuid():N}"), limits));
        Assert.Equal(UpdateFailure.UnsafeArchive, ex.Failure);
        Assert.Equal(UpdateStage.Extract, ex.Stage);
        return ex.Message;
    }
}
