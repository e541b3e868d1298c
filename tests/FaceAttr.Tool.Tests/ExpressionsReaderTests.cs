using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class ExpressionsReaderTests
{
    private static (TempFolder Tmp, string Images) Fixture(string csv, params string[] images)
    {
        var tmp = new TempFolder();
        tmp.Write(ExpressionsReader.LabelFileName, csv);
        var folder = tmp.Folder("images");
        TempFolder.Touch(folder, images);
        return (tmp, folder);
    }

    [Fact]
    public void MapsTheSevenLabelsCaseInsensitivelyAndExcludesContempt()
    {
        var csv = "file,expression,identity\r\n" +
            "g.jpg,Surprise,P7\r\n" +
            "a.jpg,HAPPINESS,P1\r\n" +
            "b.jpg,anger,P2\r\n" +
            "c.jpg, Neutral ,P3\r\n" +
            "d.jpg,fear,P4\r\n" +
            "e.jpg,sadness,\r\n" +
            "f.jpg,disgust,P6\r\n" +
            "h.jpg,contempt,P8\r\n" +
            "i.jpg,Contempt,P9\r\n" +
            "j.jpg,happy,P10\r\n";
        var (tmp, images) = Fixture(csv, "a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg", "g.jpg", "h.jpg", "i.jpg", "j.jpg");
        using var _ = tmp;

        var result = new ExpressionsReader().Read(tmp.Path, null);

        Assert.Equal(["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg", "g.jpg", "j.jpg"], result.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 0], result.Faces.Select(f => f.Expression!.Value));
        Assert.All(result.Faces, f => Assert.Equal(images, Path.GetDirectoryName(f.ImagePath)));
        Assert.Equal("P1", result.Faces[0].Identity);
        Assert.Null(result.Faces[4].Identity);
        Assert.Null(result.Faces[0].Male);
        Assert.Equal([(9, "h.jpg"), (10, "i.jpg")], result.Excluded.Select(e => (e.Line!.Value, e.File)));
        Assert.Contains("no seed expression class", result.Excluded[0].Reason, StringComparison.Ordinal);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void UnknownLabelsMalformedRowsAndMissingImagesAreSkippedWithLineNumbers()
    {
        var csv = "File,Expression,Identity\n" +
            "a.jpg,happiness,A\n" +
            "b.jpg,joy,B\n" +
            "c.jpg\n" +
            "d.jpg,,D\n" +
            "\"e,1.jpg\",sadness,E\n" +
            "\"f.jpg,anger,F\n" +
            "g.jpg,anger,G\n" +
            "a.jpg,anger,A\n" +
            ",anger,X\n" +
            "\n";
        var (tmp, _) = Fixture(csv, "a.jpg", "b.jpg", "c.jpg", "d.jpg", "e,1.jpg");
        using var __ = tmp;

        var result = new ExpressionsReader().Read(tmp.Path, null);

        Assert.Equal(["a.jpg", "e,1.jpg"], result.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.Equal([0, 4], result.Faces.Select(f => f.Expression!.Value));
        Assert.Equal(
            [
                (3, "unknown expression 'joy'"),
                (4, "expected at least 2 fields, found 1"),
                (5, "empty expression label"),
                (7, "unterminated quoted field"),
                (9, "duplicate of line 2"),
                (10, "empty file name"),
            ],
            result.Skipped.Where(s => !s.Reason.StartsWith("image not found", StringComparison.Ordinal)).Select(s => (s.Line!.Value, s.Reason)));
        var missing = Assert.Single(result.Skipped, s => s.Reason.StartsWith("image not found", StringComparison.Ordinal));
        Assert.Equal((8, "g.jpg"), (missing.Line!.Value, missing.File));
        Assert.Empty(result.Excluded);
    }

    [Fact]
    public void ColumnsMayComeInAnyOrderAndImagesMayLieBesideTheCsv()
    {
        using var tmp = new TempFolder();
        tmp.Write(ExpressionsReader.LabelFileName, "\uFEFFexpression,file\nneutral,x.jpg\n");
        TempFolder.Touch(tmp.Path, "x.jpg");

        var face = Assert.Single(new ExpressionsReader().Read(tmp.Path, null).Faces);

        Assert.Equal((Path.Combine(tmp.Path, "x.jpg"), 2), (face.ImagePath, face.Expression!.Value));
    }

    [Fact]
    public void LimitIsAppliedAfterSortingByFileName()
    {
        var (tmp, _) = Fixture("file,expression\nc.jpg,fear\na.jpg,anger\nb.jpg,contempt\n", "a.jpg", "b.jpg", "c.jpg");
        using var __ = tmp;

        var result = new ExpressionsReader().Read(tmp.Path, 1);

        Assert.Equal("a.jpg", Path.GetFileName(Assert.Single(result.Faces).ImagePath));
        Assert.Single(result.Excluded);
        Assert.Equal(2, result.Usable);
    }

    [Theory]
    [InlineData("name,label,identity\na.jpg,anger,A\n", 1)]
    [InlineData("", 1)]
    [InlineData("\"file,expression\na.jpg,anger\n", 1)]
    public void BadHeaderThrowsNamingFileAndLine(string csv, int line)
    {
        var (tmp, _) = Fixture(csv, "a.jpg");
        using var __ = tmp;

        var ex = Assert.Throws<DatasetException>(() => new ExpressionsReader().Read(tmp.Path, null));

        Assert.Equal(Path.Combine(tmp.Path, ExpressionsReader.LabelFileName), ex.FilePath);
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void MissingLabelFileThrows()
    {
        using var tmp = new TempFolder();

        var ex = Assert.Throws<DatasetException>(() => new ExpressionsReader().Read(tmp.Path, null));

        Assert.Contains("labels.csv: label file not found", ex.Message, StringComparison.Ordinal);
    }
}
