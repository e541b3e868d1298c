using FaceAttr.Core.Bundles;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using Xunit.Abstractions;

namespace FaceAttr.Vision.Tests.Analysis;

/// <summary>The whole analysis core on real photos: faces, landmarks, pose, eyes, mouth and attributes.</summary>
public sealed class FaceAnalyzerTests(ITestOutputHelper output)
{
    private static string Samples => Path.Combine(TestPaths.RequireBundle(), "samples");

    [Fact]
    public void GroupPhotosGiveEveryFaceAttributesLandmarksAndPose()
    {
        using var analyzer = new FaceAnalyzer(TestPaths.Bundle, new AnalyzerOptions());
        var total = 0;
        var fitted = 0;
        foreach (var file in Directory.GetFiles(Samples, "*.jpg").Order(StringComparer.Ordinal))
        {
            var image = ImageDecoder.Load(file);
            var faces = analyzer.Analyze(image.View, keepLandmarks: true);
            output.WriteLine($"{Path.GetFileName(file)}: {faces.Count} faces; " + string.Join(" | ", faces.Select(f =>
                string.Join(" ", f.Attributes.Select(a => a.UnknownReason is null ? $"{a.Head}={a.Label}" : $"{a.Head}=?")))));
            Assert.InRange(faces.Count, 2, 8);
            total += faces.Count;
            foreach (var face in faces)
            {
                foreach (var head in new[] { "gender", "age", "expression", "eye_left", "eye_right", "mouth" })
                {
                    Assert.NotNull(face.Attribute(head));
                }

                if (face.Landmarks is null)
                {
                    Assert.StartsWith("landmarks not fitted", face.Attribute("mouth")!.UnknownReason, StringComparison.Ordinal);
                    continue;
                }

                fitted++;
                Assert.Equal(468, face.Landmarks.Length);
                Assert.NotNull(face.Pose);
                var box = face.Detection.Box;

                // The mesh centroid lies inside the detected box.
                var cx = face.Landmarks.Average(p => p.X);
                var cy = face.Landmarks.Average(p => p.Y);
                Assert.InRange(cx, box.X, box.Right);
                Assert.InRange(cy, box.Y, box.Bottom);

                var age = face.Attribute("age")!;
                if (age.UnknownReason is null)
                {
                    Assert.InRange(age.Value!.Value, 1, 99);
                    Assert.InRange(age.Probability, 0f, 1f);
                }
            }
        }

        // The detector finds all 22 faces of the six photos; facemesh fits at least 20 of them.
        output.WriteLine($"{fitted} of {total} faces fitted with landmarks");
        Assert.Equal(22, total);
        Assert.InRange(fitted, 20, 22);
    }

    [Fact]
    public void TheAstronautIsOneAdultWoman()
    {
        var astronaut = TestPaths.DataOrFailInCi("samples");
        if (astronaut is null)
        {
            output.WriteLine("shared samples/astronaut.png absent here; not checked.");
            return;
        }

        using var analyzer = new FaceAnalyzer(TestPaths.Bundle, new AnalyzerOptions());
        var faces = analyzer.Analyze(ImageDecoder.Load(Path.Combine(astronaut, "astronaut.png")).View);
        var face = Assert.Single(faces);
        output.WriteLine(string.Join(", ", face.Attributes.Select(a => $"{a.Head}={a.Label} {a.Probability:0.00} {a.Value}")));
        Assert.Equal("female", face.Attribute("gender")!.Label);
        Assert.InRange(face.Attribute("age")!.Value!.Value, 20, 60);
        Assert.Equal("open", face.Attribute("eye_left")!.Label);
        Assert.Equal("open", face.Attribute("eye_right")!.Label);
        Assert.InRange(Math.Abs(face.Pose!.Value.Yaw), 0, 25);
    }

    [Fact]
    public void ATinyFaceIsJudgedUnknownWithItsSize()
    {
        using var analyzer = new FaceAnalyzer(TestPaths.Bundle, new AnalyzerOptions { Quality = new QualityOptions { MinFaceSize = 1000 } });
        var faces = analyzer.Analyze(ImageDecoder.Load(Directory.GetFiles(Samples, "*.jpg").Order(StringComparer.Ordinal).First()).View);
        Assert.NotEmpty(faces);
        foreach (var face in faces)
        {
            var gender = face.Attribute("gender")!;
            Assert.Equal("unknown", gender.Label);
            Assert.Matches(@"^face \d+ px", gender.UnknownReason!);
        }
    }

    [Fact]
    public void HeadModelsCanBeChosenAndAnUnknownModelIsNamed()
    {
        using (var analyzer = new FaceAnalyzer(TestPaths.Bundle, new AnalyzerOptions
        {
            HeadModels = new Dictionary<string, string> { ["gender"] = "gender-oarriaga", ["age"] = "age-ssrnet" },
        }))
        {
            var face = analyzer.Analyze(ImageDecoder.Load(Directory.GetFiles(Samples, "*.jpg").Order(StringComparer.Ordinal).First()).View)[0];
            Assert.Equal("gender-oarriaga", face.Attribute("gender")!.Model);
            Assert.Equal("age-ssrnet", face.Attribute("age")!.Model);
        }

        var ex = Assert.Throws<BundleFormatException>(() => new FaceAnalyzer(TestPaths.Bundle, new AnalyzerOptions { DetectorModel = "yolo" }));
        Assert.Contains("no model 'yolo'", ex.Message, StringComparison.Ordinal);
    }
}
