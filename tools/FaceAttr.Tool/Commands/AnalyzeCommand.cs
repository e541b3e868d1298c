using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Analyze;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr analyze &lt;image|folder&gt;</c>: faces, landmarks, pose and attributes of real photos.</summary>
public static class AnalyzeCommand
{
    private static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".tga", ".pbm"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "An image file or a folder of images" };
        var annotate = new Option<DirectoryInfo?>("--annotate") { Description = "Write an annotated PNG per image into this folder" };
        var format = new Option<string>("--format") { Description = "json (one line per face) or table", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "table");
        var landmarks = new Option<bool>("--landmarks") { Description = "Include the 468 landmark points in the JSON" };
        var bundle = BundleOption();
        var detector = new Option<string?>("--detector") { Description = "Detector model id (blazeface-back finds small faces, blazeface-front is faster)" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads per model", DefaultValueFactory = _ => 1 };
        var command = new Command("analyze", "Find faces in images and report landmarks, pose and attributes")
        {
            input, annotate, format, landmarks, bundle, detector, threads,
        };
        command.SetAction(parse => Run(
            parse.GetValue(input)!, parse.GetValue(annotate), parse.GetValue(format)!, parse.GetValue(landmarks),
            parse.GetValue(bundle)!, parse.GetValue(detector), parse.GetValue(threads)));
        return command;
    }

    /// <summary>The shared <c>--bundle</c> option.</summary>
    public static Option<DirectoryInfo> BundleOption() => new("--bundle")
    {
        Description = "Model bundle folder",
        DefaultValueFactory = _ => new DirectoryInfo(ToolPaths.DefaultBundle),
    };

    private static int Run(string input, DirectoryInfo? annotate, string format, bool withLandmarks,
        DirectoryInfo bundle, string? detector, int threads)
    {
        List<string> files;
        if (Directory.Exists(input))
        {
            files = [.. Directory.EnumerateFiles(input).Order(StringComparer.Ordinal)];
        }
        else if (File.Exists(input))
        {
            files = [input];
        }
        else
        {
            Console.Error.WriteLine($"faceattr analyze: {input}: no such file or folder");
            return 2;
        }

        FaceAnalyzer analyzer;
        try
        {
            var options = new AnalyzerOptions { Session = new SessionSettings { IntraOpThreads = threads } };
            if (detector is not null)
            {
                options = options with { DetectorModel = detector };
            }

            analyzer = new FaceAnalyzer(bundle.FullName, options);
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException or ArgumentException)
        {
            Console.Error.WriteLine($"faceattr analyze: cannot load the models: {ex.Message}");
            return 2;
        }

        using (analyzer)
        {
            if (annotate is not null)
            {
                Directory.CreateDirectory(annotate.FullName);
            }

            var failed = 0;
            var faces = 0;
            var watch = Stopwatch.StartNew();
            foreach (var file in files)
            {
                if (Directory.Exists(input) && !ImageExtensions.Contains(Path.GetExtension(file)))
                {
                    Console.Error.WriteLine($"skipped {file}: not an image file name");
                    continue;
                }

                DecodedImage image;
                try
                {
                    image = ImageDecoder.Load(file);
                }
                catch (ImageDecodeException ex)
                {
                    Console.Error.WriteLine($"failed {ex.Message}");
                    failed++;
                    continue;
                }

                var results = analyzer.Analyze(image.View, keepLandmarks: withLandmarks || annotate is not null);
                faces += results.Count;
                for (var i = 0; i < results.Count; i++)
                {
                    Console.WriteLine(format == "json"
                        ? AnalysisJson.Line(file, i, results[i], withLandmarks)
                        : string.Create(CultureInfo.InvariantCulture,
                            $"{Path.GetFileName(file)}#{i} box {results[i].Detection.Box.X:0},{results[i].Detection.Box.Y:0} {results[i].Detection.Box.Width:0}px  {string.Join("  ", AnalysisText.Lines(results[i]))}"));
                }

                if (results.Count == 0 && format == "table")
                {
                    Console.WriteLine($"{Path.GetFileName(file)}: no face found");
                }

                if (annotate is not null)
                {
                    Annotator.Save(image, results, Path.Combine(annotate.FullName, Path.GetFileNameWithoutExtension(file) + ".png"));
                }
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faceattr analyze: {files.Count} files, {faces} faces, {failed} failed, {watch.Elapsed.TotalSeconds:0.0} s"));
            return failed > 0 ? 1 : 0;
        }
    }
}
