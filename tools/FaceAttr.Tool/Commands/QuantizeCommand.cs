using System.CommandLine;
using System.Globalization;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Quantization;
using FaceAttr.Tool.Quantize;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr quantize</c>: writes a new bundle whose chosen models are int8 (QDQ, calibrated on real faces), after
/// checking each head against its float original on held-out faces. Exit 0 written, 1 refused by the gate (nothing
/// written), 2 bad request or input.
/// </summary>
public static class QuantizeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var bundle = AnalyzeCommand.BundleOption();
        var models = new Option<string[]>("--model")
        {
            Description = "Model ids to quantize, or all (default: all)",
            AllowMultipleArgumentsPerToken = true,
        };
        var calibration = new Option<DirectoryInfo>("--calibration") { Description = "Folder of real face images (with --labels: the labelled set's folder)", Required = true };
        var count = new Option<int>("--count") { Description = "Images to calibrate on", DefaultValueFactory = _ => 200 };
        var holdout = new Option<int>("--holdout") { Description = "Other images on which int8 is compared with fp32", DefaultValueFactory = _ => 100 };
        var method = new Option<string>("--method") { Description = "Calibration: minmax, percentile or entropy", DefaultValueFactory = _ => "percentile" };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var percentile = new Option<double>("--percentile") { Description = "Share of values kept by percentile calibration", DefaultValueFactory = _ => 99.99 };
        var labels = new Option<string?>("--labels") { Description = "The folder is this labelled set: also report accuracy / MAE against its labels" };
        labels.AcceptOnlyFromAmong([.. CalibrationSplit.LabelSets]);
        var check = new Option<string[]>("--check")
        {
            Description = $"Also compare on this labelled set, SET=FOLDER (SET: {string.Join(", ", CalibrationSplit.LabelSets)}; repeatable). "
                + "A head any compared set labels is judged by its labels; agreement with fp32 only where none does",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "New bundle folder (must not exist)", Required = true };
        var maxLoss = new Option<double>("--max-loss") { Description = "Most accuracy (or agreement) points a head may lose", DefaultValueFactory = _ => 1.0 };
        var maxAgeLoss = new Option<double>("--max-age-loss") { Description = "Most years the age error may grow", DefaultValueFactory = _ => 0.3 };
        var force = new Option<bool>("--force") { Description = "Write the bundle even when a head is over the limits" };
        var keepFloat = new Option<string[]>("--keep-float")
        {
            Description = "Node names or op types to leave in float (repeatable)",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("quantize", "Write an int8 copy of a bundle, calibrated on real faces and checked head by head against fp32")
        {
            bundle, models, calibration, count, holdout, method, percentile, labels, check, output, maxLoss, maxAgeLoss, force, keepFloat,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            List<CheckSet> checks;
            try
            {
                checks = [.. (parse.GetValue(check) ?? []).Select(CheckSet.Parse)];
            }
            catch (QuantizeRequestException ex)
            {
                error.WriteLine($"faceattr quantize: {ex.Message}");
                return 2;
            }

            var request = new BundleQuantizeRequest
            {
                SourceBundle = parse.GetValue(bundle)!.FullName,
                OutputBundle = parse.GetValue(output)!.FullName,
                Models = parse.GetValue(models) ?? [],
                CalibrationFolder = parse.GetValue(calibration)!.FullName,
                Labels = parse.GetValue(labels),
                Checks = checks,
                Count = parse.GetValue(count),
                Holdout = parse.GetValue(holdout),
                MaxLoss = parse.GetValue(maxLoss),
                MaxAgeLoss = parse.GetValue(maxAgeLoss),
                Force = parse.GetValue(force),
                Quantization = new QuantizationOptions
                {
                    Method = parse.GetValue(method) switch
                    {
                        "minmax" => CalibrationMethod.MinMax,
                        "entropy" => CalibrationMethod.Entropy,
                        _ => CalibrationMethod.Percentile,
                    },
                    Percentile = parse.GetValue(percentile),
                    KeepFloat = parse.GetValue(keepFloat) ?? [],
                },
            };
            return Run(request, parse.InvocationConfiguration.Output, error);
        });
        return command;
    }

    private static int Run(BundleQuantizeRequest request, TextWriter output, TextWriter error)
    {
        BundleQuantizeResult result;
        try
        {
            result = BundleQuantizer.Run(request, error);
        }
        catch (Exception ex) when (ex is QuantizeRequestException or CalibrationSetException or QuantizationException
            or BundleFormatException or ModelContractException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"faceattr quantize: {ex.Message}");
            return 2;
        }

        foreach (var issue in result.Calibration.Issues.Concat(result.Holdouts.SelectMany(h => h.Inputs.Issues)))
        {
            error.WriteLine($"  not used: {issue.ImagePath}{(issue.ModelId is null ? string.Empty : $" ({issue.ModelId})")}: {issue.Reason}");
        }

        foreach (var model in result.Models)
        {
            output.WriteLine(QuantizeTable.Format(model));
        }

        if (!result.Written)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faceattr quantize: refused, nothing written: {result.GateFailures.Count()} figure(s) over --max-loss {request.MaxLoss} / --max-age-loss {request.MaxAgeLoss} (--force writes anyway)"));
            return 1;
        }

        output.WriteLine($"faceattr quantize: wrote {request.OutputBundle} ({result.Models.Count} model(s) int8{(result.GateFailures.Any() ? ", forced past the limits" : string.Empty)})");
        return 0;
    }
}
