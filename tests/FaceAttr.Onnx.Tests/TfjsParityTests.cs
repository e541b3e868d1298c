using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace FaceAttr.Onnx.Tests;

/// <summary>Each imported model, run by ONNX Runtime, matches TF.js on the same real-face input.</summary>
public sealed class TfjsParityTests(TfjsReferenceFixture fixture, ITestOutputHelper output) : IClassFixture<TfjsReferenceFixture>
{
    /// <summary>Absolute tolerance, or relative where values are larger than 1 (e.g. ages in years).</summary>
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> ImportedModels() =>
        [.. ModelRecipe().Models.Where(m => m.Format == "tfjs").Select(m => m.Id)];

    [Theory]
    [MemberData(nameof(ImportedModels))]
    public void OnnxRuntimeMatchesTfjs(string modelId)
    {
        var entry = fixture.Bundle.Models.Single(m => m.Id == modelId);
        using var session = SessionFactory.Open(TestPaths.Bundle, entry, new SessionSettings());
        var worst = 0f;
        for (var image = 0; image < fixture.Images.Count; image++)
        {
            var input = fixture.Inputs[(modelId, image)];
            var reference = fixture.Reference(modelId, image);
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, entry.Input.Height, entry.Input.Width, entry.Input.Channels]);
            var names = entry.Outputs.Select(o => o.Name).ToArray();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [entry.Input.Name], [inputValue], names);
            for (var k = 0; k < names.Length; k++)
            {
                var actual = results[k].GetTensorDataAsSpan<float>();
                var expected = reference[names[k]];
                Assert.Equal(expected.Length, actual.Length);
                for (var i = 0; i < expected.Length; i++)
                {
                    var error = MathF.Abs(actual[i] - expected[i]) / MathF.Max(1f, MathF.Abs(expected[i]));
                    Assert.True(float.IsFinite(actual[i]), $"{modelId}/{names[k]}[{i}] is {actual[i]}");
                    Assert.True(error <= Tolerance,
                        $"{modelId}/{names[k]}[{i}] on {Path.GetFileName(fixture.Images[image])}: onnx {actual[i]} vs tfjs {expected[i]}");
                    worst = MathF.Max(worst, error);
                }
            }
        }

        output.WriteLine($"parity {modelId}: max error {worst:E2} over {fixture.Images.Count} real images");
        File.AppendAllText(Path.Combine(TestPaths.RepoRoot, "artifacts", "parity.txt"),
            $"{modelId}\t{worst:E2}\t{fixture.Images.Count} images\n");
    }

    private static Tool.Models.ModelRecipe ModelRecipe() =>
        Tool.Models.ModelRecipe.Load(Path.Combine(TestPaths.RepoRoot, "models", "recipe.json"));

    [Fact]
    public void ParityInputsAreRealImagesNotBlank()
    {
        // Guard against a silently blank input making every runtime agree.
        foreach (var ((model, image), input) in fixture.Inputs)
        {
            var min = input.Min();
            var max = input.Max();
            Assert.True(max - min > 0.1f, $"{model} input {image} is flat ({min}..{max})");
        }
    }
}
