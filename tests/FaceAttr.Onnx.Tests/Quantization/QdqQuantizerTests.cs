using FaceAttr.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>The quantizer on a small generated conv net: QDQ structure, closeness to float, and what ONNX Runtime fuses.</summary>
public sealed class QdqQuantizerTests
{
    private static readonly long[] Shape = [1, 3, TinyConvNet.Side, TinyConvNet.Side];

    [Fact]
    public void WeightsBecomeInt8WithOneScalePerOutputChannel()
    {
        // Without cross-layer equalization, which would even out the depthwise channels before they are quantized.
        var options = new QuantizationOptions { EqualizeChannels = false };
        var quantized = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(32, seed: 1), options).Model;

        var initializers = quantized.Graph.Initializer.ToDictionary(t => t.Name);
        var conv = quantized.Graph.Node.Single(n => n.Name == TinyConvNet.DepthwiseNode);
        var weightDq = quantized.Graph.Node.Single(n => n.Output.Contains(conv.Input[1]));
        Assert.Equal("DequantizeLinear", weightDq.OpType);
        Assert.Equal((int)TensorProto.Types.DataType.Int8, initializers[weightDq.Input[0]].DataType);
        Assert.Equal([8L], initializers[weightDq.Input[1]].Dims);
        Assert.Equal(0, weightDq.Attribute.Single(a => a.Name == "axis").I);

        // The depthwise channels were made 1000× apart: their scales must follow.
        var scales = initializers[weightDq.Input[1]].RawData.ToByteArray();
        var values = Enumerable.Range(0, 8).Select(i => BitConverter.ToSingle(scales, 4 * i)).ToArray();
        Assert.True(values.Max() / values.Min() > 100, $"per-channel scales {string.Join(", ", values)}");

        var biasDq = quantized.Graph.Node.Single(n => n.Output.Contains(conv.Input[2]));
        Assert.Equal((int)TensorProto.Types.DataType.Int32, initializers[biasDq.Input[0]].DataType);

