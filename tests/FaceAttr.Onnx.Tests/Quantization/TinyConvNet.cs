using FaceAttr.Onnx.Writing;
using Onnx;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>
/// A small NCHW network with the shapes quantization has to handle, built with seeded random weights: conv + relu,
/// a depthwise conv whose channels' weights can differ by 1000× (per-tensor scales would wipe out the small ones), a 1×1 conv,
/// a residual add + relu, max pool, global average pool, flatten, a hidden MatMul + bias + relu, and a small MatMul head.
/// </summary>
internal static class TinyConvNet
{
    public const string Input = "image";
    public const string Output = "scores";
    public const int Side = 16;
    public const int Classes = 5;

    /// <summary>Node names, for tests that keep one float.</summary>
    public const string DepthwiseNode = "depthwise/Conv";

    /// <param name="seed">Weight seed.</param>
    /// <param name="channelSpread">Spread the depthwise channels' weights 1000× apart (a per-channel quantization test).</param>
    public static ModelProto Build(int seed = 7, bool channelSpread = true)
    {
        var random = new Random(seed);
        var g = new OnnxGraphBuilder("tiny-conv-net");
        g.Input(Input, [-1, 3, Side, Side]);
        var c1 = Conv(g, random, Input, "conv1", 8, 3, 3, group: 1);
        var r1 = g.Node("Relu", [c1], "relu1");
        var d1 = Conv(g, random, r1, "depthwise", 8, 1, 3, group: 8, channelSpread);
        var p1 = Conv(g, random, d1, "pointwise", 8, 8, 1, group: 1);
        var a1 = g.Node("Add", [r1, p1], "residual");
        var r2 = g.Node("Relu", [a1], "relu2");
        var m1 = g.Node("MaxPool", [r2], "pool", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        var c2 = Conv(g, random, m1, "conv2", 16, 8, 3, group: 1);
        var r3 = g.Node("Relu", [c2], "relu3");
        var gap = g.Node("GlobalAveragePool", [r3], "gap");
        var flat = g.Node("Flatten", [gap], "flat", Int("axis", 1));
        var h = Dense(g, random, flat, "hidden", 16, 32);
        var hr = g.Node("Relu", [h], "hidden_relu");
        var y = Dense(g, random, hr, "head", 32, Classes);
        g.NodeTo("Identity", [y], g.UniqueName(Output));
        g.Output(Output, 2);
        return g.Build("test", []);
    }

    /// <summary>Seeded inputs in 0..1, like normalised pixels, with some structure (a gradient plus noise).</summary>
    public static List<float[]> Inputs(int count, int seed)
    {
        var random = new Random(seed);
        var items = new List<float[]>(count);
        for (var n = 0; n < count; n++)
        {
            var item = new float[3 * Side * Side];
            var slope = (float)random.NextDouble();
            for (var i = 0; i < item.Length; i++)
            {
                var x = i % Side;
                item[i] = Math.Clamp((slope * x / Side) + ((float)random.NextDouble() * 0.5f), 0f, 1f);
            }

            items.Add(item);
        }

        return items;
    }

    private static string Conv(OnnxGraphBuilder g, Random random, string input, string name, int outputs, int inputsPerGroup, int kernel, int group, bool channelSpread = false)
    {
        var fanIn = inputsPerGroup * kernel * kernel;
        var weights = new float[outputs * fanIn];
        for (var o = 0; o < outputs; o++)
        {
            // Depthwise channels 10^-1.5 … 10^1.5 apart in scale: only per-channel weight scales keep the small ones.
            var spread = channelSpread ? MathF.Pow(10f, (3f * o / (outputs - 1)) - 1.5f) : 1f;
            for (var j = 0; j < fanIn; j++)
            {
                weights[(o * fanIn) + j] = Gaussian(random) * MathF.Sqrt(2f / fanIn) * spread;
            }
        }

        var bias = Enumerable.Range(0, outputs).Select(_ => Gaussian(random) * 0.1f).ToArray();
        var w = g.Initializer($"{name}/weights", weights, outputs, inputsPerGroup, kernel, kernel);
        var b = g.Initializer($"{name}/bias", bias, outputs);
        var pad = kernel / 2;

        // The builder names the node "<output>/Conv", e.g. "depthwise/Conv".
        return g.Node("Conv", [input, w, b], name, Ints("kernel_shape", kernel, kernel), Ints("pads", pad, pad, pad, pad), Int("group", group));
    }

    private static string Dense(OnnxGraphBuilder g, Random random, string input, string name, int inputs, int outputs)
    {
        var weights = Enumerable.Range(0, inputs * outputs).Select(_ => Gaussian(random) * MathF.Sqrt(2f / inputs)).ToArray();
        var bias = Enumerable.Range(0, outputs).Select(_ => Gaussian(random) * 0.1f).ToArray();
        var w = g.Initializer($"{name}/weights", weights, inputs, outputs);
        var b = g.Initializer($"{name}/bias", bias, outputs);
        var product = g.Node("MatMul", [input, w], $"{name}/matmul");
        return g.Node("Add", [product, b], name);
    }

    private static float Gaussian(Random random) =>
        MathF.Sqrt(-2f * MathF.Log(1f - (float)random.NextDouble())) * MathF.Cos(2f * MathF.PI * (float)random.NextDouble());
}
