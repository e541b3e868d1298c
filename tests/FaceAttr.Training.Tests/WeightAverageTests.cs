using FaceAttr.Training.Network;
using FaceAttr.Training.Training;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

/// <summary>The moving average of the weights: the update rule, buffers, and restoring it from a checkpoint.</summary>
public sealed class WeightAverageTests : IDisposable
{
    private static readonly NetworkOptions Small = new() { InputSize = 32, Widths = [8, 12, 16], FeatureSize = 16 };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-average-");

    public WeightAverageTests() => TorchFixture.Ensure();

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void AnUpdateMovesEveryWeightAndStatisticByOneMinusTheEffectiveDecay()
    {
        using var live = new FaceAttrNet(Small);
        using var average = new WeightAverage(live, decay: 0.999);
        var before = Snapshot(average.Network);
        using (no_grad())
        {
            foreach (var (_, t) in live.state_dict())
            {
                if (t.is_floating_point())
                {
                    t.add_(2.0);
                }
                else
                {
                    t.add_(3L);
                }
            }
        }

        average.Update();

        // First update: d = min(0.999, 2/11), so the average moves 9/11 of the way to live = before + 2.
        var d = WeightAverage.EffectiveDecay(0.999, 1);
        Assert.Equal(2.0 / 11.0, d, 12);
        var after = average.Network.state_dict();
        foreach (var (name, old) in before)
        {
            var expected = old.is_floating_point() ? old + (2.0 * (1 - d)) : old + 3;
            Assert.True(after[name].allclose(expected, rtol: 1e-5, atol: 1e-6), $"{name} did not move as the rule says");
        }

        Assert.Equal(1, average.Updates);
        Assert.All(average.Network.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(live.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void TheEffectiveDecayRisesFromTheWarmUpToTheConfiguredDecay()
    {
        Assert.Equal(2.0 / 11.0, WeightAverage.EffectiveDecay(0.999, 1), 12);
        Assert.Equal(101.0 / 110.0, WeightAverage.EffectiveDecay(0.999, 100), 12);
        Assert.Equal(0.999, WeightAverage.EffectiveDecay(0.999, 9000), 12);
        using var live = new FaceAttrNet(Small);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(live, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(live, 0));
    }

    [Fact]
    public void ARestoredAverageKeepsFollowingTheLiveNetwork()
    {
        using var live = new FaceAttrNet(Small);
        using var first = new WeightAverage(live, decay: 0.5);
        Shift(live, 1.0);
        first.Update();
        var path = Path.Combine(_dir.FullName, "average.bin");
        first.Network.save(path);

        using var restored = new WeightAverage(live, decay: 0.5);
        restored.Load(path, first.Updates);
        Assert.Equal(first.Updates, restored.Updates);
        var saved = first.Network.state_dict();
        foreach (var (name, t) in restored.Network.state_dict())
        {
            Assert.True(t.allclose(saved[name], 0, 0), $"{name} was not restored");
        }

        // The update after a restore must still reach the restored tensors (not a copy the average no longer reads).
        var beforeUpdate = Snapshot(restored.Network);
        Shift(live, 1.0);
        restored.Update();
        var name0 = beforeUpdate.Keys.First(k => k.EndsWith(".weight", StringComparison.Ordinal));
        Assert.False(restored.Network.state_dict()[name0].allclose(beforeUpdate[name0], 0, 0));
    }

    private static Dictionary<string, Tensor> Snapshot(FaceAttrNet net) =>
        net.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);

    private static void Shift(FaceAttrNet net, double by)
    {
        using var noGrad = no_grad();
        foreach (var p in net.parameters())
        {
            p.add_(by);
        }
    }
}
