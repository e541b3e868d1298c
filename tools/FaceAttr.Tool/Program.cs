using System.CommandLine;
using FaceAttr.Tool.Commands;

namespace FaceAttr.Tool;

/// <summary>The <c>faceattr</c> host command line.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("FaceAttr host tool: import, analyze, evaluate, train, export and bundle face-attribute models; sign bundles and roll them out.");
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BenchModelsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(LabelCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(QuantizeCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(BundleCommand.Create());
        root.Subcommands.Add(KeygenCommand.Create());
        root.Subcommands.Add(PackCommand.Create());
        root.Subcommands.Add(SignCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(DeployCommand.Create());
        return root.Parse(args).Invoke();
    }
}
