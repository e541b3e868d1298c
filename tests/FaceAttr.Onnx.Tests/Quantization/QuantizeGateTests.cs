using FaceAttr.Tool.Quantize;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>The quantize gate: labels decide where there are labels, agreement with float where there are none.</summary>
public sealed class QuantizeGateQuantizationTests
{
    [Fact]
    public void LabelledAccuracyDecidesOverAgreement()
    {
        // 97 % agreement alone would lose 3 points; the labels say accuracy did not drop.
        HeadFigure[] figures =
        [
            new("gender", HeadFigure.Agreement, 0.97, null, 100),
            new("gender", HeadFigure.Accuracy, 0.92, 0.92, 100),
        ];
        Assert.Empty(QuantizeGate.Failures("m", figures, maxLoss: 1, maxAgeLoss: 0.3));

        figures[1] = new("gender", HeadFigure.Accuracy, 0.905, 0.92, 100);
        var failure = Assert.Single(QuantizeGate.Failures("m", figures, maxLoss: 1, maxAgeLoss: 0.3));
        Assert.Contains("m gender: accuracy 92.0 % → 90.5 % (1.5 points lost, limit 1.0)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLabelsAgreementDecidesAndALossEqualToTheLimitPasses()
    {
        Assert.Empty(QuantizeGate.Failures("m", [new("expression", HeadFigure.Agreement, 0.99, null, 100)], maxLoss: 1, maxAgeLoss: 0.3));
        Assert.Single(QuantizeGate.Failures("m", [new("expression", HeadFigure.Agreement, 0.98, null, 100)], maxLoss: 1, maxAgeLoss: 0.3));
    }

    [Fact]
    public void AgeIsJudgedByMaeAgainstLabelsElseByHowFarAgesMove()
    {
        HeadFigure[] labelled = [new("age", HeadFigure.DeltaYears, 0.9, null, 50), new("age", HeadFigure.MaeYears, 7.1, 7.0, 50)];
        Assert.Empty(QuantizeGate.Failures("m", labelled, maxLoss: 1, maxAgeLoss: 0.3));

        HeadFigure[] unlabelled = [new("age", HeadFigure.DeltaYears, 0.4, null, 50)];
        Assert.Contains("differ from float by 0.40 years", Assert.Single(QuantizeGate.Failures("m", unlabelled, 1, 0.3)), StringComparison.Ordinal);
    }

    [Fact]
    public void LandmarkShiftIsReportedButNotGated()
    {
        Assert.Empty(QuantizeGate.Failures("facemesh", [new("*", HeadFigure.MeanShiftPixels, 5.0, null, 10)], maxLoss: 0, maxAgeLoss: 0));
    }
}
