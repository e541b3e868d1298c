using System.CommandLine;
using System.Globalization;
using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Bench;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr bench-models</c>: every model of several bundles (e.g. fp32 and its int8 twin, or a pruned network beside
/// the unpruned one) timed side by side in one run, at 1 intra-op thread and at all cores, with file sizes and ratios
/// against the first bundle's model of the same id. Prints a Markdown table.
/// </summary>
public static class BenchModelsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var bundles = new Option<DirectoryInfo[]>("--bundle") { Description = "Bundle folders to compare (repeatable; the first is the reference)", Required = true, AllowMultipleArgumentsPerToken = true };
        var models = new Option<string[]>("--model") { Description = "Only these model ids (repeatable; default: all)", AllowMultipleArgumentsPerToken = true };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds", DefaultValueFactory = _ => 20 };
        var perRound = new Option<int>("--per-round") { Description = "Runs of each model per round", DefaultValueFactory = _ => 5 };
        var command = new Command("bench-models", "Time the models of several bundles side by side (1 thread and all cores); sizes and ratios")
        {
            bundles, models, rounds, perRound,
        };
        command.SetAction(parse => Run(parse.GetValue(bundles)!, parse.GetValue(models) ?? [], parse.GetValue(rounds), parse.GetValue(perRound)));
        return command;
    }

    private sealed record Candidate(string Bundle, ModelEntry Entry, long Bytes);

    private static int Run(DirectoryInfo[] bundles, string[] only, int rounds, int perRound)
    {
        try
        {
            var candidates = new List<Candidate>();
            foreach (var b in bundles)
            {
                var manifest = ManifestSerializer.ReadFromFolder(b.FullName);
                candidates.AddRange(manifest.Models
                    .Where(m => only.Length == 0 || only.Contains(m.Id))
                    .Select(m => new Candidate(b.FullName, m, new FileInfo(Path.Combine(b.FullName, m.File)).Length)));
            }

            if (candidates.Count == 0)
            {
                Console.Error.WriteLine("faceattr bench-models: no model matched");
                return 2;
            }

            var image = SampleImage(bundles[0].FullName);
            var cores = Environment.ProcessorCount;
            var threadCounts = cores > 1 ? new[] { 1, cores } : [1];
            var times = new Dictionary<int, double[]>();
            var fills = new Dictionary<int, double[]>();
            foreach (var threads in threadCounts)
            {
                var runners = candidates.Select(c => new ModelRunner(c.Bundle, c.Entry, new SessionSettings { IntraOpThreads = threads })).ToList();
                try
                {
                    // Each model's input fill (crop, resize, normalise) is timed alone too, so inference = run − fill.
                    var buffers = runners.Select(r => new float[TensorWriter.ItemLength(r.Entry.Input)]).ToList();
                    var actions = runners.Select(r => (Action)(() => r.Run(image.View, Crop(image, r.Entry.Input))))
                        .Concat(runners.Select((r, i) => (Action)(() => TensorWriter.Write(image.View, Crop(image, r.Entry.Input), r.Entry.Input, buffers[i]))))
                        .ToList();
                    var medians = InterleavedTimer.Medians(actions, rounds, perRound);
                    times[threads] = medians[..runners.Count];
                    fills[threads] = medians[runners.Count..];
                }
                finally
                {
                    runners.ForEach(r => r.Dispose());
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faceattr bench-models: {rounds} interleaved rounds x {perRound} runs per model, {cores} cores; median ms per face: input fill + inference, and inference alone (minus the fill timed alone)"));
            Console.WriteLine();
            var header = $"| bundle | model | precision | size KiB | size ratio | {string.Join(" | ", threadCounts.Select(t => $"ms ({t} thr) | speed-up ({t} thr) | inference ms ({t} thr) | inference speed-up ({t} thr)"))} |";
            Console.WriteLine(header);
            Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", 5 + (4 * threadCounts.Length))));
            for (var i = 0; i < candidates.Count; i++)
            {
                var c = candidates[i];
                var reference = candidates.FindIndex(r => r.Entry.Id == c.Entry.Id);
                var cells = threadCounts.Select(t =>
                {
                    var inference = times[t][i] - fills[t][i];
                    var referenceInference = times[t][reference] - fills[t][reference];
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{times[t][i]:0.000} | {times[t][reference] / times[t][i]:0.00}x | {inference:0.000} | {referenceInference / inference:0.00}x");
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileName(c.Bundle)} | {c.Entry.Id} | {c.Entry.Precision.ToString().ToLowerInvariant()} | {c.Bytes / 1024.0:N0} | {(double)candidates[reference].Bytes / c.Bytes:0.00}x | {string.Join(" | ", cells)} |"));
            }

            return 0;
        }
        catch (Exception ex) when (ex is BundleFormatException or ModelContractException or IOException or ImageDecodeException)
        {
            Console.Error.WriteLine($"faceattr bench-models: error: {ex.Message}");
            return 1;
        }
    }

    private static DecodedImage SampleImage(string bundle)
    {
        var samples = Path.Combine(bundle, "samples");
        var first = Directory.Exists(samples) ? Directory.GetFiles(samples, "*.jpg").Order(StringComparer.Ordinal).FirstOrDefault() : null;
        first ??= Directory.GetFiles(Path.Combine(ToolPaths.DefaultBundle, "samples"), "*.jpg").Order(StringComparer.Ordinal).First();
        return ImageDecoder.Load(first);
    }

    private static Affine2D Crop(DecodedImage image, ModelInput input)
    {
        var side = Math.Min(image.Width, image.Height) / 2f;
        return Affine2D.FromRect((image.Width - side) / 2, (image.Height - side) / 2, side, side, input.Width, input.Height);
    }
}
