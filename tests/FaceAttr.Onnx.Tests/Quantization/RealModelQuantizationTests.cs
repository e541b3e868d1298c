using FaceAttr.Onnx.Quantization;
using FaceAttr.Tool.Quantize;
using FaceAttr.Vision.Models;
using Xunit.Abstractions;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>
/// Bundle models quantized on real faces: ONNX Runtime and the ONNX checker accept them, ORT runs their convolutions in
/// int8, faceres shrinks ≥ 3.5×, and the held-out faces get the float model's answers.
/// </summary>
public sealed class RealModelQuantizationTests(RealModelFixture fixture, ITestOutputHelper output) : IClassFixture<RealModelFixture>
{
    [Fact]
    public async Task EachInt8ModelLoadsUnderItsContractRunsAndPassesTheChecker()
    {
        if (!Ready())
        {
            return;
        }

        foreach (var id in RealModelFixture.ModelIds)
        {
            // The runtime's loader: hash, loadability and the manifest's input/output contract.
            using (SessionFactory.Open(fixture.Int8Bundle, fixture.Int8s[id], new SessionSettings()))
            {
            }

            using var runner = new TensorModelRunner(fixture.Int8Path(id), fixture.Int8s[id]);
            var outputs = runner.Run(fixture.Holdout.Items[id][0].Tensor);
            Assert.Equal(fixture.Int8s[id].Outputs.Select(o => o.Size), outputs.Select(o => o.Length));
            Assert.All(outputs, o => Assert.All(o, v => Assert.True(float.IsFinite(v))));
        }

        Assert.Equal(RealModelFixture.ModelIds.Length, await FaceAttr.TestSupport.OnnxChecker.CheckAsync([.. RealModelFixture.ModelIds.Select(fixture.Int8Path)]));
    }

    [Fact]
    public void OnnxRuntimeRunsEveryQuantizedConvolutionInInt8()
    {
        if (!Ready())
        {
            return;
        }

        foreach (var id in RealModelFixture.ModelIds)
        {
            var ops = OrtFusionInspector.OptimizedOpTypes(fixture.Results[id].Model);
            var planned = fixture.Results[id].Report.QuantizedNodes["Conv"];
            output.WriteLine($"{id}: {string.Join(", ", ops.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
            Assert.Equal(planned, ops.GetValueOrDefault("QLinearConv"));
        }

        Assert.Equal(27, fixture.Results["faceres"].Report.QuantizedNodes["Conv"]);
        Assert.Equal(13, fixture.Results["emotion-oarriaga"].Report.QuantizedNodes["Conv"]);
        Assert.True(fixture.Results["blazeface-back"].Report.QuantizedNodes["Conv"] >= 60);
    }

    [Fact]
    public void FaceresInt8FileIsAtLeast3Point5TimesSmaller()
    {
        if (!Ready())
        {
            return;
        }

        var ratio = new FileInfo(fixture.FloatPath("faceres")).Length / (double)new FileInfo(fixture.Int8Path("faceres")).Length;
        output.WriteLine($"faceres {ratio:0.00}× smaller");
        Assert.True(ratio >= 3.5, $"faceres int8 is only {ratio:0.00}× smaller");
    }

    [Fact]
    public void FaceresGenderAgreesWithFloatOnAtLeast95PercentOfHeldOutFaces()
    {
        if (!Ready())
        {
            return;
        }

        var figures = Compare("faceres");
        var agreement = figures.Single(f => f.Head == "gender" && f.Metric == HeadFigure.Agreement);
        var accuracy = figures.Single(f => f.Head == "gender" && f.Metric == HeadFigure.Accuracy);
        Assert.Equal(fixture.Holdout.Faces, agreement.Count);
        Assert.True(agreement.Count >= 100, $"only {agreement.Count} held-out faces");
        Assert.True(agreement.Value >= 0.95, $"gender agreement {agreement.Value:P1}");
        Assert.True(accuracy.Reference!.Value - accuracy.Value <= 0.02, $"gender accuracy {accuracy.Reference:P1} → {accuracy.Value:P1}");
    }

    [Fact]
    public void EmotionAndDetectorGiveTheFloatAnswersOnHeldOutFaces()
    {
        if (!Ready())
        {
            return;
        }

        var expression = Compare("emotion-oarriaga").Single(f => f.Head == "expression" && f.Metric == HeadFigure.Agreement);
        Assert.True(expression.Value >= 0.9, $"expression agreement {expression.Value:P1}");

        var images = fixture.Holdout.Items["blazeface-back"].Select(i => i.ImagePath).ToList();
        var detector = DetectorComparison.Compare(fixture.SourceBundle, fixture.Floats["blazeface-back"], fixture.Int8Bundle, fixture.Int8s["blazeface-back"], images);
        output.WriteLine($"blazeface-back: same faces on {detector.Value:P1} of {detector.Count} images");
        Assert.True(detector.Value >= 0.9, $"detector agreement {detector.Value:P1}");
    }

    private IReadOnlyList<HeadFigure> Compare(string id)
    {
        using var fp32 = new TensorModelRunner(fixture.FloatPath(id), fixture.Floats[id]);
        using var int8 = new TensorModelRunner(fixture.Int8Path(id), fixture.Int8s[id]);
        var figures = HeadComparison.Compare(fixture.Floats[id], fp32, int8, fixture.Holdout.Items[id], p => fixture.Labels.GetValueOrDefault(p));
        foreach (var f in figures)
        {
            output.WriteLine($"{id} {f.Head} {f.Metric}: {f.Reference} → {f.Value} ({f.Count})");
        }

        return figures;
    }

    private bool Ready()
    {
        if (!fixture.Available)
        {
            output.WriteLine("real faces (../shared/data/celeba) absent: real-model quantization not checked on this machine");
        }

        return fixture.Available;
    }
}
