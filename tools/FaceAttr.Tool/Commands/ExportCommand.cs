using System.CommandLine;
using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Bundling;
using FaceAttr.Tool.Training;
using FaceAttr.Training.Export;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr export</c>: a trained network (model.bin + network.json) → ONNX file + manifest entry.</summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<FileSystemInfo>("--model")
        {
            Description = "Trained network: a folder holding model.bin + network.json (from 'faceattr train' or 'faceattr prune'), or model.bin itself",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for ID.onnx and ID.model.json", Required = true };
        var id = new Option<string>("--id") { Description = "Model id in the bundle", DefaultValueFactory = _ => "faceattr-net" };
        var noBake = new Option<bool>("--no-bake") { Description = "Keep the input normalisation in the manifest instead of the graph" };
        var cropScale = new Option<float?>("--crop-scale") { Description = "Face crop side / face box side to write into the manifest (default: the framing in the network's network.json)" };
        var noFlip = new Option<bool>("--no-flip-average") { Description = "Leave out test-time flip averaging (each face averaged with its mirror image in the graph): half the compute, slightly lower accuracy" };
        var command = new Command("export", "Export a trained FaceAttrNet to ONNX (BN folded, heads decoded, normalisation baked in)")
        {
            model, output, id, noBake, cropScale, noFlip,
        };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(id)!, !parse.GetValue(noBake), parse.GetValue(cropScale), !parse.GetValue(noFlip)));
        return command;
    }

    /// <summary>Resolves a model argument (folder or file) to the weights path.</summary>
    public static string WeightsPath(FileSystemInfo model) =>
        model is DirectoryInfo || Directory.Exists(model.FullName)
            ? Path.Combine(model.FullName, TrainedNetwork.WeightsFile)
            : model.FullName;

    private static int Run(FileSystemInfo model, DirectoryInfo output, string id, bool bake, float? cropScale, bool flipAverage)
    {
        if (TrainingConsole.StartTorch(TorchRuntime.DefaultThreads, "faceattr export") is null)
        {
            return 2;
        }

        try
        {
            var weights = WeightsPath(model);
            using var net = TrainedNetwork.Load(weights);
            var metrics = TrainingReportCard.Read(Path.Combine(Path.GetDirectoryName(weights)!, "report.json"));
            var exported = FaceAttrNetExporter.Export(net, new ExportOptions
            {
                ModelId = id,
                BakeNormalisation = bake,
                CropScale = cropScale,
                FlipAverage = flipAverage,
                TrainingData = "see the training report's data section (faceattr train)",
            });
            exported = exported with { Entry = exported.Entry with { Metrics = metrics.Count > 0 ? metrics : null } };
            var entry = ExportWriter.Write(exported, output.FullName);
            Console.WriteLine($"faceattr export: {weights} -> {Path.Combine(output.FullName, entry.File)}");
            Console.WriteLine($"  {net.ParameterCount():N0} parameters, input {entry.Input.Layout} {entry.Input.Width}x{entry.Input.Height} " +
                $"({(bake ? "raw 0-255 RGB, normalisation in the graph" : "normalised by the device")}){(flipAverage ? ", flip-averaged" : "")}, {entry.Outputs.Count} outputs, sha256 {entry.Sha256}");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnsupportedModuleException or BundleFormatException)
        {
            Console.Error.WriteLine($"faceattr export: error: {ex.Message}");
            return 1;
        }
    }
}
