using System.Diagnostics;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary>Runs the built <c>faceattr</c> as a user does: its own process, exit code and both streams captured.</summary>
internal static class ToolProcess
{
    public static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faceattr.dll"));
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
