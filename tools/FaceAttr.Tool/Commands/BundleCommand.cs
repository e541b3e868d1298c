using System.CommandLine;
using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Bundling;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr bundle</c>: exported networks + a base bundle's detector and landmarks → a bundle folder the daemon loads.</summary>
public static class BundleCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var models = new Option<FileInfo[]>("--model") { Description = "Exported .onnx (with its .model.json beside it; repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var baseBundle = new Option<DirectoryInfo>("--base")
        {
            Description = "Bundle to take the detector, landmark and iris models from",
            DefaultValueFactory = _ => new DirectoryInfo(ToolPaths.DefaultBundle),
        };
        var keep = new Option<string[]>("--keep") { Description = "Also keep these base-bundle models by id (repeatable)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Bundle folder to create (must not exist)", Required = true };
        var name = new Option<string>("--name") { Description = "Bundle name", DefaultValueFactory = _ => "faceattr-trained" };
        var version = new Option<string>("--version") { Description = "Bundle version", DefaultValueFactory = _ => "0.1.0" };
        var command = new Command("bundle", "Compose a bundle folder from exported networks and a base bundle's detector and landmarks")
        {
            models, baseBundle, keep, output, name, version,
        };
        command.SetAction(parse => Run(new BundleRequest
        {
            BaseBundle = parse.GetValue(baseBundle)!.FullName,
            Models = [.. parse.GetValue(models)!.Select(m => m.FullName)],
            KeepModels = parse.GetValue(keep) ?? [],
            Output = parse.GetValue(output)!.FullName,
            Name = parse.GetValue(name)!,
            Version = parse.GetValue(version)!,
        }));
        return command;
    }

    private static int Run(BundleRequest request)
    {
        try
        {
            var manifest = BundleComposer.Compose(request);
            Console.WriteLine($"faceattr bundle: {manifest.Name} {manifest.Version} -> {request.Output}");
            foreach (var m in manifest.Models)
            {
                var bytes = new FileInfo(Path.Combine(request.Output, m.File)).Length;
                Console.WriteLine($"  {m.Id,-18} {m.Role,-10} {m.Precision,-5} {bytes / 1024.0,9:N0} KiB  {m.File}");
            }

            Console.WriteLine($"  heads: {string.Join(", ", manifest.Heads!.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"))}");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or BundleFormatException or ModelContractException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"faceattr bundle: error: {ex.Message}");
            return 1;
        }
    }
}
