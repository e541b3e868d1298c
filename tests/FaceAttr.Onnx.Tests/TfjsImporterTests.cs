using FaceAttr.Onnx.Tfjs;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FaceAttr.Onnx.Tests;

/// <summary>Importer behaviour on small hand-made graphs whose outputs can be computed by hand.</summary>
public sealed class TfjsImporterTests
{
    [Fact]
    public void FusedConvWithBiasAndReluComputesTheTensorFlowResult()
    {
        // 1x2x2x2 input, 1x1 conv to 1 channel with weights [1, -2], bias 0.5, then Relu.
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", -1, 2, 2, 2);
        tiny.ConstHalf("w", [1f, -2f], 1, 1, 2, 1);
        tiny.Const("b", [0.5f], 1);
        tiny.Node("y", "_FusedConv2D", ["x", "w", "b"], new
        {
            fused_ops = TinyTfjsModel.Strs("BiasAdd", "Relu"),
            num_args = new { i = "1" },
            strides = TinyTfjsModel.Ints(1, 1, 1, 1),
            padding = TinyTfjsModel.Str("VALID"),
        });
        tiny.Node("out", "Identity", ["y"]);
        var output = RunImported(tiny.Write(), [1, 2, 2, 2], [3f, 1f, 0f, 1f, 2f, 2f, 1f, 0f], "out");

        // Pixel values: 3−2+.5 = 1.5; 0−2+.5 → relu 0; 2−4+.5 → 0; 1−0+.5 = 1.5
        Assert.Equal([1.5f, 0f, 0f, 1.5f], output);
    }

    [Fact]
    public void FlattenAfterConvKeepsTensorFlowNhwcOrder()
    {
        // Reshape of a 4-D tensor must see NHWC order even though ONNX computes convolutions in NCHW.
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 1, 2, 2);
        tiny.Const("w", [1f, 10f], 1, 1, 2, 1);
        tiny.Node("conv", "Conv2D", ["x", "w"], new { strides = TinyTfjsModel.Ints(1, 1, 1, 1), padding = TinyTfjsModel.Str("VALID") });
        tiny.Node("pad", "Pad", ["conv", "pads"]);
        tiny.ConstInts("pads", [0, 0, 0, 0, 0, 0, 0, 1], 4, 2);
        tiny.ConstInts("shape", [1, -1], 2);
        tiny.Node("flat", "Reshape", ["pad", "shape"]);
        var output = RunImported(tiny.Write(), [1, 1, 2, 2], [1f, 2f, 3f, 4f], "flat");

        // conv: pixel0 = 1+20 = 21, pixel1 = 3+40 = 43; channel pad adds a 0 after each pixel.
        Assert.Equal([21f, 0f, 43f, 0f], output);
    }

    [Fact]
    public void UnknownOpIsAClearErrorNamingOpAndNode()
    {
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 4);
        tiny.Node("weird/node", "Erf", ["x"]);
        var model = TfjsGraphModel.Load(tiny.Write());
        var ex = Assert.Throws<UnsupportedOperatorException>(() => TfjsImporter.Import(model, "t", []));
        Assert.Contains("'Erf'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'weird/node'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedWeightsAreAClearError()
    {
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 2);
        tiny.Const("c", [1f, 2f], 2);
        tiny.Node("y", "Mul", ["x", "c"]);
        var ex = Assert.Throws<TfjsFormatException>(() => TfjsGraphModel.Load(tiny.Write(truncateWeightsBy: 3)));
        Assert.Contains("weight 'c'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingShardAndNonGraphModelsAreClearErrors()
    {
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 2);
        var path = tiny.Write();
        File.Delete(Path.Combine(tiny.Folder, "weights.bin"));
        Assert.Contains("not found", Assert.Throws<TfjsFormatException>(() => TfjsGraphModel.Load(path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, """{"format":"layers-model","modelTopology":{}}""");
        Assert.Contains("layers-model", Assert.Throws<TfjsFormatException>(() => TfjsGraphModel.Load(path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{not json");
        Assert.Contains("not valid JSON", Assert.Throws<TfjsFormatException>(() => TfjsGraphModel.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float16WeightsDecodeToTheirValues()
    {
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 3);
        tiny.ConstHalf("h", [0.5f, -2f, 1024f], 3);
        tiny.Node("y", "Mul", ["x", "h"]);
        var model = TfjsGraphModel.Load(tiny.Write());
        Assert.Equal([0.5f, -2f, 1024f], model.Weights["h"].Floats!);
    }

    [Fact]
    public void WrittenModelsAreIrVersion8Opset17()
    {
        using var tiny = new TinyTfjsModel();
        tiny.Placeholder("x", 1, 2);
        tiny.Node("y", "Sigmoid", ["x"]);
        var proto = TfjsImporter.Import(TfjsGraphModel.Load(tiny.Write()), "t", [new("k", "v")]);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        Assert.Contains(proto.MetadataProps, p => p.Key == "k" && p.Value == "v");
    }

    private static float[] RunImported(string modelJson, long[] shape, float[] input, string outputName)
    {
        var proto = TfjsImporter.Import(TfjsGraphModel.Load(modelJson), "t", []);
        var onnxPath = Path.ChangeExtension(modelJson, ".onnx");
        proto.WriteToFile(onnxPath);
        using var session = new InferenceSession(onnxPath);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [session.InputNames[0]], [value], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
