using FaceAttr.Datasets;

namespace FaceAttr.Training.Tests;

/// <summary>The manifest and RAF-DB readers on generated fixtures.</summary>
public sealed class DatasetReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-training-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Touch(string relative)
    {
        var path = Path.Combine(_dir.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0xFF, 0xD8]);
        return path;
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir.FullName, relative);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CsvManifestReadsLabelsAndConfidencesAndSkipsBadRowsWithTheirLine()
    {
        Touch("a.jpg");
        Touch("b.jpg");
        Touch("c.jpg");
        var manifest = Write("own.csv",
            "file,gender,age,expression,eyewear,smile,gender_confidence\n" +
            "a.jpg,male,31,happy,sunglasses,1,0.9\n" +
            "b.jpg,female,,,,0,\n" +
            "c.jpg,female,20\n" +
            "missing.jpg,male,1,,,,\n" +
            "b.jpg,male,1,,,,\n");

        var result = new ManifestReader().Read(manifest, null);

        Assert.Equal(2, result.Faces.Count);
        var a = result.Faces[0];
        Assert.True(a.Male);
        Assert.Equal(31, a.AgeYears);
        Assert.Equal(0, a.Expression);
        Assert.Equal(2, a.Eyewear);
        Assert.True(a.Attributes["smile"]);
        Assert.Equal(0.9f, a.Confidences["gender"]);
        Assert.False(result.Faces[1].Attributes["smile"]);
        Assert.Null(result.Faces[1].AgeYears);
        Assert.Contains(result.Skipped, s => s.Line == 4 && s.Reason.Contains("expected 7 fields", StringComparison.Ordinal));
        Assert.Contains(result.Skipped, s => s.Line == 5 && s.Reason.Contains("image not found", StringComparison.Ordinal));
        Assert.Contains(result.Skipped, s => s.Line == 6 && s.Reason.Contains("duplicate of line 3", StringComparison.Ordinal));
    }

    [Fact]
    public void JsonLinesManifestTakesNestedAttributesAndConfidence()
    {
        Touch("img/x.png");
        var manifest = Write("labels.jsonl",
            "{\"file\":\"img/x.png\",\"gender\":\"female\",\"age\":24.6,\"attributes\":{\"hat\":true},\"confidence\":{\"gender\":0.7,\"age\":0.5}}\n" +
            "not json\n");

        var result = new ManifestReader().Read(manifest, null);

        var face = Assert.Single(result.Faces);
        Assert.False(face.Male);
        Assert.Equal(25, face.AgeYears);
        Assert.True(face.Attributes["hat"]);
        Assert.Equal(0.5f, face.Confidences["age"]);
        Assert.Contains(result.Skipped, s => s.Line == 2 && s.Reason.StartsWith("invalid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void ManifestWithNoUsableRowNamesTheFileAndFirstBadLine()
    {
        var manifest = Write("bad.csv", "file,gender\nx.jpg,male,extra\n");

        var ex = Assert.Throws<DatasetException>(() => new ManifestReader().Read(manifest, null));
        Assert.Equal(manifest, ex.FilePath);
        Assert.Equal(2, ex.Line);
        Assert.Contains("no usable rows", ex.Message, StringComparison.Ordinal);
        Assert.Throws<DatasetException>(() => new ManifestReader().Read(Path.Combine(_dir.FullName, "absent.csv"), null));
        Assert.Throws<DatasetException>(() => new ManifestReader().Read(Write("nofile.csv", "gender\nmale\n"), null));
    }

    [Fact]
    public void RafDbLayoutMapsLabelsAndFindsAlignedImages()
    {
        Touch("Image/aligned/train_00001_aligned.jpg");
        Touch("Image/aligned/test_0001_aligned.jpg");
        Write(RafDbReader.LabelFileName, "train_00001.jpg 4\ntest_0001.jpg 7\ntrain_00002.jpg 9\ntrain_00003.jpg\n");

        var result = new RafDbReader().Read(_dir.FullName, null);

        Assert.Equal(2, result.Faces.Count);
        Assert.Equal(2, result.Faces[0].Expression); // test_0001: 7 = neutral → calm
        Assert.Equal(0, result.Faces[1].Expression); // train_00001: 4 = happiness → happy
        Assert.EndsWith("_aligned.jpg", result.Faces[0].ImagePath, StringComparison.Ordinal);
        Assert.Contains(result.Skipped, s => s.Line == 3 && s.Reason.Contains("not 1–7", StringComparison.Ordinal));
        Assert.Contains(result.Skipped, s => s.Line == 4 && s.Reason.Contains("found 1 fields", StringComparison.Ordinal));
    }
}