        var hiddenMatMul = quantized.Graph.Node.Single(n => n.OpType == "MatMul" && n.Output[0].StartsWith("hidden", StringComparison.Ordinal));
        var matMulDq = quantized.Graph.Node.Single(n => n.Output.Contains(hiddenMatMul.Input[1]));
        Assert.Equal(1, matMulDq.Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal([32L], initializers[matMulDq.Input[1]].Dims);

        // No float copy of a quantized weight is left behind.
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name is "depthwise/weights" or "conv1/weights" or "hidden/weights");
        Assert.Contains(quantized.Graph.Node, n => n.OpType == "QuantizeLinear");
    }

    [Fact]
    public void ActivationsAreUint8AndReluFoldsIntoTheConvOutputRange()
    {
        var quantized = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(32, seed: 1)).Model;
        var initializers = quantized.Graph.Initializer.ToDictionary(t => t.Name);
        var quantizers = quantized.Graph.Node.Where(n => n.OpType == "QuantizeLinear").ToList();
        Assert.All(quantizers, q => Assert.Equal((int)TensorProto.Types.DataType.Uint8, initializers[q.Input[2]].DataType));

        // The pair after relu1 has zero point 0, so ORT can prove the Relu redundant and fuse the Conv.
        var afterRelu = quantizers.Single(q => q.Input[0] == "relu1");
        Assert.Equal(0, initializers[afterRelu.Input[2]].RawData[0]);
        Assert.DoesNotContain(quantizers, q => q.Input[0] == "conv1");
    }

    [Fact]
    public void OnnxRuntimeRunsTheConvolutionsAndMatMulInInt8()
    {
        var quantized = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(32, seed: 1)).Model;
        var ops = OrtFusionInspector.OptimizedOpTypes(quantized);

        Assert.Equal(4, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(1, ops.GetValueOrDefault("QLinearMatMul"));
        Assert.Equal(1, ops.GetValueOrDefault("QLinearAdd"));
        Assert.Equal(1, ops.GetValueOrDefault("QLinearGlobalAveragePool"));
        Assert.False(ops.ContainsKey("Conv"), $"a Conv was left unfused: {string.Join(", ", ops)}");
        Assert.False(ops.ContainsKey("Relu") && ops["Relu"] > 1, "only the hidden layer's Relu (after a float bias add) stays");

        // MaxPool and Flatten keep their op type but move 8-bit data: ORT dropped their quantize/dequantize pairs.
        var graph = OrtFusionInspector.Inspect(quantized);
        Assert.Equal(1, graph.Int8Nodes.GetValueOrDefault("MaxPool"));
        Assert.Equal(1, graph.Int8Nodes.GetValueOrDefault("Flatten"));
        Assert.DoesNotContain("MaxPool", graph.FloatNodes.Keys);
        Assert.Equal(4, graph.Int8Nodes["QLinearConv"]);
    }

    [Fact]
    public void Int8OutputStaysWithinFourPercentOfTheFloatRange()
    {
        var model = TinyConvNet.Build();
        var quantized = QdqQuantizer.Quantize(model, TinyConvNet.Inputs(64, seed: 1)).Model;
        var (worst, range) = LargestError(model, quantized);
        Assert.True(range > 0.5, $"the test net should produce a spread of scores (range {range})");
        Assert.True(worst <= 0.04 * range, $"largest |int8 − fp32| {worst:0.0000} over an output range of {range:0.000}");
    }

    [Fact]
    public void FusedInt8GivesWhatTheQdqGraphMeans()
    {
        // Unoptimised, ORT evaluates the QDQ graph literally (quantize, dequantize, float op); optimised, it runs the
        // fused int8 kernels. They agree only if biases, scales and zero points are what the fusions assume.
        var quantized = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(32, seed: 1)).Model;
        using var literal = new OrtModel(quantized, GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var fused = new OrtModel(quantized);
        foreach (var input in TinyConvNet.Inputs(8, seed: 5))
        {
            var a = literal.Run(input, Shape, TinyConvNet.Output);
            var b = fused.Run(input, Shape, TinyConvNet.Output);
            Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 0.02, $"literal [{string.Join(", ", a)}] fused [{string.Join(", ", b)}]");
        }
    }

    [Fact]
    public async Task OutputIsIr8Opset17AndPassesTheOnnxChecker()
    {
        var quantized = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(16, seed: 1)).Model;
        Assert.Equal(8, quantized.IrVersion);
        Assert.Equal(17, quantized.OpsetImport.Single(o => o.Domain == string.Empty).Version);
        var folder = Directory.CreateTempSubdirectory("faceattr-quantization-");
        try
        {
            var path = Path.Combine(folder.FullName, "tiny.int8.onnx");
            File.WriteAllBytes(path, quantized.ToByteArray());
            Assert.Equal(1, await FaceAttr.TestSupport.OnnxChecker.CheckAsync([path]));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void AConvKeptFloatKeepsFloatWeightsAndReadsTheFloatTensor()
    {
        var options = new QuantizationOptions { KeepFloat = [TinyConvNet.DepthwiseNode] };
        var result = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(32, seed: 1), options);
        var depthwise = result.Model.Graph.Node.Single(n => n.Name == TinyConvNet.DepthwiseNode);

        // Fed by a DequantizeLinear, ORT would quantize its weights itself, one scale for all channels.
        Assert.Equal("relu1", depthwise.Input[0]);
        Assert.Contains(result.Model.Graph.Initializer, t => t.Name == depthwise.Input[1] && t.DataType == (int)TensorProto.Types.DataType.Float);
        // The pointwise conv and conv2 stay fused; conv1 does not, as its output now has a float reader besides its Q,
        // and the report says so.
        var ops = OrtFusionInspector.OptimizedOpTypes(result.Model);
        Assert.Equal(2, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(2, result.Report.QuantizedNodes["Conv"]);
        Assert.Equal(2, result.Report.FloatNodes["Conv"]);
    }

    [Fact]
    public void ReportCountsQuantizedNodesAndShrinksTheWeights()
    {
        var result = QdqQuantizer.Quantize(TinyConvNet.Build(), TinyConvNet.Inputs(16, seed: 1));
        var report = result.Report;
        Assert.Equal(4, report.QuantizedNodes["Conv"]);
        Assert.Equal(1, report.QuantizedNodes["MatMul"]);
        Assert.Equal(1, report.QuantizedNodes["Add"]);
        Assert.Equal(1, report.QuantizedNodes["MaxPool"]);
        Assert.Equal(1, report.QuantizedNodes["Flatten"]);
        Assert.True(report.QuantizedNodes["Relu"] >= 3);
        Assert.Equal(16, report.CalibrationItems);
        Assert.Equal(1, report.FloatNodes["MatMul"]);

        // The small float head and the scales keep this tiny net from the full 4×.
        Assert.True(report.WeightBytesAfter < report.WeightBytesBefore / 2, report.ToString());
    }

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Entropy)]
    public void EveryCalibrationMethodGivesAWorkingModel(CalibrationMethod method)
    {
        // Without the 1000× channel spread: entropy calibration (rightly, for its objective) clips the few wide channels of
        // such a tensor, which says more about that tensor than about the method. A working model, not the best one: the
        // methods differ by a few percent here (entropy clips hardest), the bound catches a broken range (tens of percent).
        var model = TinyConvNet.Build(channelSpread: false);
        var quantized = QdqQuantizer.Quantize(model, TinyConvNet.Inputs(48, seed: 1), new QuantizationOptions { Method = method }).Model;
        var (worst, range) = LargestError(model, quantized);
        Assert.True(worst <= 0.1 * range, $"{method}: largest |int8 − fp32| {worst:0.0000} over an output range of {range:0.000}");
    }

    [Fact]
    public void WithoutCalibrationItemsOrWithWrongSizedOnesTheErrorSaysWhy()
    {
        var model = TinyConvNet.Build();
        var empty = Assert.Throws<QuantizationException>(() => QdqQuantizer.Quantize(model, []));
        Assert.Contains("calibration", empty.Message, StringComparison.Ordinal);

        var wrong = Assert.Throws<QuantizationException>(() => QdqQuantizer.Quantize(model, [new float[100]]));
        Assert.Contains("item 0 holds 100 floats", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("768", wrong.Message, StringComparison.Ordinal);
    }

    /// <summary>Largest |int8 − fp32| output difference and the float outputs' range, over 16 held-out inputs.</summary>
    private static (double Worst, double Range) LargestError(ModelProto model, ModelProto quantized)
    {
        using var fp32 = new OrtModel(model);
        using var int8 = new OrtModel(quantized);
        double worst = 0, min = double.MaxValue, max = double.MinValue;
        foreach (var input in TinyConvNet.Inputs(16, seed: 99))
        {
            var expected = fp32.Run(input, Shape, TinyConvNet.Output);
            var actual = int8.Run(input, Shape, TinyConvNet.Output);
            min = Math.Min(min, expected.Min());
            max = Math.Max(max, expected.Max());
            worst = Math.Max(worst, expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
        }

        return (worst, max - min);
    }
}
