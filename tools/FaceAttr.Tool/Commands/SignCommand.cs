using System.CommandLine;
using System.Security.Cryptography;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Signing;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr sign</c>: writes the detached signature <c>ARCHIVE.sig</c> of a bundle archive.</summary>
public static class SignCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var archive = new Argument<FileInfo>("archive") { Description = "Bundle archive (.tar.gz) made by faceattr pack" };
        var key = new Option<FileInfo>("--key") { Description = "Private key PEM (faceattr keygen)", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Signature file (default: ARCHIVE.sig)" };

        var command = new Command("sign", "Sign a bundle archive with an ECDSA P-256 key (detached ARCHIVE.sig)") { archive, key, output };
        command.SetAction(parse => Run(parse.GetValue(archive)!, parse.GetValue(key)!, parse.GetValue(output)));
        return command;
    }

    private static int Run(FileInfo archive, FileInfo keyFile, FileInfo? output)
    {
        try
        {
            // The signature repeats the manifest's name and version, so read them from the archive itself.
            var manifest = BundleArchive.ReadManifest(archive.FullName);
            using var key = SigningKey.Load(keyFile.FullName);
            var signature = key.Sign(archive.FullName, manifest.Name, manifest.Version);
            var path = output?.FullName ?? BundleSignature.PathFor(archive.FullName);
            signature.Save(path);
            Console.WriteLine($"faceattr sign: {manifest.Name} {manifest.Version} signed with key {key.KeyId}");
            Console.WriteLine($"  archive sha256 {signature.ArchiveSha256} ({signature.ArchiveBytes} bytes) -> {path}");
            return 0;
        }
        catch (Exception ex) when (ex is BundleFormatException or CryptographicException or IOException)
        {
            Console.Error.WriteLine($"faceattr sign: error: {ex.Message}");
            return 1;
        }
    }
}
