using System.CommandLine;
using System.Security.Cryptography;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Signing;
using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr pack</c>: packs a bundle folder into a deterministic <c>.tar.gz</c>, optionally signing it.</summary>
public static class PackCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("bundle")
        {
            Description = "Bundle folder (manifest.json and the .onnx files)",
            DefaultValueFactory = _ => new DirectoryInfo(ToolPaths.DefaultBundle),
        };
        var output = new Option<FileInfo?>("--out") { Description = "Archive to write (default: artifacts/bundles/NAME-VERSION.tar.gz)" };
        var key = new Option<FileInfo?>("--key") { Description = "Private key PEM: also write ARCHIVE.sig" };

        var command = new Command("pack", "Pack a bundle folder into a deterministic .tar.gz (and sign it with --key)") { folder, output, key };
        command.SetAction(parse => Run(parse.GetValue(folder)!, parse.GetValue(output), parse.GetValue(key)));
        return command;
    }

    private static int Run(DirectoryInfo folder, FileInfo? output, FileInfo? keyFile)
    {
        try
        {
            var manifest = ManifestSerializer.ReadFromFolder(folder.FullName);
            var archive = output?.FullName
                ?? Path.Combine(ToolPaths.RepoRoot, "artifacts", "bundles", $"{manifest.Name}-{manifest.Version}.tar.gz");
            Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
            var packed = BundlePacker.Pack(folder.FullName, archive);
            Console.WriteLine($"faceattr pack: {packed.Manifest.Name} {packed.Manifest.Version} -> {packed.ArchivePath}");
            Console.WriteLine($"  {packed.Files.Count} files, {packed.Bytes / 1024} KiB, sha256 {packed.Sha256}");
            if (keyFile is not null)
            {
                using var key = SigningKey.Load(keyFile.FullName);
                var signature = key.Sign(packed.Sha256, packed.Bytes, packed.Manifest.Name, packed.Manifest.Version);
                signature.Save(BundleSignature.PathFor(packed.ArchivePath));
                Console.WriteLine($"  signed with key {key.KeyId} -> {BundleSignature.PathFor(packed.ArchivePath)}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException or CryptographicException or IOException)
        {
            Console.Error.WriteLine($"faceattr pack: error: {ex.Message}");
            return 1;
        }
    }
}
