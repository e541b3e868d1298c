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
    public void AHeadLabelledOnOneSetIsJudgedByThoseLabelsNotByAgreementOnAnother()
    {
        // What the trained network gives with --check: CelebA has no expression or age labels, the checked sets do.
        HeadFigure[] figures =
        [
            new("expression", HeadFigure.Agreement, 0.973, null, 300, "celeba holdout"),
            new("expression", HeadFigure.Agreement, 0.975, null, 238, "expressions holdout"),
            new("expression", HeadFigure.Accuracy, 0.655, 0.651, 238, "expressions holdout"),
            new("age", HeadFigure.DeltaYears, 1.1, null, 300, "celeba holdout"),
            new("age", HeadFigure.DeltaYears, 0.9, null, 300, "utkface holdout"),
            new("age", HeadFigure.MaeYears, 8.93, 8.91, 300, "utkface holdout"),
        ];

        Assert.Empty(QuantizeGate.Failures("m", figures, maxLoss: 1, maxAgeLoss: 0.3));
    }

    [Fact]
    public void AHeadNoSetLabelsFallsBackToAgreementOnEverySet()
    {
        HeadFigure[] figures =
        [
            new("eyewear", HeadFigure.Agreement, 1.0, null, 300, "utkface holdout"),
            new("eyewear", HeadFigure.Agreement, 0.97, null, 300, "celeba holdout"),
            new("gender", HeadFigure.Accuracy, 0.947, 0.947, 300, "celeba holdout"),
            new("age", HeadFigure.DeltaYears, 0.5, null, 300, "celeba holdout"),
        ];

        var failures = QuantizeGate.Failures("m", figures, maxLoss: 1, maxAgeLoss: 0.3);

        Assert.Equal(2, failures.Count);
        Assert.Contains("m eyewear on celeba holdout: agrees with float on 97.0 % of 300 faces (3.0 points lost, limit 1.0)", failures);
        Assert.Contains("m age on celeba holdout: int8 ages differ from float by 0.50 years on average (limit 0.30)", failures);
    }

    [Fact]
    public void ALabelledLossOnAnySetFailsEvenWhenAnotherSetPasses()
    {
        HeadFigure[] figures =
        [
            new("gender", HeadFigure.Accuracy, 0.947, 0.947, 300, "celeba holdout"),
            new("gender", HeadFigure.Agreement, 1.0, null, 300, "utkface holdout"),
            new("gender", HeadFigure.Accuracy, 0.757, 0.777, 300, "utkface holdout"),
            new("age", HeadFigure.MaeYears, 8.0, 8.0, 300, "utkface holdout"),
            new("age", HeadFigure.MaeYears, 9.5, 9.0, 100, "other holdout"),
        ];

        var failures = QuantizeGate.Failures("m", figures, maxLoss: 1, maxAgeLoss: 0.3);

        Assert.Equal(2, failures.Count);
        Assert.Contains("m gender on utkface holdout: accuracy 77.7 % → 75.7 % (2.0 points lost, limit 1.0)", failures);
        Assert.Contains("m age on other holdout: MAE 9.00 → 9.50 years (+0.50, limit 0.30)", failures);
    }

    [Fact]
    public void LandmarkShiftIsReportedButNotGated()
    {
        Assert.Empty(QuantizeGate.Failures("facemesh", [new("*", HeadFigure.MeanShiftPixels, 5.0, null, 10)], maxLoss: 0, maxAgeLoss: 0));
    }
}
