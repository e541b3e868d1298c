using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Eval;
using Xunit.Abstractions;

namespace FaceAttr.Tool.Tests;

/// <summary>
/// The readers on the real sets in <c>../shared/data</c> (<c>$FACEATTR_DATA</c>): the counts its README states, and what
/// was skipped or excluded and why (printed to the test output). Skipped with a message when the data is absent, failed in CI.
/// </summary>
public sealed class RealDataReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void CelebAHas8000LabeledFaces()
    {
        if (Data("celeba") is not { } folder)
        {
            return;
        }

        var result = new CelebAReader().Read(folder, null);
        Print("celeba", result);

        Assert.Equal(8000, result.Faces.Count + result.Skipped.Count);
        Assert.Equal(8000, result.Faces.Count);
        Assert.Empty(result.Notes);
        Assert.Equal("000001.jpg", Path.GetFileName(result.Faces[0].ImagePath));
        Assert.Equal("008000.jpg", Path.GetFileName(result.Faces[^1].ImagePath));
        Assert.All(result.Faces, f => Assert.Equal(HeadNames.CelebABinary.Count, f.Attributes.Count));
        Assert.All(result.Faces, f => Assert.NotNull(f.Male));
        output.WriteLine($"celeba male {result.Faces.Count(f => f.Male == true)}, smiling {result.Faces.Count(f => f.Attributes["smile"])}, " +
            $"eyeglasses {result.Faces.Count(f => f.Attributes["eyeglasses"])}, mouth_open {result.Faces.Count(f => f.Attributes["mouth_open"])}");

        var limited = new CelebAReader().Read(folder, 25);
        Assert.Equal(result.Faces.Take(25).Select(f => f.ImagePath), limited.Faces.Select(f => f.ImagePath));
    }

    [Fact]
    public void UtkFaceHas7820FilesAllAccountedFor()
    {
        if (Data("utkface") is not { } folder)
        {
            return;
        }

        var result = new UtkFaceReader().Read(folder, null);
        Print("utkface", result);

        Assert.Equal(7820, result.Faces.Count + result.Skipped.Count);
        Assert.All(result.Faces, f => Assert.InRange(f.AgeYears!.Value, 0, UtkFaceReader.MaxAgeYears));
        Assert.Equal(result.Notes.Count, result.Faces.Count(f => f.Male is null) + result.Notes.Count(n => n.Reason.StartsWith("race field missing", StringComparison.Ordinal)));
        output.WriteLine($"utkface male {result.Faces.Count(f => f.Male == true)}, female {result.Faces.Count(f => f.Male == false)}, " +
            $"age {result.Faces.Min(f => f.AgeYears)}–{result.Faces.Max(f => f.AgeYears)}, gender unknown {result.Faces.Count(f => f.Male is null)}");

        var limited = new UtkFaceReader().Read(folder, 100);
        Assert.Equal(result.Faces.Take(100).Select(f => f.ImagePath), limited.Faces.Select(f => f.ImagePath));

        // Names sort as text (1_, 10_, 100_, 11_ …): the first 300 are children; an evenly spaced 300 covers all ages.
        var first = new UtkFaceReader().Read(folder, 300).Faces;
        var spread = LabeledSubset.EvenlySpaced(result.Faces, 300);
        output.WriteLine($"utkface --limit 300: first-N ages {first.Count(f => f.AgeYears is >= 20 and < 80)} of 300 in 20–79; " +
            $"evenly spaced {spread.Count(f => f.AgeYears is >= 20 and < 80)} of 300");
        Assert.True(spread.Count(f => f.AgeYears is >= 20 and < 80) > 120);
    }

    [Fact]
    public void ExpressionsHas1559RowsWithContemptExcluded()
    {
        if (Data("expressions") is not { } folder)
        {
            return;
        }

        var result = new ExpressionsReader().Read(folder, null);
        Print("expressions", result);

        Assert.Equal(1559, result.Faces.Count + result.Skipped.Count + result.Excluded.Count);
        Assert.NotEmpty(result.Excluded);
        Assert.All(result.Excluded, e => Assert.Contains("contempt", e.Reason, StringComparison.OrdinalIgnoreCase));
        var perClass = result.Faces.GroupBy(f => f.Expression!.Value).OrderBy(g => g.Key)
            .Select(g => $"{FaceAttr.Core.Taxonomy.Expressions[g.Key]} {g.Count()}");
        output.WriteLine($"expressions per class: {string.Join(", ", perClass)}; identities {result.Faces.Select(f => f.Identity).Distinct().Count()}, " +
            $"without identity {result.Faces.Count(f => f.Identity is null)}");
    }

    private string? Data(string subfolder)
    {
        var folder = TestPaths.DataOrFailInCi(subfolder);
        if (folder is null)
        {
            output.WriteLine($"SKIPPED: {Path.Combine(TestPaths.Data, subfolder)} is absent (set FACEATTR_DATA); real-data counts not checked.");
        }

        return folder;
    }

    private void Print(string name, DatasetReadResult result)
    {
        output.WriteLine($"{name}: {result.Faces.Count} faces, {result.Skipped.Count} skipped, {result.Excluded.Count} excluded, {result.Notes.Count} noted");
        foreach (var (kind, issues) in new[] { ("skipped", result.Skipped), ("excluded", result.Excluded), ("noted", result.Notes) })
        {
            foreach (var issue in issues)
            {
                output.WriteLine($"  {kind}: {issue}");
            }
        }
    }
}
