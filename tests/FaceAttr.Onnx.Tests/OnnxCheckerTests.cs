using System.Diagnostics;
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
        const string script = """
            import sys, onnx
            for path in sys.argv[1:]:
                model = onnx.load(path)
                onnx.checker.check_model(model, full_check=True)
                assert model.ir_version <= 8, f"{path}: IR {model.ir_version}"
                assert all(o.version <= 17 for o in model.opset_import if o.domain in ("", "ai.onnx")), f"{path}: opset"
                print("ok", path)
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var f in files)
        {
            start.ArgumentList.Add(f);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0,
            $"ONNX checker failed (is python3-onnx installed? apt-get install python3-onnx): {await stderr}");
        Assert.Equal(files.Length, stdout.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }
}
