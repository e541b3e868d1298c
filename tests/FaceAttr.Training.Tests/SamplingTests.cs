using FaceAttr.Training.Data;

namespace FaceAttr.Training.Tests;

public sealed class SamplingTests
{
    [Fact]
    public void SmallDatasetsAreDrawnMoreThanTheirShareButLessThanEqually()
    {
        var datasets = Enumerable.Repeat("big", 1600).Concat(Enumerable.Repeat("small", 100)).ToArray();
        var sampler = new BalancedSampler(datasets);
        var epoch = sampler.Epoch(seed: 3, epoch: 0);

        Assert.Equal(datasets.Length, epoch.Length);
        Assert.Equal(epoch, sampler.Epoch(3, 0));
        Assert.NotEqual(epoch, sampler.Epoch(3, 1));
        var smallShare = epoch.Count(i => datasets[i] == "small") / (double)epoch.Length;
        Assert.Equal(0.2, sampler.Shares["small"], 3); // sqrt(100) / (sqrt(1600) + sqrt(100))
        Assert.InRange(smallShare, 0.16, 0.24);
        Assert.True(epoch.Where(i => datasets[i] == "small").Distinct().Count() == 100, "every small sample is drawn before one repeats");
    }

    [Theory]
    [InlineData(0.5, 0.8, 0.2, 0.0)] // the default: a set 16× smaller is drawn 4× less often
    [InlineData(1.0, 1600 / 1700.0, 100 / 1700.0, 0.0)] // in proportion to size
    [InlineData(0.0, 0.5, 0.5, 0.0)] // every set equally; an empty one never
    public void ShareOfDrawsFollowsSizeToThePowerAndNeverDrawsAnEmptySet(double power, double large, double small, double empty)
    {
        var shares = BalancedSampler.ShareOfDraws([1600, 100, 0], power);

        Assert.Equal(large, shares[0], 6);
        Assert.Equal(small, shares[1], 6);
        Assert.Equal(empty, shares[2]);
        var sampler = new BalancedSampler([.. Enumerable.Repeat("large", 1600), .. Enumerable.Repeat("small", 100)], power);
        Assert.Equal(small, sampler.Shares["small"], 6); // the report's figure is the sampler's
    }

    [Fact]
    public void ValidationSplitKeepsAnIdentityTogetherAndIsStable()
    {
        static TrainingSample Sample(string key) => new() { ImagePath = key, Dataset = "d", SplitKey = key, Binary = [], BinaryWeight = [] };
        var keys = Enumerable.Range(0, 4000).Select(i => $"d:file:{i}.jpg").ToArray();
        var inValidation = keys.Count(k => ValidationSplit.IsValidation(Sample(k), 0.15));

        Assert.InRange(inValidation, 520, 680);
        Assert.Equal(ValidationSplit.IsValidation(Sample("d:id:ann"), 0.15), ValidationSplit.IsValidation(Sample("d:id:ann"), 0.15));

        var face = new FaceAttr.Datasets.LabeledFace("/x/1.jpg") { Identity = "ann", Expression = 0 };
        var other = face with { ImagePath = "/x/2.jpg" };
        Assert.Equal(TrainingSample.From(face, "e", []).SplitKey, TrainingSample.From(other, "e", []).SplitKey);
    }

    [Fact]
    public void SamplesTakeConfidencesAndMapCelebAEyeglassesToAnyEyewear()
    {
        var face = new FaceAttr.Datasets.LabeledFace("/x/1.jpg")
        {
            Male = true,
            Attributes = new Dictionary<string, bool> { ["eyeglasses"] = true, ["smile"] = false },
            Confidences = new Dictionary<string, float> { ["gender"] = 0.8f },
        };
        var sample = TrainingSample.From(face, "celeba", ["smile", "hat"]);

        Assert.Equal(1, sample.Gender);
        Assert.Equal(0.8f, sample.GenderWeight);
        Assert.Equal(TrainingSample.AnyEyewear, sample.Eyewear);
        Assert.Equal([0, -1], sample.Binary);
        Assert.Equal([1f, 0f], sample.BinaryWeight);
        Assert.Equal(-1, sample.Expression);
        Assert.Equal(0f, sample.ExpressionWeight);
    }

    [Fact]
    public void AnyEyewearComesFromTheEyewearLabelFirstThenCelebAsEyeglasses()
    {
        var glasses = new Dictionary<string, bool> { ["eyeglasses"] = true };
        Assert.True(new FaceAttr.Datasets.LabeledFace("/x/1.jpg") { Eyewear = 2 }.WearsEyewear);
        Assert.False(new FaceAttr.Datasets.LabeledFace("/x/2.jpg") { Eyewear = 0, Attributes = glasses }.WearsEyewear);
        Assert.True(new FaceAttr.Datasets.LabeledFace("/x/3.jpg") { Attributes = glasses }.WearsEyewear);
        Assert.Null(new FaceAttr.Datasets.LabeledFace("/x/4.jpg") { Attributes = new Dictionary<string, bool> { ["smile"] = true } }.WearsEyewear);
    }
}
