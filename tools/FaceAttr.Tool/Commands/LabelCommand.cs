using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Tool.Analyze;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr label &lt;folder&gt;</c>: pseudo-labels face images with the imported teacher models (the bundle's
/// gender, age and expression heads; smile from the expression model's happy class) and writes a JSON-lines manifest
/// with a confidence per head, which <c>faceattr train --manifest</c> reads and mixes with ground truth (each label
/// weighted by its confidence; heads below <c>--min-confidence</c> are left out).
/// </summary>
public static class LabelCommand
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder of face images (searched recursively)" };
        var output = new Option<FileInfo?>("--out") { Description = "Manifest to write (default <folder>/pseudo-labels.jsonl)" };
        var minConfidence = new Option<float>("--min-confidence") { Description = "Leave out a head whose confidence is below this (0–1)", DefaultValueFactory = _ => 0.6f };
        var bundle = AnalyzeCommand.BundleOption();
        var command = new Command("label", "Pseudo-label face images with the teacher models, for training (distillation)")
        {
            folder, output, minConfidence, bundle,
        };
        command.SetAction(parse => Run(parse.GetValue(folder)!, parse.GetValue(output), parse.GetValue(minConfidence), parse.GetValue(bundle)!));
        return command;
    }

    private static int Run(DirectoryInfo folder, FileInfo? output, float minConfidence, DirectoryInfo bundle)
    {
        if (!folder.Exists)
        {
            Console.Error.WriteLine($"faceattr label: {folder.FullName}: folder not found");
            return 2;
        }

        if (minConfidence is < 0 or > 1)
        {
            Console.Error.WriteLine("faceattr label: --min-confidence must be 0–1");
            return 2;
        }

        var files = Directory.EnumerateFiles(folder.FullName, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"faceattr label: {folder.FullName}: no image files ({string.Join(", ", ImageExtensions)})");
            return 2;
        }

        FaceAnalyzer analyzer;
        try
        {
            analyzer = new FaceAnalyzer(bundle.FullName, new AnalyzerOptions { Heads = ["gender", "age", "expression"] });
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException)
        {
            Console.Error.WriteLine($"faceattr label: cannot load the models: {ex.Message}");
            return 2;
        }

        var manifest = output?.FullName ?? Path.Combine(folder.FullName, "pseudo-labels.jsonl");
        var manifestFolder = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        int written = 0, failed = 0, empty = 0;
        using (analyzer)
        using (var writer = new StreamWriter(manifest, append: false, new UTF8Encoding(false)))
        {
            foreach (var file in files)
            {
                FaceAnalysis face;
                try
                {
                    face = PreCroppedAnalysis.Analyze(analyzer, ImageDecoder.Load(file)).Face;
                }
                catch (Exception ex) when (ex is ImageDecodeException or IOException)
                {
                    Console.Error.WriteLine($"faceattr label: skipped {file}: {ex.Message}");
                    failed++;
                    continue;
                }

                var line = Line(Path.GetRelativePath(manifestFolder, file), face, minConfidence);
                if (line is null)
                {
                    empty++;
                    continue;
                }

                writer.WriteLine(line);
                written++;
            }
        }

        Console.Error.WriteLine($"faceattr label: {written} of {files.Count} images labelled into {manifest}; " +
            $"{empty} with no head above {minConfidence.ToString(CultureInfo.InvariantCulture)}, {failed} unreadable (skipped)");
        return failed > 0 ? 1 : 0;
    }

    /// <summary>One manifest line, or null when no head is known with enough confidence.</summary>
    internal static string? Line(string file, FaceAnalysis face, float minConfidence)
    {
        var labels = new Dictionary<string, object> { ["file"] = file };
        var confidence = new Dictionary<string, float>();
        var attributes = new Dictionary<string, bool>();
        void Take(string head, Func<AttributeValue, object> value, float threshold)
        {
            if (face.Attribute(head) is { UnknownReason: null } a && a.Probability >= threshold)
            {
                labels[head] = value(a);
                confidence[head] = MathF.Round(a.Probability, 4);
            }
        }

        Take("gender", a => a.Label, minConfidence);
        // Age confidence is the probability mass of its 10-year bin (rarely above 0.6 even when right): it weights the
        // label in training but does not gate it.
        Take("age", a => MathF.Round(a.Value ?? 0, 1), 0);
        Take("expression", a => a.Label, minConfidence);
        if (face.Attribute("smile") is { UnknownReason: null } smile && smile.Probability >= minConfidence)
        {
            attributes["smile"] = smile.Label == "present";
            confidence["smile"] = MathF.Round(smile.Probability, 4);
        }

        if (confidence.Count == 0)
        {
            return null;
        }

        if (attributes.Count > 0)
        {
            labels["attributes"] = attributes;
        }

        labels["confidence"] = confidence;
        labels["teacher"] = string.Join(",", face.Attributes.Where(a => a.Model is not null).Select(a => a.Model!).Distinct());
        return JsonSerializer.Serialize(labels);
    }
}
