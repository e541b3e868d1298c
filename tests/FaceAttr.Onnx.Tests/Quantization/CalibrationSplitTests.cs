using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Tool.Quantize;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>Calibration and holdout faces: a check on the calibration folder's own images never reuses a calibration image.</summary>
public sealed class CalibrationSplitTests
{
    [Fact]
    public void ACheckOnTheCalibrationImagesTakesOnlyTheOthers()
    {
        if (TestPaths.DataOrFailInCi("celeba") is not { } celeba)
        {
            return;
        }

        // Calibrated on the bare image folder, checked as the labelled set: the same files reached by two folder names.
        var calibration = CalibrationSplit.Split(Path.Combine(celeba, "images"), labels: null, count: 2000, holdout: 2000).Calibration;
        var labelled = new CelebAReader().Read(celeba, limit: null).Faces;

        var check = CalibrationSplit.HoldoutOnly(celeba, "celeba", holdout: labelled.Count, calibration);

        var calibrated = calibration.Select(f => Path.GetFullPath(f.ImagePath)).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(check.Calibration);
        Assert.DoesNotContain(check.Holdout, f => calibrated.Contains(Path.GetFullPath(f.ImagePath)));
        Assert.Equal(labelled.Count(f => !calibrated.Contains(Path.GetFullPath(f.ImagePath))), check.Holdout.Count);
        Assert.True(labelled.Count(f => calibrated.Contains(Path.GetFullPath(f.ImagePath))) >= 1000, "the two folder names should reach the same files");
    }
}
