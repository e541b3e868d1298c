using System.Diagnostics;

namespace FaceAttr.TestSupport;

/// <summary>Runs a program to completion with both streams captured (read concurrently, so neither pipe can fill and stall it).</summary>
public static class ChildProcess
{
    public static async Task<(int Exit, string Stdout, string Stderr)> Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
