using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class UtkFaceReaderTests
{
    [Theory]
    [InlineData("26_0_2_20170104023102422.jpg.chip.jpg", 26, true)]
    [InlineData("1_1_4_20161221193016140.jpg.chip.jpg", 1, false)]
    [InlineData("100_1_0_20170110183726390.jpg", 100, false)]
    public void ParsesAgeAndGender(string name, int age, bool male)
    {
        var face = UtkFaceReader.Parse(name, out var reason);

        Assert.NotNull(face);
        Assert.Null(reason);
        Assert.Equal(age, face.AgeYears);
        Assert.Equal(male, face.Male);
        Assert.Null(face.Expression);
        Assert.Empty(face.Attributes);
    }

    [Fact]
    public void NameMissingTheRaceFieldKeepsAgeAndGenderWithANote()
    {
        var face = UtkFaceReader.Parse("61_1_20170109142408075.jpg.chip.jpg", out var reason);

        Assert.NotNull(face);
        Assert.Equal((61, false), (face.AgeYears, face.Male));
        Assert.Equal("race field missing: age and gender kept", reason);
    }

    [Fact]
    public void ShortNameWhoseMiddleFieldIsNoGenderIsKeptForAgeOnly()
    {
        var face = UtkFaceReader.Parse("61_3_20170109150557335.jpg.chip.jpg", out var reason);

        Assert.NotNull(face);
        Assert.Equal(61, face.AgeYears);
        Assert.Null(face.Male);
        Assert.Contains("kept for age only", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc.jpg", "found 1 field(s)")]
    [InlineData("x_0_0_20170104023102422.jpg.chip.jpg", "age 'x'")]
    [InlineData("-5_0_0_20170104023102422.jpg.chip.jpg", "age '-5'")]
    [InlineData("999_0_0_20170104023102422.jpg.chip.jpg", "age '999'")]
    [InlineData("20_2_0_20170104023102422.jpg.chip.jpg", "gender '2'")]
    [InlineData("20_0_7_20170104023102422.jpg.chip.jpg", "race '7'")]
    [InlineData("20_0_0_2017x.jpg.chip.jpg", "timestamp '2017x'")]
    [InlineData("20_0_0_1_2_20170104023102422.jpg.chip.jpg", "found 6 field(s)")]
    [InlineData("20__0_20170104023102422.jpg", "gender ''")]
    public void UnparsableNamesReturnNullWithAReason(string name, string expected)
    {
        Assert.Null(UtkFaceReader.Parse(name, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsAFolderReportingSkippedAndNotedFilesAndNeverThrowsOnBadNames()
    {
        using var tmp = new TempFolder();
        var images = tmp.Folder("images");
        TempFolder.Touch(images,
            "30_0_0_20170117120000000.jpg.chip.jpg",
            "2_1_2_20161219160000000.jpg.chip.jpg",
            "45_1_20170109142408075.jpg.chip.jpg",
            "45_3_20170109150557335.jpg.chip.jpg",
            "not-a-label.jpg",
            "notes.txt",
            ".DS_Store");
        Directory.CreateDirectory(Path.Combine(images, "subfolder"));

        var result = new UtkFaceReader().Read(tmp.Path, null);

        Assert.Equal(
            ["2_1_2_20161219160000000.jpg.chip.jpg", "30_0_0_20170117120000000.jpg.chip.jpg", "45_1_20170109142408075.jpg.chip.jpg", "45_3_20170109150557335.jpg.chip.jpg"],
            result.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.All(result.Faces, f => Assert.Equal(images, Path.GetDirectoryName(f.ImagePath)));
        Assert.Equal([".DS_Store", "not-a-label.jpg", "notes.txt"], result.Skipped.Select(s => s.File));
        Assert.All(result.Skipped, s => Assert.Null(s.Line));
        Assert.Equal("not an image file name", result.Skipped[0].Reason);
        Assert.Equal(["45_1_20170109142408075.jpg.chip.jpg", "45_3_20170109150557335.jpg.chip.jpg"], result.Notes.Select(n => n.File));
        Assert.Empty(result.Excluded);

        var limited = new UtkFaceReader().Read(tmp.Path, 1);
        Assert.Equal("2_1_2_20161219160000000.jpg.chip.jpg", Path.GetFileName(Assert.Single(limited.Faces).ImagePath));
        Assert.Equal(4, limited.Usable);
    }

    [Fact]
    public void ImagesDirectlyInTheFolderAreFound()
    {
        using var tmp = new TempFolder();
        TempFolder.Touch(tmp.Path, "30_0_0_20170117120000000.jpg.chip.jpg");

        Assert.Single(new UtkFaceReader().Read(tmp.Path, null).Faces);
    }

    [Fact]
    public void MissingOrEmptyFolderThrows()
    {
        using var tmp = new TempFolder();
        var reader = new UtkFaceReader();

        Assert.Equal(Path.Combine(tmp.Path, "nope"),
            Assert.Throws<DatasetException>(() => reader.Read(Path.Combine(tmp.Path, "nope"), null)).FilePath);
        tmp.Write("readme.txt", "no images here");
        Assert.Contains("no image files found", Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null)).Message, StringComparison.Ordinal);
    }
}
