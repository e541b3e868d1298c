using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

public sealed class NetworkTests
{
    private static readonly NetworkOptions Small = new() { InputSize = 32, Widths = [8, 12, 16], FeatureSize = 16 };

    public NetworkTests() => TorchFixture.Ensure();

    [Fact]
    public void EveryHeadHasItsShape()
    {
        using var net = new FaceAttrNet(Small);
        using var input = randn(5, 3, 32, 32);
        var o = net.forward(input);

        Assert.Equal([5, 2], o.Gender.shape);
        Assert.All(o.AgeStages, s => Assert.Equal([5, 3], s.shape));
        Assert.Equal(3, o.AgeStages.Count);
        Assert.Equal([5, 7], o.Expression.shape);
        Assert.Equal([5, 3], o.ExpressionCoarse.shape);
        Assert.Equal([5, 3], o.Eyewear.shape);
        Assert.Equal([5, HeadSet.DefaultBinary.Count], o.Binary.shape);
        Assert.DoesNotContain("eyeglasses", HeadSet.DefaultBinary);
    }

    [Fact]
    public void ParametersHavePyTorchStyleNames()
    {
        using var net = new FaceAttrNet(Small);
        var names = net.named_parameters().Select(p => p.name).ToHashSet();
        var buffers = net.named_buffers().Select(p => p.name).ToHashSet();

        Assert.Contains("stem.conv.weight", names);
        Assert.Contains("stem.bn.weight", names);
        Assert.Contains("stem.act.weight", names); // PReLU slopes
        Assert.Contains("blocks.0.conv.weight", names);
        Assert.Contains("head_age3.bias", names);
        Assert.Contains("head_attributes.weight", names);
        Assert.Contains("stem.bn.running_mean", buffers);
        Assert.DoesNotContain(names, n => n.Contains("stem.conv.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void AGenderBranchReadsTheLastMapWithItsLayoutAndOnlyGenderChanges()
    {
        manual_seed(3);
        using var plain = new FaceAttrNet(Small with { Dropout = 0 });
        using var branched = new FaceAttrNet(Small with { Dropout = 0, GenderBranch = 6 });
        var shapes = branched.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // A 32-px input ends at 4×4 after the stem and two pools: 16 channels × 16 positions.
        Assert.Equal([6, 16 * 4 * 4], shapes["gender_fc.weight"]);
        Assert.Equal([2, 6], shapes["head_gender.weight"]);
        Assert.Equal([6], shapes["gender_act.weight"]);
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.StartsWith("gender_", StringComparison.Ordinal));
        Assert.Equal(Pruning.NetworkCost.Parameters(branched.Options), branched.ParameterCount());

        // Every other head reads the shared layer exactly as before.
        var shared = plain.state_dict().Where(p => !p.Key.StartsWith("head_gender", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        branched.load_state_dict(shared, strict: false);
        plain.eval();
        branched.eval();
        using var input = randn(3, 3, 32, 32);
        var a = plain.forward(input);
        var b = branched.forward(input);
        Assert.Equal([3, 2], b.Gender.shape);
        Assert.True(a.Expression.allclose(b.Expression) && a.Binary.allclose(b.Binary) && a.AgeStages[2].allclose(b.AgeStages[2]));
        Assert.False(a.Gender.allclose(b.Gender));
    }

    [Fact]
    public void ABranchTooNarrowOrAMapPooledAwayIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { GenderBranch = 1 }).Validate());
        var pooledAway = Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkOptions { InputSize = 16, Widths = [8, 8, 8, 8, 8] }.Validate());
        Assert.Contains("pooled below one pixel", pooledAway.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReluHasNoSlopeParameters()
    {
        using var prelu = new FaceAttrNet(Small);
        using var relu = new FaceAttrNet(Small with { Activation = ActivationKind.Relu });
        var slopes = 8 + (2 * 12) + (2 * 16) + 16;

        Assert.Equal(prelu.ParameterCount() - slopes, relu.ParameterCount());
    }

    [Fact]
    public void WrongInputShapeIsRefusedWithTheShape()
    {
        using var net = new FaceAttrNet(Small);
        using var input = randn(2, 3, 64, 64);

        var ex = Assert.Throws<ArgumentException>(() => net.forward(input));
        Assert.Contains("[2, 3, 64, 64]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceAttrNet(Small with { InputSize = 40 }));
    }
}
