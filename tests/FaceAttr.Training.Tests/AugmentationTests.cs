using FaceAttr.Training.Augmentation;
using FaceAttr.Training.Data;

namespace FaceAttr.Training.Tests;

public sealed class AugmentationTests
{
    private const int Input = 16;
    private static readonly int Side = FaceCrops.SideFor(Input);

    /// <summary>A crop whose red channel is the column and green the row, blue a constant.</summary>
    private static byte[] Gradient()
    {
        var crop = new byte[Side * Side * 3];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var o = ((y * Side) + x) * 3;
                (crop[o], crop[o + 1], crop[o + 2]) = ((byte)(x * 10), (byte)(y * 10), 100);
            }
        }

        return crop;
    }

    [Fact]
    public void SameSeedEpochAndIndexGiveTheSameAugmentation()
    {
        var options = new AugmentOptions();
        Assert.Equal(Augmenter.Draw(options, 7, 3, 42), Augmenter.Draw(options, 7, 3, 42));
        Assert.NotEqual(Augmenter.Draw(options, 7, 3, 42), Augmenter.Draw(options, 7, 4, 42));
        Assert.NotEqual(Augmenter.Draw(options, 7, 3, 42), Augmenter.Draw(options, 8, 3, 42));
        Assert.Equal(AugmentParameters.Identity, Augmenter.Draw(AugmentOptions.None, 7, 3, 42));
        var flips = Enumerable.Range(0, 1000).Count(i => Augmenter.Draw(options, 1, 0, i).Flip);
        Assert.InRange(flips, 430, 570);
    }

    [Fact]
    public void IdentityIsTheCentreWindowNormalised()
    {
        var crop = Gradient();
        var output = new float[3 * Input * Input];
        Augmenter.Apply(crop, Side, Input, AugmentParameters.Identity, output);
        var margin = (Side - Input) / 2;

        for (var y = 0; y < Input; y++)
        {
            for (var x = 0; x < Input; x++)
            {
                Assert.Equal(((x + margin) * 10 / 255f - 0.5f) / 0.5f, output[(y * Input) + x], 4);
                Assert.Equal(((y + margin) * 10 / 255f - 0.5f) / 0.5f, output[(Input * Input) + (y * Input) + x], 4);
            }
        }
    }

    [Fact]
    public void FlipMirrorsColumns()
    {
        var crop = Gradient();
        var plain = new float[3 * Input * Input];
        var flipped = new float[3 * Input * Input];
        Augmenter.Apply(crop, Side, Input, AugmentParameters.Identity, plain);
        Augmenter.Apply(crop, Side, Input, AugmentParameters.Identity with { Flip = true }, flipped);

        for (var x = 0; x < Input; x++)
        {
            Assert.Equal(plain[Input - 1 - x], flipped[x], 4);
        }
    }

    [Fact]
    public void FlipSwapsLeftAndRightLabels()
    {
        string[] attributes = ["smile", "eye_left_occluded", "eye_right_occluded"];
        Assert.Equal([(1, 2)], Augmenter.FlipPairs(attributes));

        var sample = new TrainingSample
        {
            ImagePath = "x.jpg",
            Dataset = "own",
            SplitKey = "own:file:x.jpg",
            Binary = [1, 1, 0],
            BinaryWeight = [1, 1, 1],
        };
        var crops = new FaceCrops(new byte[Side * Side * 3], Side, 1);
        var builder = new BatchBuilder([sample], crops, Input, attributes, ClassWeights.Uniform(3));
        TorchFixture.Ensure();

        // Find a seed whose draw flips, and one that does not.
        var flipSeed = Enumerable.Range(0, 100).First(s => Augmenter.Draw(new AugmentOptions(), s, 0, 0).Flip);
        var keepSeed = Enumerable.Range(0, 100).First(s => !Augmenter.Draw(new AugmentOptions(), s, 0, 0).Flip);
        using var flipped = builder.Build([0], new AugmentOptions(), flipSeed, 0);
        using var kept = builder.Build([0], new AugmentOptions(), keepSeed, 0);

        Assert.Equal([1f, 0f, 1f], flipped.Binary.data<float>().ToArray());
        Assert.Equal([1f, 1f, 0f], kept.Binary.data<float>().ToArray());
    }
}
