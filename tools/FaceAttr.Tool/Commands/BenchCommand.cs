using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr bench</c>: milliseconds per model (input fill + inference) and per face through the whole
/// analysis core, measured side by side in one run on the bundle's sample photos.
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var bundle = AnalyzeCommand.BundleOption();
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs per model", DefaultValueFactory = _ => 50 };
        var command = new Command("bench", "Time every model and the whole analysis per face") { bundle, threads, iterations };
        command.SetAction(parse => Run(parse.GetValue(bundle)!.FullName, parse.GetValue(threads), parse.GetValue(iterations)));
        return command;
    }

    private static int Run(string bundle, int threads, int iterations)
    {
        if (iterations < 1 || threads < 1)
        {
            Console.Error.WriteLine("faceattr bench: --iterations and --threads must be 1 or more");
            return 2;
        }

        var manifest = ManifestSerializer.ReadFromFolder(bundle);
        var settings = new SessionSettings { IntraOpThreads = threads };
        var samples = Directory.GetFiles(Path.Combine(bundle, "samples"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var image = ImageDecoder.Load(samples[0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"faceattr bench: {threads} intra-op thread(s), {iterations} runs per model, {Environment.ProcessorCount} cores, {samples.Length} sample photos"));
        Console.WriteLine($"{"model",-18} {"input",-10} {"median ms",10} {"p90 ms",8}");
        foreach (var entry in manifest.Models)
        {
            using var runner = new ModelRunner(bundle, entry, settings);
            var side = Math.Min(image.Width, image.Height) / 2f;
            var crop = Affine2D.FromRect((image.Width - side) / 2, (image.Height - side) / 2, side, side, entry.Input.Width, entry.Input.Height);
            var times = Time(iterations, () => runner.Run(image.View, crop));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{entry.Id,-18} {entry.Input.Width + "x" + entry.Input.Height,-10} {Percentile(times, 0.5),10:0.00} {Percentile(times, 0.9),8:0.00}"));
        }

        var decoded = samples.Select(s => ImageDecoder.Load(s)).ToArray();
        foreach (var detector in manifest.Models.Where(m => m.Role == ModelRole.Detector).Select(m => m.Id))
        {
            using var analyzer = new FaceAnalyzer(bundle, new AnalyzerOptions { DetectorModel = detector, Session = settings });
            var faces = decoded.Sum(d => analyzer.Analyze(d.View).Count);
            var perImage = Time(Math.Max(3, iterations / 10), () =>
            {
                foreach (var d in decoded)
                {
                    analyzer.Analyze(d.View);
                }
            });
            var median = Percentile(perImage, 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"analysis with {detector}: {faces} faces in {decoded.Length} photos, {median / decoded.Length:0.0} ms per photo, {median / Math.Max(1, faces):0.0} ms per face (median of {perImage.Length} passes)"));
        }

        return 0;
    }

    private static double[] Time(int iterations, Action action)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];
}
