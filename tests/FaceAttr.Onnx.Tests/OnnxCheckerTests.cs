using FaceAttr.TestSupport;

namespace FaceAttr.Onnx.Tests;

/// <summary>Every ONNX file of the bundle passes the official ONNX checker (Debian python3-onnx) with full shape inference.</summary>
public sealed class OnnxCheckerTests
{
    [Fact]
    public async Task EveryBundleModelPassesTheOnnxChecker()
    {
        var files = Directory.GetFiles(TestPaths.RequireBundle(), "*.onnx").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        Assert.Equal(files.Length, await OnnxChecker.CheckAsync(files));
    }
}
