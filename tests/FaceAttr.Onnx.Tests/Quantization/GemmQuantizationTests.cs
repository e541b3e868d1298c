using FaceAttr.Onnx.Quantization;
using FaceAttr.Onnx.Writing;
using Onnx;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>Gemm: the per-channel axis follows transB, the bias goes int32, and ONNX Runtime fuses it into QGemm.</summary>
public sealed class GemmQuantizationTests
{
    [Fact]
    public void GemmWeightsAreQuantizedAlongTheirOutputAxisAndFuseIntoQGemm()
    {
        var random = new Random(2);
        float[] Values(int n, float scale) => [.. Enumerable.Range(0, n).Select(_ => ((float)random.NextDouble() - 0.5f) * scale)];
        var g = new OnnxGraphBuilder("mlp");
        g.Input("x", [-1, 8]);

        // B stored [N, K] with transB = 1 (PyTorch's Linear), then [K, N] with transB = 0.
        var h1 = g.Node("Gemm", ["x", g.Initializer("w1", Values(16 * 8, 1f), 16, 8), g.Initializer("b1", Values(16, 0.2f), 16)], "fc1", Int("transB", 1));
        var r1 = g.Node("Relu", [h1], "relu1");
        var h2 = g.Node("Gemm", [r1, g.Initializer("w2", Values(16 * 12, 1f), 16, 12), g.Initializer("b2", Values(12, 0.2f), 12)], "fc2");
        var r2 = g.Node("Relu", [h2], "relu2");
        var head = g.Node("Gemm", [r2, g.Initializer("w3", Values(12 * 3, 1f), 12, 3)], "head");
        g.NodeTo("Identity", [head], g.UniqueName("y"));
        g.Output("y", 2);
        var model = g.Build("test", []);
        var inputs = Enumerable.Range(0, 32).Select(_ => Values(8, 4f)).ToList();

        var result = QdqQuantizer.Quantize(model, inputs);

        var graph = result.Model.Graph;
        int Axis(string gemm) => (int)graph.Node.Single(n => n.Output.Contains(graph.Node.Single(x => x.Output[0] == gemm).Input[1]))
            .Attribute.Single(a => a.Name == "axis").I;
        Assert.Equal(0, Axis("fc1"));
        Assert.Equal(1, Axis("fc2"));
        var ops = OrtFusionInspector.OptimizedOpTypes(result.Model);
        Assert.True(ops.GetValueOrDefault("QGemm") == 2, string.Join(", ", ops));
        Assert.Equal(2, result.Report.QuantizedNodes["Gemm"]);

        using var fp32 = new OrtModel(model);
        using var int8 = new OrtModel(result.Model);
        foreach (var input in inputs.Take(8))
        {
            var expected = fp32.Run(input, [1, 8], "y");
            var actual = int8.Run(input, [1, 8], "y");
            var range = Math.Max(1e-3f, expected.Max() - expected.Min());
            Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 0.05f * Math.Max(range, expected.Max(Math.Abs)),
                $"[{string.Join(", ", expected)}] vs [{string.Join(", ", actual)}]");
        }
    }
}
