using FaceAttr.Onnx.Quantization;
using FaceAttr.Onnx.Writing;
using Onnx;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>The exact float rewrites before quantizing (folds, clamp merging, equalization, opset lift) keep the model's outputs.</summary>
public sealed class GraphPreparationTests
{
    [Fact]
    public void BatchNormLeftoversFoldIntoTheConvAndRelu6BecomesOneClip()
    {
        // conv → Mul(per-channel) → Add(per-channel) → Relu → Min(6) → Max(0) → 1×1 conv, as converters leave MobileNets.
        var random = new Random(11);
        var g = new OnnxGraphBuilder("bn-leftovers");
        g.Input("x", [-1, 3, 8, 8]);
        var w = g.Initializer("w", Enumerable.Range(0, 4 * 27).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(), 4, 3, 3, 3);
        var conv = g.Node("Conv", ["x", w], "conv", Ints("pads", 1, 1, 1, 1));
        var mul = g.Node("Mul", [conv, g.Initializer("gamma", [2f, 0.5f, -1f, 3f], 4, 1, 1)], "bn_mul");
        var add = g.Node("Add", [mul, g.Initializer("beta", [0.1f, -0.2f, 0.3f, 1f], 4, 1, 1)], "bn_add");
        var relu = g.Node("Relu", [add], "relu");
        var min = g.Node("Min", [relu, g.Initializer("six", [6f])], "min");
        var max = g.Node("Max", [min, g.Initializer("zero", [0f])], "max");
        var head = g.Node("Conv", [max, g.Initializer("w2", [1f, -1f, 0.5f, 2f], 1, 4, 1, 1)], "head");
        g.NodeTo("Identity", [head], g.UniqueName("y"));
        g.Output("y", 4);
        var model = g.Build("test", []);

        var prepared = QdqQuantizer.Prepare(model, equalize: false, out var folded);

        Assert.Equal(4, folded);
        Assert.DoesNotContain(prepared.Graph.Node, n => n.OpType is "Mul" or "Add" or "Relu" or "Min" or "Max");
        var clip = prepared.Graph.Node.Single(n => n.OpType == "Clip");
        var bounds = clip.Input.Skip(1).Select(name => prepared.Graph.Initializer.Single(t => t.Name == name).RawData.ToByteArray()).ToList();
        Assert.Equal([0f, 6f], bounds.Select(b => BitConverter.ToSingle(b)));
        AssertSameOutputs(model, prepared, [1, 3, 8, 8], "y", scale: 4f);
    }

    [Fact]
    public void CrossLayerEqualizationEvensOutChannelsAndKeepsTheOutputs()
    {
        var model = TinyConvNet.Build();
        var plain = QdqQuantizer.Prepare(model, equalize: false, out _);
        var equalized = QdqQuantizer.Prepare(model, equalize: true, out _);

        static float Spread(ModelProto m)
        {
            var w = m.Graph.Initializer.Single(t => t.Name == "depthwise/weights");
            var values = Enumerable.Range(0, w.RawData.Length / 4).Select(i => MathF.Abs(BitConverter.ToSingle(w.RawData.Span[(4 * i)..]))).ToArray();
            var perChannel = values.Chunk(9).Select(c => c.Max()).ToArray();
            return perChannel.Max() / perChannel.Min();
        }

        Assert.True(Spread(equalized) < Spread(plain) / 10, $"channel spread {Spread(plain):0} → {Spread(equalized):0}");
        AssertSameOutputs(model, equalized, [1, 3, TinyConvNet.Side, TinyConvNet.Side], TinyConvNet.Output, scale: 1f);
    }

    [Fact]
    public void AnOpset12ModelIsLiftedTo17WithSqueezeAxesAsInputs()
    {
        var g = new OnnxGraphBuilder("old");
        g.Input("x", [-1, 4]);
        var unsqueezed = g.Node("Unsqueeze", ["x"], "unsqueezed", Ints("axes", 2));
        var relu = g.Node("Relu", [unsqueezed], "relu");
        g.NodeTo("Identity", [relu], g.UniqueName("y"));
        g.Output("y", 3);
        var model = g.Build("test", []);
        model.IrVersion = 7;
        model.OpsetImport.Single().Version = 12;

        var prepared = QdqQuantizer.Prepare(model, equalize: true, out _);

        Assert.Equal(8, prepared.IrVersion);
        Assert.Equal(17, prepared.OpsetImport.Single().Version);
        var node = prepared.Graph.Node.Single(n => n.OpType == "Unsqueeze");
        Assert.Empty(node.Attribute);
        Assert.Equal(2, node.Input.Count);
        using var session = new OrtModel(prepared);
        Assert.Equal([0f, 2f, 0f, 4f], session.Run([-1f, 2f, -3f, 4f], [1, 4], "y"));
    }

    [Fact]
    public void AnOpThatChangedMeaningSinceTheModelsOpsetIsRefusedByName()
    {
        var g = new OnnxGraphBuilder("old");
        g.Input("x", [-1, 4]);
        g.NodeTo("Softmax", ["x"], g.UniqueName("y"), Int("axis", 0));
        g.Output("y", 2);
        var model = g.Build("test", []);
        model.OpsetImport.Single().Version = 12;

        var error = Assert.Throws<QuantizationException>(() => QdqQuantizer.Prepare(model, equalize: true, out _));
        Assert.Contains("y/Softmax", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed meaning", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameOutputs(ModelProto original, ModelProto prepared, long[] shape, string output, float scale)
    {
        using var a = new OrtModel(original);
        using var b = new OrtModel(prepared);
        var random = new Random(3);
        for (var n = 0; n < 4; n++)
        {
            var input = Enumerable.Range(0, (int)shape.Aggregate(1L, (x, y) => x * y)).Select(_ => (float)random.NextDouble() * scale).ToArray();
            var expected = a.Run(input, shape, output);
            var actual = b.Run(input, shape, output);
            Assert.True(expected.Zip(actual, (e, x) => Math.Abs(e - x)).Max() < 1e-4 * Math.Max(1, expected.Max(Math.Abs)),
                $"prepared model differs: [{string.Join(", ", expected.Take(4))}] vs [{string.Join(", ", actual.Take(4))}]");
        }
    }
}
