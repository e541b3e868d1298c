using System.Diagnostics;

namespace FaceAttr.TestSupport;

/// <summary>
/// The official ONNX checker (Debian <c>python3-onnx</c>, run with <c>/usr/bin/python3</c>) with full shape inference,
/// plus the limits FaceAttr promises: IR ≤ 8 and default-domain opset ≤ 17.
/// </summary>
public static class OnnxChecker
{
    private const string Script = """
        import sys, onnx
        for path in sys.argv[1:]:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            assert model.ir_version <= 8, f"{path}: IR {model.ir_version}"
            assert all(o.version <= 17 for o in model.opset_import if o.domain in ("", "ai.onnx")), f"{path}: opset"
            print("ok", path)
        """;

    /// <summary>Checks <paramref name="files"/>; returns the number that passed, or throws with the checker's message.</summary>
    public static async Task<int> CheckAsync(IReadOnlyList<string> files)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (var f in files)
        {
            start.ArgumentList.Add(f);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ONNX checker failed (is python3-onnx installed? apt-get install python3-onnx): {await stderr}");
        }

        return stdout.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal));
    }
}
