using System.CommandLine;
using FaceAttr.Tool.Commands;

namespace FaceAttr.Tool;

/// <summary>The <c>faceattr</c> host command line.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("FaceAttr host tool: import, analyze and evaluate face-attribute models.");
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root.Parse(args).Invoke();
    }
}
