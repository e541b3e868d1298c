using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class CelebAReaderTests
{
    private static readonly string[] AttributeNames =
    [
        "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs", "Big_Lips", "Big_Nose",
        "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair", "Bushy_Eyebrows", "Chubby", "Double_Chin", "Eyeglasses", "Goatee",
        "Gray_Hair", "Heavy_Makeup", "High_Cheekbones", "Male", "Mouth_Slightly_Open", "Mustache", "Narrow_Eyes", "No_Beard",
        "Oval_Face", "Pale_Skin", "Pointy_Nose", "Receding_Hairline", "Rosy_Cheeks", "Sideburns", "Smiling", "Straight_Hair",
        "Wavy_Hair", "Wearing_Earrings", "Wearing_Hat", "Wearing_Lipstick", "Wearing_Necklace", "Wearing_Necktie", "Young",
    ];

    /// <summary>A data line in the official layout (two spaces before positive values, as the real file has).</summary>
    private static string Row(string file, params string[] positives) =>
        file + string.Concat(AttributeNames.Select(a => positives.Contains(a) ? "  1" : " -1"));

    private static string LabelFile(int count, params string[] rows) =>
        $"{count}\n{string.Join(' ', AttributeNames)} \n{string.Join('\n', rows)}\n";

    [Fact]
    public void MapsCelebAAttributesOntoTaxonomyHeads()
    {
        using var tmp = new TempFolder();
        tmp.Write(CelebAReader.LabelFileName, LabelFile(2,
            Row("000001.jpg", "Male", "Smiling", "No_Beard", "Eyeglasses", "Young"),
            Row("000002.jpg", "Mouth_Slightly_Open", "Wearing_Hat", "Mustache", "Goatee", "Bangs", "Heavy_Makeup", "Bags_Under_Eyes", "Narrow_Eyes")));
        TempFolder.Touch(tmp.Folder("images"), "000001.jpg", "000002.jpg");

        var result = new CelebAReader().Read(tmp.Path, null);

        Assert.Empty(result.Skipped);
        Assert.Empty(result.Notes);
        Assert.Equal(2, result.Faces.Count);
        var first = result.Faces[0];
        Assert.Equal(Path.Combine(tmp.Path, "images", "000001.jpg"), first.ImagePath);
        Assert.True(first.Male);
        Assert.Null(first.AgeYears);
        Assert.Null(first.Expression);
        Assert.Equal(HeadNames.CelebABinary.Select(h => h.Head).Order(), first.Attributes.Keys.Order());
        Assert.True(first.Attributes["smile"]);
        Assert.True(first.Attributes["eyeglasses"]);
        Assert.True(first.Attributes["young"]);
        Assert.False(first.Attributes["beard"]); // No_Beard = 1
        Assert.False(first.Attributes["mouth_open"]);

        var second = result.Faces[1];
        Assert.False(second.Male);
        Assert.True(second.Attributes["beard"]); // No_Beard = -1
        foreach (var head in new[] { "mouth_open", "hat", "mustache", "goatee", "bangs", "makeup", "bags_under_eyes", "narrow_eyes" })
        {
            Assert.True(second.Attributes[head], head);
        }

        Assert.False(second.Attributes["smile"]);
    }

    [Fact]
    public void MalformedLinesAreSkippedWithLineNumbersAndTheRestIsRead()
    {
        using var tmp = new TempFolder();
        var badValue = Row("000003.jpg").Replace(" -1", " 2", StringComparison.Ordinal);
        tmp.Write(CelebAReader.LabelFileName, LabelFile(6,
            Row("000001.jpg", "Male"),
            "000002.jpg -1 1 1",
            badValue,
            Row("000004.jpg"),
            Row("000001.jpg"),
            Row("../escape.jpg"),
            ""));
        TempFolder.Touch(tmp.Folder("images"), "000001.jpg", "000002.jpg", "000003.jpg");

        var result = new CelebAReader().Read(tmp.Path, null);

        Assert.Equal(["000001.jpg"], result.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.Collection(result.Skipped,
            s => Assert.Equal((4, "000002.jpg"), (s.Line!.Value, s.File)),
            s => Assert.Equal((5, "000003.jpg", "5_o_Clock_Shadow is '2', expected 1 or -1"), (s.Line!.Value, s.File, s.Reason)),
            s => Assert.Equal((6, "000004.jpg"), (s.Line!.Value, s.File)),
            s => Assert.Equal((7, "duplicate of line 3"), (s.Line!.Value, s.Reason)),
            s => Assert.Equal((8, "not a plain file name"), (s.Line!.Value, s.Reason)));
        Assert.Contains("found 4 fields", result.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("image not found", result.Skipped[2].Reason, StringComparison.Ordinal);
        Assert.Empty(result.Notes); // 6 declared, 6 entries
    }

    [Fact]
    public void CountMismatchIsNotedNotFatal()
    {
        using var tmp = new TempFolder();
        tmp.Write(CelebAReader.LabelFileName, LabelFile(3, Row("000001.jpg")));
        TempFolder.Touch(tmp.Path, "000001.jpg");

        var result = new CelebAReader().Read(tmp.Path, null);

        Assert.Single(result.Faces);
        var note = Assert.Single(result.Notes);
        Assert.Equal(1, note.Line);
        Assert.Contains("declares 3 entries but 1 follow", note.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SortsByFileNameAndLimitTakesTheFirstUsableFaces()
    {
        using var tmp = new TempFolder();
        tmp.Write(CelebAReader.LabelFileName, LabelFile(4, Row("000004.jpg"), Row("000002.jpg"), Row("000003.jpg"), Row("000001.jpg")));
        TempFolder.Touch(tmp.Folder("images"), "000001.jpg", "000003.jpg", "000004.jpg");
        var reader = new CelebAReader();

        var all = reader.Read(tmp.Path, null);
        var limited = reader.Read(tmp.Path, 2);

        Assert.Equal(["000001.jpg", "000003.jpg", "000004.jpg"], all.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.Equal(["000001.jpg", "000003.jpg"], limited.Faces.Select(f => Path.GetFileName(f.ImagePath)));
        Assert.Equal(3, limited.Usable);
        Assert.Single(limited.Skipped); // issues cover the whole set, whatever the limit
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read(tmp.Path, 0));
    }

    [Fact]
    public void FindsTheOfficialAnnoAndImgLayout()
    {
        using var tmp = new TempFolder();
        tmp.Write(Path.Combine("Anno", CelebAReader.LabelFileName), LabelFile(1, Row("000001.jpg", "Smiling")));
        TempFolder.Touch(tmp.Folder("Img", "img_align_celeba"), "000001.jpg");

        var face = Assert.Single(new CelebAReader().Read(tmp.Path, null).Faces);

        Assert.Equal(Path.Combine(tmp.Path, "Img", "img_align_celeba", "000001.jpg"), face.ImagePath);
    }

    [Fact]
    public void BadHeadersThrowNamingFileAndLine()
    {
        using var tmp = new TempFolder();
        var reader = new CelebAReader();
        var labelFile = Path.Combine(tmp.Path, CelebAReader.LabelFileName);

        tmp.Write(CelebAReader.LabelFileName, "image_id,5_o_Clock_Shadow,Male\n000001.jpg,1,-1\n");
        var notCount = Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null));
        Assert.Equal((labelFile, 1), (notCount.FilePath, notCount.Line!.Value));
        Assert.StartsWith($"{labelFile}:1:", notCount.Message, StringComparison.Ordinal);

        tmp.Write(CelebAReader.LabelFileName, "1\nMale Smiling\n000001.jpg 1 1\n");
        var lacking = Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null));
        Assert.Equal(2, lacking.Line);
        Assert.Contains("Eyeglasses", lacking.Message, StringComparison.Ordinal);
        Assert.Contains("No_Beard", lacking.Message, StringComparison.Ordinal);

        tmp.Write(CelebAReader.LabelFileName, "1\n");
        Assert.Equal(2, Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null)).Line);
    }

    [Fact]
    public void MissingFolderLabelFileOrImagesThrow()
    {
        using var tmp = new TempFolder();
        var reader = new CelebAReader();

        var noFolder = Assert.Throws<DatasetException>(() => reader.Read(Path.Combine(tmp.Path, "nope"), null));
        Assert.Contains("folder not found", noFolder.Message, StringComparison.Ordinal);

        var noLabels = Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null));
        Assert.Equal(Path.Combine(tmp.Path, CelebAReader.LabelFileName), noLabels.FilePath);
        Assert.Contains("label file not found", noLabels.Message, StringComparison.Ordinal);

        tmp.Write(CelebAReader.LabelFileName, LabelFile(1, Row("000001.jpg")));
        var noImages = Assert.Throws<DatasetException>(() => reader.Read(tmp.Path, null));
        Assert.Contains("none of the images it names were found", noImages.Message, StringComparison.Ordinal);
    }
}
