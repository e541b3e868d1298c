using FaceAttr.Core.Bundles;
using FaceAttr.Datasets;
using FaceAttr.TestSupport;
using FaceAttr.Training.Alignment;
using FaceAttr.Training.Export;
using FaceAttr.Training.Network;
using FaceAttr.Vision.Imaging;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

/// <summary>
/// ONNX export of FaceAttrNet: ONNX Runtime on the exported graph against TorchSharp's own forward on real faces, every
/// head within 1e-4; the Debian checker accepts the file; unsupported modules and foreign weights are clear errors.
/// </summary>
public sealed class ExportTests(ITestOutputHelper output) : IDisposable
{
    private const int Faces = 12;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faceattr-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task OnnxRuntimeMatchesTorchSharpOnRealFacesForEveryHead(bool bake, bool negativeSlope)
    {
        var crops = RealCrops(64);
        if (crops is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: parity not checked (CI fails here instead)");
            return;
        }

        TorchFixture.Ensure();
        using var net = TrainedLookingNetwork(crops);
        if (negativeSlope)
        {
            // A PReLU that is not monotone: the exporter must keep activation-then-pool for that block.
            using (no_grad())
            {
                net.named_parameters().Single(p => p.name == "blocks.1.act.weight").parameter[0] = -0.3f;
            }
        }

        var exported = FaceAttrNetExporter.Export(net, new ExportOptions { BakeNormalisation = bake, FlipAverage = false });
        var ops = exported.Model.Graph.Node.Select(n => n.OpType).ToList();
        var firstPool = ops.IndexOf("MaxPool");
        Assert.Equal(negativeSlope ? "PRelu" : "Conv", ops[firstPool - 1]);
        var entry = ExportWriter.Write(exported, _dir.FullName);
        var onnxPath = Path.Combine(_dir.FullName, entry.File);
        Assert.Equal(1, await OnnxChecker.CheckAsync([onnxPath]));

        // Torch reference: eval-mode forward on normalised crops, with the same post-processing the graph bakes in.
        using var normalised = Normalised(crops);
        var logits = net.forward(normalised);
        var reference = new Dictionary<string, float[]>
        {
            ["gender"] = ModuleEmitter.Values(logits.Gender.softmax(1)),
            ["age"] = ModuleEmitter.Values(AgeStages.ExpectedYears(logits.AgeStages)),
            ["expression"] = ModuleEmitter.Values(logits.Expression.softmax(1)),
            ["eyewear"] = ModuleEmitter.Values(logits.Eyewear.softmax(1)),
        };
        var attributes = ModuleEmitter.Values(logits.Binary.sigmoid());
        var count = net.Options.BinaryAttributes.Count;
        for (var a = 0; a < count; a++)
        {
            reference[net.Options.BinaryAttributes[a]] = [.. Enumerable.Range(0, Faces).Select(i => attributes[(i * count) + a])];
        }

        // ONNX Runtime on the whole batch at once (dynamic batch), fed exactly what the manifest says the device feeds.
        var input = FeedAsManifestSays(crops, entry.Input);
        using var session = new InferenceSession(onnxPath);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(entry.Input.Name, new DenseTensor(input, [Faces, 3, 64, 64]))]);
        var byName = results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
        Assert.Equal(entry.Outputs.Select(o => o.Name).Order(), byName.Keys.Order());
        foreach (var o in entry.Outputs)
        {
            var expected = reference[o.Name];
            var actual = byName[o.Name];
            Assert.Equal(expected.Length, actual.Length);
            Assert.Equal(Faces * o.Size, actual.Length);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{o.Name}: max |onnx - torch| = {worst:E2}");
            Assert.True(worst <= 1e-4 * (o.Name == "age" ? 90 : 1), $"{o.Name}: max difference {worst} exceeds the parity budget");
        }

        output.WriteLine($"ages {string.Join(", ", reference["age"].Select(a => a.ToString("0.00")))}; P(male) {string.Join(", ", reference["gender"].Where((_, i) => i % 2 == 1).Select(a => a.ToString("0.000")))}");
        // Not a constant network: the faces get different answers (a random backbone varies little, hence the small bar).
        Assert.True(reference["age"].Max() - reference["age"].Min() > 0.1f, "ages should vary across faces");
    }

    [Fact]
    public void AnUnsupportedModuleIsAnErrorNamingIt()
    {
        TorchFixture.Ensure();
        using var seq = nn.Sequential(("conv", nn.Conv2d(3, 4, 3, padding: 1)), ("act", nn.GELU()));
        var g = new FaceAttr.Onnx.Writing.OnnxGraphBuilder("t");
        g.Input("x", [-1, 3, 8, 8]);
        var error = Assert.Throws<UnsupportedModuleException>(() => ModuleEmitter.Emit(g, "features", seq, "x", 4));
        Assert.Equal("features.act", error.Path);
        Assert.Contains("GELU", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightsOfAnotherShapeAreAClearErrorNotAGarbageExport()
    {
        TorchFixture.Ensure();
        using (var small = new FaceAttrNet(new NetworkOptions { InputSize = 32, Widths = [8, 16], FeatureSize = 16 }))
        {
            TrainedNetwork.Save(small, _dir.FullName);
        }

        // network.json now claims the default shape while model.bin holds the small network's weights.
        File.WriteAllText(Path.Combine(_dir.FullName, TrainedNetwork.OptionsFile), """{ "InputSize": 64 }""");
        var error = Assert.Throws<InvalidDataException>(() => TrainedNetwork.Load(Path.Combine(_dir.FullName, TrainedNetwork.WeightsFile)));
        Assert.Contains("do not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExistingOutputIsRefusedAndLeftUntouched()
    {
        TorchFixture.Ensure();
        using var net = new FaceAttrNet(new NetworkOptions { InputSize = 32, Widths = [8, 16], FeatureSize = 16 });
        net.eval();
        var exported = FaceAttrNetExporter.Export(net, new ExportOptions());
        var existing = Path.Combine(_dir.FullName, exported.Entry.File);
        File.WriteAllText(existing, "keep me");
        var error = Assert.Throws<IOException>(() => ExportWriter.Write(exported, _dir.FullName));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));
        Assert.Empty(Directory.GetFiles(_dir.FullName, "*.tmp"));
    }

    [Fact]
    public void FlipAveragingIsTheMeanOfEachFaceAndItsMirrorInEveryHead()
    {
        var crops = RealCrops(64);
        if (crops is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: flip averaging not checked (CI fails here instead)");
            return;
        }

        TorchFixture.Ensure();
        using var net = TrainedLookingNetwork(crops);
        var exported = FaceAttrNetExporter.Export(net, new ExportOptions { FlipAverage = true });
        Assert.Equal("on: each face is averaged with its mirror image", exported.Model.MetadataProps.Single(p => p.Key == "faceattr.flip_average").Value);

        // Torch reference: the mean of the logits of a face and of its mirror image (width is dim 3 of NCHW).
        using var normalised = Normalised(crops);
        using var mirrored = normalised.flip(3);
        var plain = net.forward(normalised);
        var mirror = net.forward(mirrored);
        Tensor Mean(Tensor a, Tensor b) => (a + b) / 2;
        var reference = new Dictionary<string, float[]>
        {
            ["gender"] = ModuleEmitter.Values(Mean(plain.Gender, mirror.Gender).softmax(1)),
            ["age"] = ModuleEmitter.Values(AgeStages.ExpectedYears([.. plain.AgeStages.Zip(mirror.AgeStages, Mean)])),
            ["expression"] = ModuleEmitter.Values(Mean(plain.Expression, mirror.Expression).softmax(1)),
            ["eyewear"] = ModuleEmitter.Values(Mean(plain.Eyewear, mirror.Eyewear).softmax(1)),
        };
        var unaveraged = new Dictionary<string, float[]>
        {
            ["gender"] = ModuleEmitter.Values(plain.Gender.softmax(1)),
            ["age"] = ModuleEmitter.Values(AgeStages.ExpectedYears(plain.AgeStages)),
        };

        var byName = RunOnnx(exported, crops, "flip");
        foreach (var (head, expected) in reference)
        {
            var actual = byName[head];
            Assert.Equal(expected.Length, actual.Length);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{head}: max |onnx - mean(torch face, torch mirror)| = {worst:E2}");
            Assert.True(worst <= 1e-4 * (head == "age" ? 90 : 1), $"{head}: max difference {worst} exceeds the parity budget");
        }

        // The mirror moves the answers of this asymmetric network by more than the parity budget, so a graph that skipped
        // the mirror (or averaged the wrong rows) would have failed the comparison above.
        foreach (var (head, alone) in unaveraged)
        {
            var moved = alone.Zip(reference[head], (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{head}: max |averaged - face alone| = {moved:E2}");
            Assert.True(moved > 1e-4 * (head == "age" ? 90 : 1) * 2, $"{head}: flip averaging should move the answers of an asymmetric network by more than the parity budget");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AGenderBranchExportsAndMatchesTorchSharp(bool flipAverage)
    {
        var crops = RealCrops(64);
        if (crops is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: gender branch export not checked (CI fails here instead)");
            return;
        }

        TorchFixture.Ensure();
        using var net = TrainedLookingNetwork(crops, shape: new NetworkOptions { GenderBranch = 32 });
        var exported = FaceAttrNetExporter.Export(net, new ExportOptions { FlipAverage = flipAverage });
        var branch = exported.Model.Graph.Node.Single(n => n.OpType == "Gemm" && n.Input[1].StartsWith("gender_fc", StringComparison.Ordinal));
        Assert.Equal(192 * 4 * 4, exported.Model.Graph.Initializer.Single(i => i.Name == branch.Input[1]).Dims[1]);

        using var normalised = Normalised(crops);
        var plain = net.forward(normalised);
        var logits = plain.Gender;
        var expression = plain.Expression;
        if (flipAverage)
        {
            // The branch ends in a linear head too, so averaging its hidden layer over the mirror is the mean of the logits.
            var mirror = net.forward(normalised.flip(3));
            logits = (logits + mirror.Gender) / 2;
            expression = (expression + mirror.Expression) / 2;
            var moved = ModuleEmitter.Values(plain.Gender.softmax(1)).Zip(ModuleEmitter.Values(logits.softmax(1)), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(moved > 2e-4, $"the mirror moves gender by only {moved}: this check could not tell averaging from none");
        }

        var byName = RunOnnx(exported, crops, flipAverage ? "branch-flip" : "branch");
        foreach (var (head, expected) in new[] { ("gender", ModuleEmitter.Values(logits.softmax(1))), ("expression", ModuleEmitter.Values(expression.softmax(1))) })
        {
            Assert.Equal(expected.Length, byName[head].Length);
            var worst = expected.Zip(byName[head], (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{head}: max |onnx - torch| = {worst:E2}");
            Assert.True(worst <= 1e-4, $"{head}: max difference {worst} exceeds the parity budget");
        }

        // A random backbone varies little from face to face; ten times the parity budget still rules out a constant answer.
        var male = byName["gender"].Where((_, i) => i % 2 == 1).ToArray();
        output.WriteLine($"P(male) from {male.Min():0.0000} to {male.Max():0.0000}");
        Assert.True(male.Max() - male.Min() > 1e-3f, "the branch should answer differently for different faces");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnAveragedExportAnswersTheMeanOfItsNetworksInEveryHead(bool flipAverage)
    {
        var crops = RealCrops(64);
        if (crops is null)
        {
            output.WriteLine($"real face data absent at {TestPaths.Data}: averaged export not checked (CI fails here instead)");
            return;
        }

        TorchFixture.Ensure();
        using var first = TrainedLookingNetwork(crops, seed: 11);
        using var second = TrainedLookingNetwork(crops, seed: 12);
        var options = new ExportOptions { FlipAverage = flipAverage };
        var averaged = FaceAttrNetExporter.Export([first, second], options);
        var firstAlone = FaceAttrNetExporter.Export(first, options);
        Assert.StartsWith("2: ", averaged.Model.MetadataProps.Single(p => p.Key == "faceattr.members").Value, StringComparison.Ordinal);
        Assert.Equal(
            firstAlone.Entry.Outputs.Select(o => (o.Name, o.Kind, o.Size)),
            averaged.Entry.Outputs.Select(o => (o.Name, o.Kind, o.Size)));

        var alone1 = RunOnnx(firstAlone, crops, "alone1");
        var alone2 = RunOnnx(FaceAttrNetExporter.Export(second, options), crops, "alone2");
        var both = RunOnnx(averaged, crops, "both");
        Assert.Equal(alone1.Keys.Order(), both.Keys.Order());
        foreach (var (head, answers) in both)
        {
            var budget = 1e-5 * (head == "age" ? 90 : 1);
            var mean = alone1[head].Zip(alone2[head], (a, b) => (a + b) / 2).ToArray();
            var worst = mean.Zip(answers, (e, a) => Math.Abs(e - a)).Max();
            var apart = alone1[head].Zip(alone2[head], (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"{head}: max |averaged - mean of the two| = {worst:E2}; the two differ by up to {apart:E2}");
            Assert.True(worst <= budget, $"{head}: the averaged export is {worst} away from the mean of its networks");

            // The two networks disagree by far more than the budget, so a graph that answered with one of them would fail.
            Assert.True(apart > budget * 10, $"{head}: the two networks should answer differently");
        }
    }

    [Fact]
    public void NetworksThatSeeDifferentCropsCannotBeAveraged()
    {
        TorchFixture.Ensure();
        using var at64 = new FaceAttrNet(new NetworkOptions());
        using var at80 = new FaceAttrNet(new NetworkOptions { InputSize = 80 });
        using var framedWider = new FaceAttrNet(new NetworkOptions { CropScale = 1.5f });
        var error = Assert.Throws<IncompatibleNetworksException>(() => FaceAttrNetExporter.Export([at64, at80], new ExportOptions()));
        Assert.Contains("input size 80 against 64", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<IncompatibleNetworksException>(() => FaceAttrNetExporter.Export([at64, framedWider], new ExportOptions()));
        Assert.Contains("crop scale 1.5 against 1.25", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FaceAttrNetExporter.Export(Array.Empty<FaceAttrNet>(), new ExportOptions()));
    }

    private Dictionary<string, float[]> RunOnnx(ExportedNetwork exported, float[] crops, string folder)
    {
        var entry = ExportWriter.Write(exported, Path.Combine(_dir.FullName, folder));
        using var session = new InferenceSession(Path.Combine(_dir.FullName, folder, entry.File));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(entry.Input.Name, new DenseTensor(crops, [Faces, 3, 64, 64]))]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    [Fact]
    public void TheManifestCarriesTheFramingTheNetworkWasTrainedOnUnlessOverridden()
    {
        TorchFixture.Ensure();
        using var net = new FaceAttrNet(new NetworkOptions { CropScale = 1.3f });
        net.eval();
        Assert.Equal(1.3f, FaceAttrNetExporter.Export(net, new ExportOptions()).Entry.Input.CropScale);
        Assert.Equal(1.5f, FaceAttrNetExporter.Export(net, new ExportOptions { CropScale = 1.5f }).Entry.Input.CropScale);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkOptions { CropScale = 0.5f }.Validate());
    }

    [Fact]
    public void EveryBatchNormIsFoldedAndTheHeadsAreTheRuntimesContract()
    {
        TorchFixture.Ensure();
        using var net = new FaceAttrNet(new NetworkOptions());
        net.eval();
        var exported = FaceAttrNetExporter.Export(net, new ExportOptions());
        var ops = exported.Model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.DoesNotContain("BatchNormalization", ops);
        var convs = 1 + (2 * (net.Options.Widths.Count - 1));
        Assert.Equal(convs, ops.Count(o => o == "Conv"));
        Assert.Equal(convs + 1, ops.Count(o => o == "PRelu"));
        Assert.Equal("32,48,48,96,96,192,192", exported.Model.MetadataProps.Single(p => p.Key == "faceattr.widths").Value);
        Assert.Equal(8, exported.Model.IrVersion);
        Assert.Equal(17, exported.Model.OpsetImport.Single().Version);
        Assert.Equal(ModelRole.Attributes, exported.Entry.Role);
        Assert.Equal(["female", "male"], exported.Entry.Outputs.Single(o => o.Head == "gender").Labels!);
        Assert.Equal(OutputKind.StagewiseAge, exported.Entry.Outputs.Single(o => o.Head == "age").Kind);
        Assert.Equal(4 + net.Options.BinaryAttributes.Count, exported.Entry.Outputs.Count);
        ManifestSerializer.Validate(new BundleManifest { Name = "t", Version = "0.0.1", Models = [exported.Entry] }, "test");
    }

    /// <summary>A random network made to look trained: BN running statistics from real faces, non-trivial γ, β and PReLU slopes.</summary>
    private static FaceAttrNet TrainedLookingNetwork(float[] crops, int seed = 11, NetworkOptions? shape = null)
    {
        torch.manual_seed(seed);
        var net = new FaceAttrNet(shape ?? new NetworkOptions());
        using (no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
            {
                if (name.EndsWith("bn.weight", StringComparison.Ordinal))
                {
                    p.uniform_(0.5, 1.5);
                }
                else if (name.EndsWith("bn.bias", StringComparison.Ordinal))
                {
                    p.uniform_(-0.2, 0.2);
                }
                else if (name.Contains("act", StringComparison.Ordinal))
                {
                    p.uniform_(0.05, 0.4);
                }
                else if (name.StartsWith("head_", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal))
                {
                    // Freshly initialised heads answer almost the same for every face; trained ones do not.
                    p.mul_(25);
                }
            }

            net.train();
            using var x = Normalised(crops);
            for (var i = 0; i < 5; i++)
            {
                _ = net.forward(x);
            }
        }

        net.eval();
        return net;
    }

    private static Tensor Normalised(float[] crops)
    {
        var values = crops.Select(v => (v / 255f - 0.5f) / 0.5f).ToArray();
        return tensor(values, [Faces, 3, 64, 64]);
    }

    private static float[] FeedAsManifestSays(float[] crops, ModelInput input) =>
        [.. crops.Select(v => (v * input.Scale - input.Mean[0]) / input.Std[0])];

    /// <summary>Real CelebA faces cropped as the device crops them, as raw 0–255 floats in NCHW; null without the data.</summary>
    private static float[]? RealCrops(int side)
    {
        var celeba = TestPaths.DataOrFailInCi("celeba");
        if (celeba is null)
        {
            return null;
        }

        var faces = new CelebAReader().Read(celeba, Faces).Faces;
        Assert.Equal(Faces, faces.Count);
        using var aligner = new FaceAligner(TestPaths.RequireBundle(), "blazeface-front");
        var result = new float[Faces * 3 * side * side];
        var rgb = new byte[side * side * 3];
        var plane = side * side;
        for (var f = 0; f < Faces; f++)
        {
            aligner.Crop(ImageDecoder.Load(faces[f].ImagePath), 1.4f, side, rgb);
            for (var i = 0; i < plane; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    result[(f * 3 * plane) + (c * plane) + i] = rgb[(i * 3) + c];
                }
            }
        }

        return result;
    }
}
