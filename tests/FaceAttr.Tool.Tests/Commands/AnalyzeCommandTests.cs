using System.Text.Json;
using FaceAttr.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary><c>faceattr analyze</c> run as a user runs it, on a folder mixing real photos and bad files.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faceattr-analyze-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AFolderWithJunkReportsEachBadFileAndStillAnalyzesTheRest()
    {
        var samples = Path.Combine(TestPaths.RequireBundle(), "samples");
        var input = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        File.Copy(Path.Combine(samples, "sample1.jpg"), Path.Combine(input, "a-real.jpg"));
        using (var image = Image.Load(Path.Combine(samples, "sample6.jpg")))
        {
            image.Save(Path.Combine(input, "b-webp-named.jpg"), new WebpEncoder());
        }

        File.WriteAllBytes(Path.Combine(input, "c-empty.jpg"), []);
        var bytes = File.ReadAllBytes(Path.Combine(samples, "sample2.jpg"));
        File.WriteAllBytes(Path.Combine(input, "d-junk.png"), bytes[..200]);
        File.WriteAllText(Path.Combine(input, "e-notes.txt"), "not an image");
        var annotate = Path.Combine(_folder, "annotated");

        var (exit, stdout, stderr) = await ToolProcess.Run("analyze", input, "--format", "json", "--annotate", annotate);

        Assert.Equal(1, exit);
        var faces = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, faces.Count(f => f.GetProperty("file").GetString()!.EndsWith("a-real.jpg", StringComparison.Ordinal)));
        Assert.Equal(4, faces.Count(f => f.GetProperty("file").GetString()!.EndsWith("b-webp-named.jpg", StringComparison.Ordinal)));
        foreach (var face in faces)
        {
            Assert.True(face.GetProperty("box").GetProperty("width").GetDouble() > 50);
            Assert.Contains(face.GetProperty("attributes").GetProperty("gender").GetProperty("label").GetString(), new[] { "female", "male", "unknown" });
        }

        Assert.Contains("c-empty.jpg: empty file", stderr, StringComparison.Ordinal);
        Assert.Contains("d-junk.png", stderr, StringComparison.Ordinal);
        Assert.Contains("skipped", stderr, StringComparison.Ordinal);
        Assert.Contains("2 failed", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(annotate, "a-real.png")));
        Assert.True(File.Exists(Path.Combine(annotate, "b-webp-named.png")));
    }

    [Fact]
    public async Task AMissingInputOrBundleIsAClearUsageError()
    {
        var (exit, _, stderr) = await ToolProcess.Run("analyze", Path.Combine(_folder, "nothing-here"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file or folder", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await ToolProcess.Run("analyze", _folder, "--bundle", _folder);
        Assert.Equal(2, exit);
        Assert.Contains("cannot load the models", stderr, StringComparison.Ordinal);
    }
}
