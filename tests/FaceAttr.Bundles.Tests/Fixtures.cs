using System.Formats.Tar;
using System.IO.Compression;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Signing;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Writing;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Models;
using Google.Protobuf;

namespace FaceAttr.Bundles.Tests;

/// <summary>A temp folder deleted at dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "faceattr-bundles-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // already gone
        }
    }
}

/// <summary>
/// Small real bundles cut from the imported default bundle (BlazeFace front detector + the 2-class gender head,
/// about 670 KB), packed and signed with real keys.
/// </summary>
public static class Fixtures
{
    public static readonly BundleManifest Default = ManifestSerializer.ReadFromFolder(TestPaths.RequireBundle());

    public static ModelEntry Detector => Default.Models.Single(m => m.Id == "blazeface-front");

    public static ModelEntry Gender => Default.Models.Single(m => m.Id == "gender-oarriaga");

    /// <summary>Writes a two-model bundle folder; <paramref name="edit"/> may change the manifest before it is written.</summary>
    public static string SmallBundle(string folder, string version = "0.2.0", Func<BundleManifest, BundleManifest>? edit = null)
    {
        Directory.CreateDirectory(folder);
        foreach (var entry in new[] { Detector, Gender })
        {
            File.Copy(Path.Combine(TestPaths.Bundle, entry.File), Path.Combine(folder, entry.File), overwrite: true);
        }

        var manifest = new BundleManifest { Name = "faceattr-test", Version = version, Models = [Detector, Gender] };
        manifest = edit?.Invoke(manifest) ?? manifest;
        File.WriteAllText(Path.Combine(folder, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest));
        return folder;
    }

    /// <summary>Replaces the gender model with <paramref name="onnxBytes"/> (hash updated in the manifest).</summary>
    public static string BundleWithGenderModel(string folder, byte[] onnxBytes, string version = "0.2.0")
    {
        SmallBundle(folder, version);
        var path = Path.Combine(folder, "replaced-gender.onnx");
        File.WriteAllBytes(path, onnxBytes);
        File.Delete(Path.Combine(folder, Gender.File));
        var manifest = new BundleManifest
        {
            Name = "faceattr-test",
            Version = version,
            Models = [Detector, Gender with { File = "replaced-gender.onnx", Sha256 = ModelFile.Sha256(path) }],
        };
        File.WriteAllText(Path.Combine(folder, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest));
        return folder;
    }

    /// <summary>Packs and signs a folder: returns the archive path and its signature.</summary>
    public static (string Archive, BundleSignature Signature) PackAndSign(string folder, string archive, SigningKey key)
    {
        var packed = BundlePacker.Pack(folder, archive);
        var signature = key.Sign(packed.ArchivePath, packed.Manifest.Name, packed.Manifest.Version);
        signature.Save(BundleSignature.PathFor(archive));
        return (archive, signature);
    }

    /// <summary>
    /// An ONNX model with the gender head's contract (input_1 [N,64,64,1] → Identity [N,2]) that outputs NaN:
    /// log(−(|x| + 1)).
    /// </summary>
    public static byte[] NanGenderModel()
    {
        var g = new OnnxGraphBuilder("nan-gender");
        g.Input("input_1", [-1, 64, 64, 1]);
        var abs = g.Node("Abs", ["input_1"], "abs");
        var plus = g.Node("Add", [abs, g.Initializer("one", [1f], 1)], "plus_one");
        var neg = g.Node("Neg", [plus], "negative");
        var log = g.Node("Log", [neg], "log_of_negative");
        var flat = g.Node("Flatten", [log], "flat", OnnxAttributes.Int("axis", 1));
        g.NodeTo("Slice", [flat, g.Int64s("starts", 0), g.Int64s("ends", 2), g.Int64s("axes", 1)], g.UniqueName("Identity"));
        g.Output("Identity", 2);
        return g.Build("test", []).ToByteArray();
    }

    /// <summary>Writes a tar.gz from (name, type, data) entries, for hostile-archive tests.</summary>
    public static string CraftArchive(string path, IEnumerable<TarEntry> entries, bool gzip = true)
    {
        using var file = File.Create(path);
        using var compressed = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file;
        using var tar = new TarWriter(compressed, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            tar.WriteEntry(entry);
        }

        return path;
    }

    public static PaxTarEntry FileEntry(string name, byte[] data) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    /// <summary>A stream whose writes fail with ENOSPC after <paramref name="allowBytes"/> bytes, like a full disk.</summary>
    public static Func<Stream, Stream> DiskFullAfter(long allowBytes)
    {
        var budget = new long[] { allowBytes }; // shared by every file written through it
        return inner => new DiskFullStream(inner, budget);
    }

    private sealed class DiskFullStream(Stream inner, long[] budget) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (budget[0] < buffer.Length)
            {
                // HResult 28 = ENOSPC, what .NET reports for a full disk on Linux.
                throw new IOException("No space left on device", 28);
            }

            budget[0] -= buffer.Length;
            inner.Write(buffer);
        }
    }
}
