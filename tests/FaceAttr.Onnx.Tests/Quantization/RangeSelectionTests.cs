using FaceAttr.Onnx.Quantization;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>Choosing an activation range from a histogram: percentile and entropy clip outliers, zero stays representable.</summary>
public sealed class RangeSelectionTests
{
    [Fact]
    public void PercentileCutsTheRareOutliersBothSidesAndKeepsTheBulk()
    {
        var values = Gaussian(100_000, seed: 3).Append(40f).Append(-35f).ToArray();
        var histogram = new ValueHistogram(values.Min(), values.Max(), 4096);
        histogram.Add(values);

        var (lo, hi) = RangeSelection.Percentile(histogram, 99.9);
        Assert.InRange(hi, 3.0f, 3.6f);
        Assert.InRange(lo, -3.6f, -3.0f);

        var (all, top) = RangeSelection.Percentile(histogram, 100);
        Assert.Equal(-35f, all, 0.05f);
        Assert.Equal(40f, top, 0.05f);
    }

    [Fact]
    public void EntropyClipsALongTailButNotTheBody()
    {
        // A ReLU-like activation: half zeros, an exponential body, and a sparse tail out to 100.
        var random = new Random(5);
        var values = Enumerable.Range(0, 200_000)
            .Select(i => i % 2 == 0 ? 0f : i % 1000 == 1 ? (float)(random.NextDouble() * 100) : (float)-Math.Log(1 - random.NextDouble()))
            .ToArray();
        var histogram = new ValueHistogram(0, values.Max(), 2048, skipZeros: true);
        histogram.Add(values);

        var (lo, hi) = RangeSelection.Entropy(histogram, zeroBin: 0);
        Assert.Equal(0f, lo);
        Assert.InRange(hi, 5f, 60f);
    }

    [Fact]
    public void ActivationParametersHoldZeroExactlyAndStayInsideAFoldedClip()
    {
        var p = ActivationQuantization.FromRange(0.5f, 6f, (0f, 6f));
        Assert.Equal(0, p.ZeroPoint);
        Assert.True(p.Scale * 255 <= 6f, $"the top level {p.Scale * 255} must not exceed the Clip's 6, or ORT keeps the Clip");

        // An integer zero point: 0.0 is level 64 exactly, and the lowest level lands on −2 to within one step.
        var signed = ActivationQuantization.FromRange(-2f, 6f, null);
        Assert.Equal(64, signed.ZeroPoint);
        Assert.Equal(-2f, -signed.ZeroPoint * signed.Scale, signed.Scale);

        var empty = ActivationQuantization.FromRange(0f, 0f, null);
        Assert.Equal(1f, empty.Scale);
    }

    [Fact]
    public void WeightsAreSymmetricPerChannelAndTheBiasFitsInt32()
    {
        float[] weights = [0.5f, -1f, 0.25f, 0.001f, -0.002f, 0.0005f];
        var q = WeightQuantization.Quantize(weights, [2, 3], axis: 0, perChannel: true, reduceRange: false, minScales: null);
        Assert.Equal([64, -127, 32], q.Values[..3].Select(v => (int)v));
        Assert.Equal(-127, q.Values[4]);
        Assert.Equal(1f / 127, q.Scales[0], 1e-7f);

        // A channel of near-zero weights with a large bias: the scale grows until the bias fits.
        float[] bias = [0f, 1000f];
        var min = WeightQuantization.MinScalesForBias(bias, inputScale: 1e-3f, channels: 2)!;
        var widened = WeightQuantization.Quantize(weights, [2, 3], 0, true, false, min);
        var biasQ = WeightQuantization.QuantizeBias(bias, 1e-3f, widened.Scales);
        Assert.InRange(biasQ[1], 1 << 29, int.MaxValue);
    }

    private static IEnumerable<float> Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
    }
}
