using FaceAttr.TestSupport;

namespace FaceAttr.Tool.Tests.Commands;

/// <summary>Runs the built <c>faceattr</c> as a user does: its own process, exit code and both streams captured.</summary>
internal static class ToolProcess
{
    public static Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args) =>
        ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "faceattr.dll"), .. args]);
}
