using System.Diagnostics;
using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using FaceAttr.Training.Pruning;
using FaceAttr.Training.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

/// <summary>
/// Runs alone, after the parallel classes: NetworkTests.ForwardLeaksNoTensors counts the process-wide
/// <c>Tensor.TotalCount</c>, which these tests' tensors would move mid-count.
/// </summary>
[CollectionDefinition(nameof(PruningTests), DisableParallelization = true)]
public sealed class PruningTestGroup;

/// <summary>Channel pruning: per-block widths, channel selection, exactness of the slicing, BN-L1, prune + fine-tune on real faces.</summary>
[Collection(nameof(PruningTests))]
public sealed class PruningTests : IDisposable
{
    // Blocks [16, 24, 24, 32, 32]: 128 conv channels.
    private static readonly NetworkOptions Small = new() { InputSize = 32, Widths = [16, 24, 32], FeatureSize = 24, Dropout = 0 };

    private readonly ITestOutputHelper _output;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-prune-");

    public PruningTests(ITestOutputHelper output)
    {
        _output = output;
        TorchFixture.Ensure();
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void BlockWidthsRoundTripThroughTrainedNetworkAndLeaveOldShapesAsTheyWere()
    {
        var shape = Small with { BlockWidths = [6, 5, 9, 4, 11] };
        using var net = RandomNetwork(shape, seed: 3);
        var folder = Path.Combine(_dir.FullName, "narrow");
        TrainedNetwork.Save(net, folder);
        using var loaded = TrainedNetwork.Load(Path.Combine(folder, TrainedNetwork.WeightsFile));

        Assert.Equal([6, 5, 9, 4, 11], loaded.Options.BlockWidths!);
        Assert.Equal(NetworkCost.Parameters(shape), loaded.ParameterCount());
        Assert.Equal(net.ParameterCount(), loaded.ParameterCount());
        Assert.Equal([11L, 4, 3, 3], loaded.named_parameters().Single(p => p.name == "blocks.3.conv.weight").parameter.shape);
        using var input = randn(2, 3, 32, 32);
        AssertSameOutputs(Forward(net, input), Forward(loaded, input), 0);

        // Without BlockWidths: the stage widths as before, and network.json without the new field.
        using var plain = new FaceAttrNet(Small);
        Assert.Equal([16, 24, 24, 32, 32], Small.ResolvedBlockWidths());
        Assert.Equal(NetworkCost.Parameters(Small), plain.ParameterCount());
        TrainedNetwork.Save(plain, Path.Combine(_dir.FullName, "plain"));
        Assert.DoesNotContain("BlockWidths", File.ReadAllText(Path.Combine(_dir.FullName, "plain", TrainedNetwork.OptionsFile)), StringComparison.Ordinal);

        // Weights of another shape than network.json says: the loader names the mismatch.
        File.Copy(Path.Combine(folder, TrainedNetwork.WeightsFile), Path.Combine(_dir.FullName, "plain", TrainedNetwork.WeightsFile), overwrite: true);
        var ex = Assert.Throws<InvalidDataException>(() => TrainedNetwork.Load(Path.Combine(_dir.FullName, "plain", TrainedNetwork.WeightsFile)));
        Assert.Contains("do not fit", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceAttrNet(Small with { BlockWidths = [6, 5, 9] }));
    }

    [Fact]
    public void CostOfTheDefaultNetworkIsItsDocumentedSize()
    {
        var options = new NetworkOptions();
        using var net = new FaceAttrNet(options);

        Assert.Equal(net.ParameterCount(), NetworkCost.Parameters(options));
        // Convolutions: 9·(3·32·32² + 32·48·32² + 48·48·32² + 48·96·16² + 96·96·16² + 96·192·8² + 192·192·8²); fc 192·192; heads 192·35.
        var conv = 9L * ((3 * 32 * 1024) + (32 * 48 * 1024) + (48 * 48 * 1024) + (48 * 96 * 256) + (96 * 96 * 256) + (96 * 192 * 64) + (192 * 192 * 64));
        Assert.Equal(conv + (192 * 192) + (192 * (2 + 9 + 7 + 3 + 3 + 11)), NetworkCost.Macs(options));
        Assert.Equal(703_619, net.ParameterCount()); // the full run's network (artifacts/training/wide40/report.md)
    }

    [Fact]
    public void PruningARandomNetworkGivesTheRequestedWidthsAndASmallerNetwork()
    {
        using var net = RandomNetwork(Small, seed: 5);
        var options = new PruneOptions { Ratio = 0.3 };
        var scores = ChannelPruner.Gammas(net).Select(g => { var mean = g.Average(Math.Abs); return g.Select(v => Math.Abs(v) / mean).ToArray(); }).ToArray();

        var pruned = ChannelPruner.Prune(net, options);
        using var small = pruned.Network;

        var selection = pruned.Selection;
        Assert.Equal((int)Math.Round(0.3 * 128), selection.Removed);
        Assert.Equal(selection.KeptWidths, small.Options.BlockWidths!);
        Assert.All(selection.Blocks, b => Assert.True(b.Kept.Count >= Math.Max(4, (int)Math.Ceiling(0.25 * b.Width)), $"{b.Kept.Count} of {b.Width}"));
        // One global threshold: every removed channel scores no higher than any kept channel of a layer above its floor.
        var removed = selection.Blocks.SelectMany((b, k) => Enumerable.Range(0, b.Width).Except(b.Kept).Select(c => scores[k][c])).ToList();
        var keptAboveFloor = selection.Blocks.Select((b, k) => (b, k))
            .Where(p => p.b.Kept.Count > Math.Max(4, (int)Math.Ceiling(0.25 * p.b.Width)))
            .SelectMany(p => p.b.Kept.Select(c => scores[p.k][c])).ToList();
        Assert.True(removed.Max() <= keptAboveFloor.Min(), $"removed up to {removed.Max():0.000}, kept from {keptAboveFloor.Min():0.000}");
        Assert.True(small.ParameterCount() < net.ParameterCount());
        Assert.Equal(NetworkCost.Parameters(small.Options), small.ParameterCount());
        Assert.True(NetworkCost.Macs(small.Options) < NetworkCost.Macs(net.Options));

        using var input = randn(3, 3, 32, 32);
        var o = small.forward(input);
        Assert.Equal([3, 2], o.Gender.shape);
        Assert.All(o.AgeStages, s => Assert.Equal([3, 3], s.shape));
        Assert.Equal([3, 7], o.Expression.shape);
        Assert.Equal([3, HeadSet.DefaultBinary.Count], o.Binary.shape);
    }

    [Fact]
    public void ALayerOfWeakChannelsStopsAtItsFloor()
    {
        using var net = RandomNetwork(Small, seed: 6);
        SetChannels(net, block: 2, channels: Enumerable.Range(0, 24), gamma: 0.01f, beta: null);

        var selection = ChannelSelector.Select(ChannelPruner.Gammas(net), new PruneOptions { Ratio = 0.5, Score = ChannelScore.Gamma });

        Assert.Equal(6, selection.Blocks[2].Kept.Count); // max(4, 25% of 24)
        Assert.Equal(64, selection.Removed);
        var byThreshold = ChannelSelector.Select(ChannelPruner.Gammas(net), new PruneOptions { Threshold = 0.1, Score = ChannelScore.Gamma });
        Assert.Equal(18, byThreshold.Removed); // only the weak layer's channels score below 0.1, down to its floor
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RemovingChannelsWithZeroScaleAndShiftLeavesOutputsUnchanged(bool fold)
    {
        using var net = RandomNetwork(Small, seed: 7);
        // Zeroed channels per block, within what the floor allows (16→4, 24→6, 32→8 kept at least).
        int[] zeroed = [5, 7, 3, 10, 9];
        for (var k = 0; k < zeroed.Length; k++)
        {
            SetChannels(net, k, Enumerable.Range(0, zeroed[k]).Select(i => (i * 3) + 1), gamma: 0, beta: 0);
        }

        using var input = randn(4, 3, 32, 32);
        var before = Forward(net, input);
        var pruned = ChannelPruner.Prune(net, new PruneOptions { Ratio = zeroed.Sum() / 128.0, FoldRemovedChannels = fold });
        using var small = pruned.Network;

        for (var k = 0; k < zeroed.Length; k++)
        {
            Assert.Equal(Enumerable.Range(0, zeroed[k]).Select(i => (i * 3) + 1), Enumerable.Range(0, pruned.Selection.Blocks[k].Width).Except(pruned.Selection.Blocks[k].Kept));
        }

        AssertSameOutputs(before, Forward(small, input), 1e-4);
    }

    [Fact]
    public void FoldingAbsorbsTheConstantOutputOfRemovedChannels()
    {
        using var net = RandomNetwork(Small, seed: 8);
        // γ = 0, β ≠ 0: these channels output the constant PReLU(β), which removal alone would lose.
        SetChannels(net, block: 4, channels: [0, 5, 9, 20], gamma: 0, beta: 0.8f);
        using var input = randn(4, 3, 32, 32);
        var before = Forward(net, input);

        var pruned = PruneWeakestWithAndWithoutFold(net, channels: 4);
        using var f = pruned.Folded;
        using var d = pruned.Dropped;

        // Before the fc (through global pooling) the fold is exact.
        AssertSameOutputs(before, Forward(f, input), 1e-4);
        Assert.True(MaxDifference(before, Forward(d, input)) > 1e-2);

        // Inside the network it is exact away from the zero-padded border: much closer than dropping, not exact.
        using var mid = RandomNetwork(Small, seed: 8);
        SetChannels(mid, block: 1, channels: [2, 3, 11], gamma: 0, beta: 0.8f);
        var midBefore = Forward(mid, input);
        var midPruned = PruneWeakestWithAndWithoutFold(mid, channels: 3);
        using var mf = midPruned.Folded;
        using var md = midPruned.Dropped;
        var foldedError = MaxDifference(midBefore, Forward(mf, input));
        var droppedError = MaxDifference(midBefore, Forward(md, input));
        _output.WriteLine($"mid-network removal: folded {foldedError:0.0000}, dropped {droppedError:0.0000}");
        Assert.True(foldedError < droppedError / 2, $"folded {foldedError:0.0000} vs dropped {droppedError:0.0000}");
    }

    [Fact]
    public void AGenderBranchIsSlicedAndFoldedWithTheLastMap()
    {
        // The branch reads the last 4×4 map flattened: 16 columns per channel, all of which must go with their channel.
        var shape = Small with { GenderBranch = 10 };
        using var net = RandomNetwork(shape, seed: 9);
        SetChannels(net, block: 4, channels: [1, 6, 30], gamma: 0, beta: 0.8f);
        using var input = randn(4, 3, 32, 32);
        var before = Forward(net, input);

        var pruned = PruneWeakestWithAndWithoutFold(net, channels: 3);
        using var f = pruned.Folded;
        using var d = pruned.Dropped;

        Assert.Equal([10, 29 * 4 * 4], f.state_dict()["gender_fc.weight"].shape);
        Assert.Equal(NetworkCost.Parameters(f.Options), f.ParameterCount());
        AssertSameOutputs(before, Forward(f, input), 1e-4);
        // Dropping the constant channels without the fold moves the gender answers: the branch really reads them.
        var genderDropped = Forward(d, input)[0].Zip(before[0], (x, y) => Math.Abs(x - y)).Max();
        Assert.True(genderDropped > 1e-2, $"gender moved by only {genderDropped:g3} without the fold");
    }

    [Fact]
    public void ExpectedActivationMatchesSampling()
    {
        using var scope = NewDisposeScope();
        float[] gammas = [0f, 0.5f, 1.2f, 0.9f];
        float[] betas = [0.7f, -0.3f, 0.4f, -1.5f];
        float[] slopes = [0.25f, 0.25f, 0f, 0.1f];
        var expected = RemovedChannelFold.ExpectedActivation(tensor(gammas), tensor(betas), tensor(slopes)).data<float>().ToArray();

        manual_seed(11);
        for (var c = 0; c < gammas.Length; c++)
        {
            var z = (randn(400_000) * gammas[c]) + betas[c];
            var sampled = where(z >= 0, z, z * slopes[c]).mean().item<float>();
            Assert.True(Math.Abs(sampled - expected[c]) < 0.01, $"channel {c}: formula {expected[c]:0.0000}, sampled {sampled:0.0000}");
        }
    }

    [Fact]
    public void BatchNormL1ShrinksTheScales()
    {
        var options = TrainOptions.Tiny with { Epochs = 4, BatchSize = 8, Threads = 1, LimitPerDataset = null };
        var data = GeneratedFaces.Create(options.Network.InputSize, 192);

        var plain = new Trainer(options, data, Path.Combine(_dir.FullName, "plain")).Run();
        var sparse = new Trainer(options with { BatchNormL1 = 1e-2 }, data, Path.Combine(_dir.FullName, "sparse")).Run();

        var plainSum = SumAbsGamma(plain.ModelPath);
        var sparseSum = SumAbsGamma(sparse.ModelPath);
        _output.WriteLine($"Σ|γ|: without {plainSum:0.000}, with BN-L1 {sparseSum:0.000} (start {options.Network.ResolvedBlockWidths().Sum()})");
        Assert.True(sparseSum < plainSum * 0.95, $"Σ|γ| {sparseSum:0.000} with BN-L1 vs {plainSum:0.000} without");
    }

    [Fact]
    public void FineTuningStartsFromTheGivenWeights()
    {
        var options = TrainOptions.Tiny with { Epochs = 1, BatchSize = 16, Threads = 1, LimitPerDataset = null, LearningRate = 1e-9 };
        var data = GeneratedFaces.Create(options.Network.InputSize, 64);
        using var start = RandomNetwork(Small with { BlockWidths = [10, 7, 9, 5, 12] }, seed: 12);

        // A learning rate of 1e-9 leaves the weights where they started: the result is the given network, in its shape.
        var result = new Trainer(options, data, Path.Combine(_dir.FullName, "ft")) { InitialNetwork = start }.Run();
        using var tuned = TrainedNetwork.Load(result.ModelPath);

        Assert.Equal([10, 7, 9, 5, 12], tuned.Options.BlockWidths!);
        // BatchNorm running statistics moved during the epoch; the learned tensors did not.
        var started = start.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(tuned.named_parameters(), p => Assert.True(p.parameter.allclose(started[p.name], rtol: 0, atol: 1e-6), p.name));
        Assert.Throws<InvalidOperationException>(() => new Trainer(options, data, Path.Combine(_dir.FullName, "both"))
        {
            InitialNetwork = start,
            InitialWeights = result.ModelPath,
        }.Run());
    }

    [Fact]
    public void TinyPruneAndFineTuneOnRealFacesSavesALoadableSmallerModel()
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        var utkface = TestPaths.DataOrFailInCi("utkface");
        var expressions = TestPaths.DataOrFailInCi("expressions");
        if (celeba is null || utkface is null || expressions is null)
        {
            _output.WriteLine($"real face data absent at {TestPaths.Data}: nothing to prune on (CI fails here instead)");
            return;
        }

        var watch = Stopwatch.StartNew();
        var options = TrainOptions.Tiny with { Epochs = 6, Threads = Math.Min(2, Environment.ProcessorCount), LimitPerDataset = 300 };
        var inputs = new List<DatasetInput>
        {
            new("celeba", celeba, new CelebAReader().Read(celeba, null)),
            new("utkface", utkface, new UtkFaceReader().Read(utkface, null)),
            new("expressions", expressions, new ExpressionsReader().Read(expressions, null)),
        };
        var cache = new CropCacheOptions
        {
            BundleFolder = TestPaths.RequireBundle(),
            CacheFolder = Path.Combine(_dir.FullName, "cache"),
            Threads = options.Threads,
            DetectorModel = "blazeface-front",
        };
        var data = TrainingData.Prepare(inputs, options, cache);
        var crops = watch.Elapsed.TotalSeconds;
        var sourceRun = new Trainer(options, data, Path.Combine(_dir.FullName, "source")).Run();
        using var source = TrainedNetwork.Load(sourceRun.ModelPath);
        var output = Path.Combine(_dir.FullName, "pruned");
        var session = new PruneSession(new PruneOptions { Ratio = 0.3 }, options with { LearningRate = 0.002 }, data)
        {
            FineTuneEpochs = 2,
            TimingRuns = 50,
            BalancerState = Trainer.ReadBalancerState(Path.Combine(_dir.FullName, "source")),
        };

        var outcome = session.Run(source, sourceRun.ModelPath, output);
        _output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s (crops {crops:0.0} s)");
        _output.WriteLine(PruneReport.Markdown(outcome));

        using var pruned = TrainedNetwork.Load(Path.Combine(output, TrainedNetwork.WeightsFile));
        Assert.Equal(outcome.Selection.KeptWidths, pruned.Options.BlockWidths!);
        Assert.True(pruned.ParameterCount() < source.ParameterCount());
        Assert.Equal(pruned.ParameterCount(), outcome.Final.Parameters);
        Assert.True(outcome.Final.Macs < outcome.Before.Macs);
        Assert.Equal(2, outcome.History.Count);
        Assert.True(outcome.BalancerStateInherited);
        // The same held-out faces before and after, every head measured on both.
        Assert.Equal(outcome.Before.Validation.Metrics.ToDictionary(m => m.Key, m => m.Value.N), outcome.Final.Validation.Metrics.ToDictionary(m => m.Key, m => m.Value.N));
        // Fine-tuning wins back part of what pruning cost.
        var prunedLoss = outcome.Pruned.Validation.Losses.Values.Sum();
        var tunedLoss = outcome.Final.Validation.Losses.Values.Sum();
        Assert.True(tunedLoss < prunedLoss, $"validation loss {prunedLoss:0.000} after pruning, {tunedLoss:0.000} after fine-tuning");
        Assert.True(File.Exists(Path.Combine(output, PruneReport.JsonFile)));
        Assert.Contains("| parameters |", File.ReadAllText(Path.Combine(output, PruneReport.MarkdownFile)), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(_dir.FullName, "pruned.tmp-*"));

        // An existing output folder is refused before any work, and left as it was.
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(output, TrainedNetwork.WeightsFile));
        var ex = Assert.Throws<IOException>(() => session.Run(source, sourceRun.ModelPath, output));
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(output, TrainedNetwork.WeightsFile)));
    }

    /// <summary>A network with random BatchNorm statistics, scales, shifts and PReLU slopes (fresh ones are identities), in eval mode.</summary>
    private static FaceAttrNet RandomNetwork(NetworkOptions shape, int seed)
    {
        manual_seed(seed);
        var net = new FaceAttrNet(shape);
        using (var noGrad = no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
            {
                if (name.EndsWith(".bn.weight", StringComparison.Ordinal))
                {
                    p.uniform_(0.5, 1.5);
                }
                else if (name.EndsWith(".bn.bias", StringComparison.Ordinal))
                {
                    p.normal_(0, 0.2);
                }
                else if (name.EndsWith("act.weight", StringComparison.Ordinal))
                {
                    p.uniform_(0.05, 0.4);
                }
            }

            foreach (var (name, b) in net.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    b.normal_(0, 0.2);
                }
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    b.uniform_(0.5, 1.5);
                }
            }
        }

        net.eval();
        return net;
    }

    private static void SetChannels(FaceAttrNet net, int block, IEnumerable<int> channels, float gamma, float? beta)
    {
        var prefix = FaceAttrNet.BlockPrefix(block);
        var parameters = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var c in channels)
        {
            parameters[$"{prefix}.bn.weight"][c] = gamma;
            if (beta is { } b)
            {
                parameters[$"{prefix}.bn.bias"][c] = b;
            }
        }
    }

    /// <summary>
    /// Removes the <paramref name="channels"/> lowest-|γ| of the 128 channels of a <see cref="Small"/>-shaped network twice:
    /// folding their output into the next layer, and dropping it. The caller disposes both networks.
    /// </summary>
    private static (FaceAttrNet Folded, FaceAttrNet Dropped) PruneWeakestWithAndWithoutFold(FaceAttrNet net, int channels)
    {
        var options = new PruneOptions { Ratio = channels / 128.0, Score = ChannelScore.Gamma };
        return (ChannelPruner.Prune(net, options).Network, ChannelPruner.Prune(net, options with { FoldRemovedChannels = false }).Network);
    }

    private static float[][] Forward(FaceAttrNet net, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var o = net.forward(input);
        return [.. new[] { o.Gender, o.AgeStages[0], o.AgeStages[1], o.AgeStages[2], o.Expression, o.ExpressionCoarse, o.Eyewear, o.Binary }.Select(t => t.data<float>().ToArray())];
    }

    private static double MaxDifference(float[][] a, float[][] b) =>
        a.Zip(b).SelectMany(p => p.First.Zip(p.Second, (x, y) => (double)Math.Abs(x - y))).Max();

    private static void AssertSameOutputs(float[][] expected, float[][] actual, double tolerance)
    {
        Assert.Equal(expected.Select(e => e.Length), actual.Select(a => a.Length));
        var difference = MaxDifference(expected, actual);
        Assert.True(difference <= tolerance, $"outputs differ by up to {difference:g3} (tolerance {tolerance:g3})");
    }

    private static double SumAbsGamma(string modelPath)
    {
        using var net = TrainedNetwork.Load(modelPath);
        return ChannelPruner.Gammas(net).Sum(g => g.Sum(v => Math.Abs((double)v)));
    }
}
