using System.CommandLine;
using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Commands;
using FaceAttr.Vision.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary><c>faceattr quantize</c> end to end, run in-process as the tool runs it, on the real bundle and CelebA faces.</summary>
public sealed class QuantizeCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faceattr-quantize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WritesANewBundleWithTheModelsInt8TheirHashesAndModelCards()
    {
        if (Celeba() is not { } celeba)
        {
            return;
        }

        var bundle = TestPaths.RequireBundle();
        var target = Path.Combine(_folder, "int8");
        var (exit, stdout, _) = Run("--bundle", bundle, "--model", "emotion-oarriaga", "gender-oarriaga", "--calibration", celeba,
            "--labels", "celeba", "--count", "16", "--holdout", "24", "--out", target, "--max-loss", "100", "--max-age-loss", "100");

        Assert.Equal(0, exit);
        var source = ManifestSerializer.ReadFromFolder(bundle);
        var written = ManifestSerializer.ReadFromFolder(target);
        foreach (var entry in written.Models)
        {
            Assert.Equal(ModelFile.Sha256(Path.Combine(target, entry.File)), entry.Sha256);
            var original = source.Models.Single(m => m.Id == entry.Id);
            if (entry.Id is "emotion-oarriaga" or "gender-oarriaga")
            {
                Assert.Equal(ModelPrecision.Int8, entry.Precision);
                Assert.NotEqual(original.Sha256, entry.Sha256);
                Assert.True(new FileInfo(Path.Combine(target, entry.File)).Length < new FileInfo(Path.Combine(bundle, original.File)).Length / 1.5);
            }
            else
            {
                // Untouched entries come through field for field (records hold arrays, so compare their JSON).
                Assert.Equal(Json(original), Json(entry));
            }
        }

        var gender = written.Models.Single(m => m.Id == "gender-oarriaga").Metrics!;
        var accuracy = gender.Single(m => m.Head == "gender" && m.Metric == "accuracy");
        Assert.Equal(24, accuracy.Count);
        Assert.NotNull(accuracy.Reference);
        Assert.Equal("celeba holdout", accuracy.Dataset);
        Assert.Contains(gender, m => m.Head == "gender" && m.Metric == "agreement" && m.Reference is null);
        Assert.Contains(written.Models.Single(m => m.Id == "emotion-oarriaga").Metrics!, m => m.Head == "expression" && m.Metric == "agreement");

        Assert.True(File.Exists(Path.Combine(target, "samples", "sample1.jpg")));
        Assert.False(File.Exists(Path.Combine(target, ".recipe-sha256")));
        Assert.Empty(Directory.GetDirectories(_folder, "*.partial-*"));
        Assert.Contains("emotion-oarriaga:", stdout, StringComparison.Ordinal);
        Assert.Contains("QLinearConv 13", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ChecksOnLabelledSetsAddTheirFiguresPerSetToTheTableAndTheModelCard()
    {
        if (Celeba() is not { } celeba || TestPaths.DataOrFailInCi("utkface") is not { } utkface
            || TestPaths.DataOrFailInCi("expressions") is not { } expressions)
        {
            return;
        }

        var target = Path.Combine(_folder, "checked");
        var (exit, stdout, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--model", "emotion-oarriaga", "gender-oarriaga",
            "--calibration", celeba, "--labels", "celeba", "--check", $"utkface={utkface}", "--check", $"expressions={expressions}",
            "--count", "8", "--holdout", "10", "--out", target, "--max-loss", "100", "--max-age-loss", "100");

        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, exit);
        var written = ManifestSerializer.ReadFromFolder(target);
        var gender = written.Models.Single(m => m.Id == "gender-oarriaga").Metrics!;
        Assert.Equal(["celeba holdout", "utkface holdout"], gender.Where(m => m.Metric == "accuracy").Select(m => m.Dataset).Order(StringComparer.Ordinal));
        Assert.All(gender, m => Assert.InRange(m.Count, 1, 10));
        var expression = written.Models.Single(m => m.Id == "emotion-oarriaga").Metrics!.Where(m => m.Head == "expression").ToList();
        Assert.Equal("expressions holdout", Assert.Single(expression, m => m.Metric == "accuracy").Dataset);
        Assert.Equal(["celeba holdout", "expressions holdout", "utkface holdout"],
            expression.Where(m => m.Metric == "agreement").Select(m => m.Dataset).Order(StringComparer.Ordinal));
        Assert.Contains("utkface holdout", stdout, StringComparison.Ordinal);
        Assert.Contains("expressions holdout: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utkface", "expected SET=FOLDER")]
    [InlineData("utkface=", "expected SET=FOLDER")]
    [InlineData("=/tmp", "expected SET=FOLDER")]
    [InlineData("faces=/tmp", "unknown label set 'faces'")]
    public void RefusesAMalformedCheckNamingTheValueBeforeAnyWork(string value, string why)
    {
        var target = Path.Combine(_folder, "out");

        var (exit, _, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--calibration", _folder, "--check", value, "--out", target);

        Assert.Equal(2, exit);
        Assert.Contains($"--check '{value}': {why}", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void RefusesACheckOnAMissingFolderOrASetAlreadyCompared()
    {
        var target = Path.Combine(_folder, "out");
        var missing = Path.Combine(_folder, "no-such-folder");

        var (exit, _, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--calibration", _folder, "--check", $"utkface={missing}", "--out", target);

        Assert.Equal(2, exit);
        Assert.Contains($"--check 'utkface={missing}': folder {missing} does not exist", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--calibration", _folder, "--labels", "celeba", "--check", $"celeba={_folder}", "--out", target);

        Assert.Equal(2, exit);
        Assert.Contains($"--check 'celeba={_folder}': celeba is already compared by --labels", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void RefusesAnOutputFolderThatExistsAndLeavesItAlone()
    {
        var target = Directory.CreateDirectory(Path.Combine(_folder, "taken")).FullName;
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

        var (exit, _, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--model", "emotion-oarriaga", "--calibration", _folder, "--out", target);

        Assert.Equal(2, exit);
        Assert.Contains($"output folder {target} already exists", stderr, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
    }

    [Fact]
    public void RefusesACalibrationFolderWithoutAUsableFaceNamingItAndWhy()
    {
        var images = Directory.CreateDirectory(Path.Combine(_folder, "no-faces")).FullName;
        File.WriteAllBytes(Path.Combine(images, "a-broken.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 0x13]);
        using (var grey = new Image<Rgb24>(320, 240, new Rgb24(128, 128, 128)))
        {
            grey.SaveAsPng(Path.Combine(images, "b-grey.png"));
        }

        var random = new Random(1);
        using (var noise = new Image<Rgb24>(320, 240))
        {
            noise.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    foreach (ref var p in rows.GetRowSpan(y))
                    {
                        p = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                    }
                }
            });
            noise.SaveAsPng(Path.Combine(images, "c-noise.png"));
        }

        File.WriteAllText(Path.Combine(images, "notes.txt"), "not an image");
        var target = Path.Combine(_folder, "out");

        var (exit, _, stderr) = Run("--bundle", TestPaths.RequireBundle(), "--model", "emotion-oarriaga", "--calibration", images, "--out", target);

        output.WriteLine(stderr);
        Assert.Equal(2, exit);
        Assert.Contains($"no usable face in {images}", stderr, StringComparison.Ordinal);
        Assert.Contains("1 did not decode", stderr, StringComparison.Ordinal);
        Assert.Contains("1 had no face", stderr, StringComparison.Ordinal);
        Assert.Contains("1 files without an image extension ignored", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetDirectories(_folder, "*.partial-*"));
    }

    [Fact]
    public void AnAbsurdlyStrictGateRefusesAndWritesNothingUnlessForced()
    {
        if (Celeba() is not { } celeba)
        {
            return;
        }

        var bundle = TestPaths.RequireBundle();
        var target = Path.Combine(_folder, "strict");
        string[] args = ["--bundle", bundle, "--model", "age-ssrnet", "--calibration", celeba, "--labels", "celeba",
            "--count", "16", "--holdout", "16", "--out", target, "--max-loss", "0", "--max-age-loss", "0"];

        var (exit, stdout, stderr) = Run(args);

        Assert.Equal(1, exit);
        Assert.Contains("refused, nothing written", stderr, StringComparison.Ordinal);
        Assert.Contains("over the limit: age-ssrnet age", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetDirectories(_folder, "*.partial-*"));

        (exit, stdout, _) = Run([.. args, "--force"]);

        Assert.Equal(0, exit);
        Assert.Contains("forced past the limits", stdout, StringComparison.Ordinal);
        var entry = ManifestSerializer.ReadFromFolder(target).Models.Single(m => m.Id == "age-ssrnet");
        Assert.Equal(ModelPrecision.Int8, entry.Precision);
        Assert.Contains(entry.Metrics!, m => m.Head == "age" && m.Metric == "delta_years" && m.Value > 0);
    }

    private static string? Celeba() => TestPaths.DataOrFailInCi("celeba");

    private static string Json(ModelEntry entry) => System.Text.Json.JsonSerializer.Serialize(entry, ManifestSerializer.Options);

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var root = new RootCommand { QuantizeCommand.Create() };
        var exit = root.Parse(["quantize", .. args]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
