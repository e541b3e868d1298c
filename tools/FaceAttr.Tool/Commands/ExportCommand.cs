using System.CommandLine;
using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Bundling;
using FaceAttr.Tool.Training;
using FaceAttr.Training.Export;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr export</c>: a trained network (model.bin + network.json) → ONNX file + manifest entry; several networks →
/// one ONNX file whose every output is their mean.
/// </summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<FileSystemInfo[]>("--model")
        {
            Description = "Trained network: a folder holding model.bin + network.json (from 'faceattr train' or 'faceattr prune'), or model.bin itself. " +
                "Repeat it to export the mean of several networks as one model (an ensemble: each face costs every network's compute)",
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

    private static int Run(FileSystemInfo[] models, DirectoryInfo output, string id, bool bake, float? cropScale, bool flipAverage)
    {
        if (TrainingConsole.StartTorch(TorchRuntime.DefaultThreads, "faceattr export") is null)
        {
            return 2;
        }

        var nets = new List<FaceAttrNet>();
        try
        {
            var weights = models.Select(WeightsPath).ToList();
            foreach (var path in weights)
            {
                nets.Add(TrainedNetwork.Load(path));
            }

            var options = new ExportOptions
            {
                ModelId = id,
                BakeNormalisation = bake,
                CropScale = cropScale,
                FlipAverage = flipAverage,
                TrainingData = weights.Count == 1
                    ? "see the training report's data section (faceattr train)"
                    : $"the mean of {weights.Count} trained networks; see each training report's data section: {string.Join(", ", weights)}",
            };
            var exported = FaceAttrNetExporter.Export(nets, options);

            // A run's own validation figures describe that network alone, so an averaged export carries none.
            var metrics = weights.Count == 1 ? TrainingReportCard.Read(Path.Combine(Path.GetDirectoryName(weights[0])!, "report.json")) : [];
            exported = exported with { Entry = exported.Entry with { Metrics = metrics.Count > 0 ? metrics : null } };
            var entry = ExportWriter.Write(exported, output.FullName);
            Console.WriteLine($"faceattr export: {string.Join(" + ", weights)} -> {Path.Combine(output.FullName, entry.File)}");
            Console.WriteLine($"  {nets.Sum(n => n.ParameterCount()):N0} parameters{(nets.Count > 1 ? $" in {nets.Count} networks, outputs averaged" : "")}, " +
                $"input {entry.Input.Layout} {entry.Input.Width}x{entry.Input.Height} " +
                $"({(bake ? "raw 0-255 RGB, normalisation in the graph" : "normalised by the device")}){(flipAverage ? ", flip-averaged" : "")}, {entry.Outputs.Count} outputs, sha256 {entry.Sha256}");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnsupportedModuleException or BundleFormatException or IncompatibleNetworksException)
        {
            Console.Error.WriteLine($"faceattr export: error: {ex.Message}");
            return 1;
        }
        finally
        {
            foreach (var net in nets)
            {
                net.Dispose();
            }
        }
    }
}
