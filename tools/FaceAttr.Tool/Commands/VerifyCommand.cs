using System.CommandLine;
using System.Security.Cryptography;
using FaceAttr.Bundles.Compatibility;
using FaceAttr.Bundles.Extraction;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr verify</c>: checks a bundle archive the way a device will — signature against trusted keys,
/// then (with <c>--check</c>) safe unpacking, ONNX contracts and a test inference.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var archive = new Argument<FileInfo>("archive") { Description = "Bundle archive (.tar.gz)" };
        var signature = new Option<FileInfo?>("--sig") { Description = "Signature file (default: ARCHIVE.sig)" };
        var trust = new Option<string[]>("--trust")
        {
            Description = "Trusted public key PEM, or a folder of them (repeatable)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var check = new Option<bool>("--check") { Description = "Also unpack safely and run the device's compatibility check (contracts, test inference)" };

        var command = new Command("verify", "Verify a bundle's signature (and with --check, that a device would accept it)")
        {
            archive, signature, trust, check,
        };
        command.SetAction(parse => Run(parse.GetValue(archive)!, parse.GetValue(signature), parse.GetValue(trust)!, parse.GetValue(check)));
        return command;
    }

    private static int Run(FileInfo archive, FileInfo? signatureFile, string[] trusted, bool check)
    {
        try
        {
            var sig = BundleSignature.Load(signatureFile?.FullName ?? BundleSignature.PathFor(archive.FullName));
            using var store = TrustStore.Load(trusted);
            var result = store.VerifyFile(archive.FullName, sig);
            if (!result.Ok)
            {
                Console.Error.WriteLine($"faceattr verify: REFUSED ({UpdateJson.Serialize(result.Failure).Trim('"')}): {result.Reason}");
                return 2;
            }

            Console.WriteLine($"faceattr verify: {sig.Bundle} {sig.Version}: {result.Reason}");
            if (!check)
            {
                return 0;
            }

            var staging = Directory.CreateTempSubdirectory("faceattr-verify-").FullName;
            try
            {
                var files = SafeArchiveExtractor.Extract(archive.FullName, Path.Combine(staging, "bundle"));
                var report = new CompatibilityChecker().Check(Path.Combine(staging, "bundle"), sig);
                Console.WriteLine($"  {files.Count} files unpacked safely; {report.Models.Count} models pass contract and test inference:");
                foreach (var m in report.Models)
                {
                    Console.WriteLine($"    {m.Id,-18} load {m.LoadMs,7:0.0} ms   inference {m.InferenceMs,7:0.0} ms");
                }
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
            }

            return 0;
        }
        catch (UpdateException ex)
        {
            Console.Error.WriteLine($"faceattr verify: REFUSED ({UpdateJson.Serialize(ex.Failure).Trim('"')}) at {UpdateJson.Serialize(ex.Stage).Trim('"')}: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            Console.Error.WriteLine($"faceattr verify: error: {ex.Message}");
            return 1;
        }
    }
}
