using System.CommandLine;
using System.Diagnostics;
using FaceAttr.Core;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Datasets;
using FaceAttr.Tool.Analyze;
using FaceAttr.Tool.Eval;
using FaceAttr.Training.Data;
using FaceAttr.Training.Training;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr eval</c>: per-head accuracy and MAE of the analysis core on labeled real faces.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var celeba = new Option<DirectoryInfo?>("--celeba") { Description = "CelebA folder (list_attr_celeba.txt + images)" };
        var utkface = new Option<DirectoryInfo?>("--utkface") { Description = "UTKFace folder (labels in file names)" };
        var expressions = new Option<DirectoryInfo?>("--expressions") { Description = "Expression set folder (labels.csv + images)" };
        var limit = new Option<int?>("--limit") { Description = "Faces per set, evenly spaced over the set sorted by file name" };
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var bundle = AnalyzeCommand.BundleOption();
        var detector = new Option<string?>("--detector") { Description = "Detector model id" };
        var cropScales = new Option<string[]>("--crop-scale")
        {
            Description = "Override a model's crop scale, as id=value (repeatable), to tune framing",
            AllowMultipleArgumentsPerToken = true,
        };
        var split = new Option<string>("--split")
        {
            Description = "all faces, or only the validation (or training) side of `faceattr train`'s split, to score teachers and a trained network on the same held-out faces",
            DefaultValueFactory = _ => "all",
        };
        split.AcceptOnlyFromAmong("all", "validation", "train");
        var validationFraction = new Option<double>("--validation-fraction") { Description = "The training run's validation fraction", DefaultValueFactory = _ => new TrainOptions().ValidationFraction };
        var noLandmarks = new Option<bool>("--no-landmarks")
        {
            Description = "Skip the landmark model: crops are levelled by the detector's eye keypoints (as `train` crops them) instead of the facemesh roll",
        };
        var command = new Command("eval", "Evaluate the analysis core on labeled real faces, head by head")
        {
            celeba, utkface, expressions, limit, split, validationFraction, format, bundle, detector, cropScales, noLandmarks,
        };
        command.SetAction(parse => Run(parse.GetValue(celeba), parse.GetValue(utkface), parse.GetValue(expressions),
            parse.GetValue(limit), new SplitChoice(parse.GetValue(split)!, parse.GetValue(validationFraction)), parse.GetValue(format)!, parse.GetValue(bundle)!, parse.GetValue(detector),
            parse.GetValue(cropScales) ?? [], parse.GetValue(noLandmarks)));
        return command;
    }

    /// <summary>Which side of the training split to score: <c>all</c>, <c>validation</c> or <c>train</c>.</summary>
    private sealed record SplitChoice(string Side, double ValidationFraction)
    {
        /// <summary>Whether <paramref name="face"/> of dataset <paramref name="dataset"/> is on the chosen side (the same hash as training).</summary>
        public bool Keeps(LabeledFace face, string dataset) =>
            Side == "all" || ValidationSplit.IsValidation(TrainingSample.SplitKeyOf(face, dataset), ValidationFraction) == (Side == "validation");
    }

    private static int Run(DirectoryInfo? celeba, DirectoryInfo? utkface, DirectoryInfo? expressions, int? limit,
        SplitChoice split, string format, DirectoryInfo bundle, string? detector, string[] cropScales, bool noLandmarks)
    {
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var pair in cropScales)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !float.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 0.5f or > 4f)
            {
                Console.Error.WriteLine($"faceattr eval: --crop-scale '{pair}' must be id=value with value in 0.5..4");
                return 2;
            }

            scales[parts[0]] = value;
        }

        var sets = new List<(ILabeledSetReader Reader, DirectoryInfo Folder)>();
        if (celeba is not null) sets.Add((new CelebAReader(), celeba));
        if (utkface is not null) sets.Add((new UtkFaceReader(), utkface));
        if (expressions is not null) sets.Add((new ExpressionsReader(), expressions));
        if (sets.Count == 0)
        {
            Console.Error.WriteLine("faceattr eval: give at least one of --celeba, --utkface, --expressions");
            return 2;
        }

        if (split.ValidationFraction is < 0.05 or > 0.5)
        {
            Console.Error.WriteLine("faceattr eval: --validation-fraction must be 0.05–0.5");
            return 2;
        }

        if (limit is < 1)
        {
            Console.Error.WriteLine("faceattr eval: --limit must be 1 or more");
            return 2;
        }

        var faces = new List<LabeledFace>();
        int skipped = 0, excluded = 0;
        try
        {
            foreach (var (reader, folder) in sets)
            {
                var set = reader.Read(folder.FullName, limit: null);
                skipped += set.Skipped.Count;
                excluded += set.Excluded.Count;
                var side = set.Faces.Where(f => split.Keeps(f, reader.Name)).ToList();
                faces.AddRange(limit is { } n ? LabeledSubset.EvenlySpaced(side, n) : side);
                if (split.Side != "all")
                {
                    Console.Error.WriteLine($"faceattr eval: {reader.Name}: {side.Count} of {set.Faces.Count} faces on the {split.Side} side");
                }
                foreach (var issue in set.Skipped.Concat(set.Excluded))
                {
                    Console.Error.WriteLine($"{reader.Name}: {issue.File}: {issue.Reason}");
                }
            }
        }
        catch (DatasetException ex)
        {
            Console.Error.WriteLine($"faceattr eval: {ex.Message}");
            return 2;
        }

        FaceAnalyzer analyzer;
        try
        {
            var options = new AnalyzerOptions { CropScales = scales };
            options = detector is null ? options : options with { DetectorModel = detector };
            analyzer = new FaceAnalyzer(bundle.FullName, noLandmarks ? options with { LandmarkModel = null } : options);
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException)
        {
            Console.Error.WriteLine($"faceattr eval: cannot load the models: {ex.Message}");
            return 2;
        }

        using (analyzer)
        {
            var watch = Stopwatch.StartNew();
            var report = EvalRunner.Run(faces, path => Predict(analyzer, path),
                failure => Console.Error.WriteLine($"failed {failure.ImagePath}: {failure.Reason}"));
            report.DatasetSkipped = skipped;
            report.DatasetExcluded = excluded;
            Console.WriteLine(format == "json" ? report.ToJson(indented: true) : report.ToTable());
            Console.Error.WriteLine($"faceattr eval: {faces.Count} faces in {watch.Elapsed.TotalSeconds:0.0} s");
            return report.Failures.Count > 0 ? 1 : 0;
        }
    }

    /// <summary>Analyzes one pre-cropped face (<see cref="PreCroppedAnalysis"/>: padded detection, else the whole image).</summary>
    private static FacePrediction? Predict(FaceAnalyzer analyzer, string path)
    {
        var (face, padded) = PreCroppedAnalysis.Analyze(analyzer, ImageDecoder.Load(path));
        return ToPrediction(face, padded ? DetectionPaths.Padded : DetectionPaths.WholeImage);
    }

    private static FacePrediction ToPrediction(FaceAnalysis face, string path)
    {
        var gender = Known(face.Attribute("gender"));
        var age = Known(face.Attribute("age"));
        var expression = Known(face.Attribute("expression"));
        var binary = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var value in face.Attributes)
        {
            // Every present/absent head the bundle has (smile, beard, hat… of a trained network) is scored against CelebA.
            if (value.UnknownReason is null && value.Label is "present" or "absent")
            {
                binary[value.Head] = value.Label == "present";
            }
        }

        if (Known(face.Attribute("eyewear")) is { } eyewear)
        {
            // CelebA's Eyeglasses marks any glasses, sunglasses included.
            binary["eyeglasses"] = eyewear.Label != "none";
        }

        if (!binary.ContainsKey("mouth_open") && Known(face.Attribute("mouth")) is { } mouth)
        {
            binary["mouth_open"] = mouth.Label == "open";
        }

        return new FacePrediction(path)
        {
            Male = gender is null ? null : gender.Label == "male",
            MaleProbability = gender?.Distribution?[1] ?? 0,
            AgeYears = age?.Value,
            Expression = expression is null ? null : Taxonomy.ExpressionIndex(expression.Label),
            Attributes = binary,
        };
    }

    private static AttributeValue? Known(AttributeValue? value) => value?.UnknownReason is null ? value : null;
}
