using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

public sealed class AgeStagesTests
{
    public AgeStagesTests() => TorchFixture.Ensure();

    [Theory]
    [InlineData(0f, 0, 0, 0)]
    [InlineData(9.9f, 0, 0, 2)]
    [InlineData(19.9f, 0, 1, 2)]
    [InlineData(31f, 1, 0, 0)]
    [InlineData(45f, 1, 1, 1)]
    [InlineData(89.9f, 2, 2, 2)]
    [InlineData(116f, 2, 2, 2)]
    public void TargetsSplitTheRangeIntoStages(float years, int s1, int s2, int s3) =>
        Assert.Equal((s1, s2, s3), AgeStages.Targets(years));

    [Fact]
    public void OneHotStagesDecodeToTheBinCentreWithANarrowInterval()
    {
        // Stage bins (1, 1, 1) = 30 + 10 + 3.33 .. 6.67 → centre 45.
        var estimate = AgeStages.Decode([0, 1, 0], [0, 1, 0], [0, 1, 0]);

        Assert.Equal(45f, estimate.Years, 3);
        Assert.InRange(estimate.Low, 43.3f, 45f);
        Assert.InRange(estimate.High, 45f, 46.7f);
    }

    [Fact]
    public void UniformStagesDecodeToTheMiddleWithAWideInterval()
    {
        float[] u = [1 / 3f, 1 / 3f, 1 / 3f];
        var estimate = AgeStages.Decode(u, u, u);

        Assert.Equal(45f, estimate.Years, 2);
        Assert.InRange(estimate.Low, 8f, 10f);
        Assert.InRange(estimate.High, 80f, 82f);
    }

    [Fact]
    public void TensorDecodeAgreesWithTheScalarDecode()
    {
        using var l1 = tensor(new float[] { 0.2f, 1.5f, -1 }, [1, 3]);
        using var l2 = tensor(new float[] { 2, 0, 0.3f }, [1, 3]);
        using var l3 = tensor(new float[] { -1, 0, 1 }, [1, 3]);
        using var years = AgeStages.ExpectedYears([l1, l2, l3]);
        var p = new[] { l1, l2, l3 }.Select(t => t.softmax(1).data<float>().ToArray()).ToArray();

        Assert.Equal(AgeStages.Decode(p[0], p[1], p[2]).Years, years.item<float>(), 3);
        Assert.Throws<ArgumentException>(() => AgeStages.ExpectedYears([l1, l2, l3.reshape(3)]));
    }
}
