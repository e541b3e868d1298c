using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class MetricTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void AccuracyIsCorrectOverN()
    {
        var metric = new AccuracyMetric();
        Assert.Null(metric.Accuracy);

        foreach (var correct in new[] { true, true, false, true })
        {
            metric.Add(correct);
        }

        metric.AddUnknown();

        Assert.Equal((3, 4, 1), (metric.Correct, metric.N, metric.Unknown));
        Assert.Equal(0.75, metric.Accuracy!.Value, Tolerance);
    }

    [Fact]
    public void AnOutcomeOrEstimateOfNullCountsAsUnknown()
    {
        var accuracy = new AccuracyMetric();
        accuracy.AddOutcome(true);
        accuracy.AddOutcome(null);
        accuracy.AddOutcome(false);
        Assert.Equal((1, 2, 1), (accuracy.Correct, accuracy.N, accuracy.Unknown));

        var mae = new MaeMetric();
        mae.AddEstimate(30, 25);
        mae.AddEstimate(null, 40);
        mae.AddEstimate(20, 22);
        Assert.Equal((2, 1), (mae.N, mae.Unknown));
        Assert.Equal(3.5, mae.Mae!.Value, Tolerance);
        Assert.Equal(1.5, mae.Bias!.Value, Tolerance); // (+5 − 2) / 2
    }

    [Fact]
    public void MaeIsTheMeanAbsoluteError()
    {
        var metric = new MaeMetric();
        Assert.Null(metric.Mae);

        metric.Add(30, 25);   // 5
        metric.Add(20, 22.5); // 2.5
        metric.Add(61, 61);   // 0
        metric.Add(0, 10);    // 10

        Assert.Equal(4, metric.N);
        Assert.Equal(17.5 / 4, metric.Mae!.Value, Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => metric.Add(double.NaN, 3));
        Assert.Equal(4, metric.N);
    }

    [Fact]
    public void ConfusionMatrixCountsRecallAndAccuracy()
    {
        var matrix = new ConfusionMatrix();
        Assert.Equal(["happy", "angry", "calm", "scared", "sad", "disgust", "surprised"], matrix.Labels);
        Assert.Null(matrix.Accuracy);
        Assert.Null(matrix.Recall(0));

        // happy: 3 right, 1 called calm; angry: 1 right, 1 called disgust; sad: 0 of 2 (both calm).
        (int Actual, int Predicted)[] pairs = [(0, 0), (0, 0), (0, 0), (0, 2), (1, 1), (1, 5), (4, 2), (4, 2)];
        foreach (var (a, p) in pairs)
        {
            matrix.Add(a, p);
        }

        Assert.Equal(8, matrix.N);
        Assert.Equal(4, matrix.Correct);
        Assert.Equal(0.5, matrix.Accuracy!.Value, Tolerance);
        Assert.Equal(3, matrix.Count(0, 0));
        Assert.Equal(2, matrix.Count(4, 2));
        Assert.Equal(0, matrix.Count(2, 4));
        Assert.Equal(4, matrix.Support(0));
        Assert.Equal(0.75, matrix.Recall(0)!.Value, Tolerance);
        Assert.Equal(0.5, matrix.Recall(1)!.Value, Tolerance);
        Assert.Equal(0.0, matrix.Recall(4)!.Value, Tolerance);
        Assert.Null(matrix.Recall(2)); // calm was predicted but never the true class
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(7, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(0, -1));
    }
}
