using System.CommandLine;
using System.Diagnostics;
using FaceAttr.Datasets;
using FaceAttr.Tool.Training;
using FaceAttr.Training.Data;
using FaceAttr.Training.Losses;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;
using FaceAttr.Training.Reporting;
using FaceAttr.Training.Training;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr train</c>: trains the multi-task network on labeled faces and writes checkpoints, curves and a report.</summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var celeba = new Option<DirectoryInfo?>("--celeba") { Description = "CelebA folder (list_attr_celeba.txt + images)" };
        var utkface = new Option<DirectoryInfo?>("--utkface") { Description = "UTKFace folder (labels in file names)" };
        var expressions = new Option<DirectoryInfo?>("--expressions") { Description = "Expression set folder (labels.csv + images)" };
        var rafdb = new Option<DirectoryInfo?>("--rafdb") { Description = "RAF-DB folder (list_patition_label.txt + Image/aligned)" };
        var manifests = new Option<FileInfo[]>("--manifest") { Description = "Manifest (.csv or .jsonl) of your own or pseudo-labeled faces (repeatable)", AllowMultipleArgumentsPerToken = true };
        var teacherLabels = new Option<FileInfo[]>("--teacher-labels") { Description = "`faceattr label` manifest of the same images: fills the heads a set lacks (distillation; repeatable)", AllowMultipleArgumentsPerToken = true };
        var teacherHeads = new Option<string>("--teacher-heads") { Description = $"Heads the teacher may fill, comma-separated ({string.Join(", ", TeacherLabels.SupportedHeads)})", DefaultValueFactory = _ => string.Join(",", TeacherLabels.DefaultHeads) };
        var teacherMin = new Option<float>("--teacher-min-confidence") { Description = "Leave out a teacher's gender/expression/smile label below this confidence (age is weighted, not gated)", DefaultValueFactory = _ => 0.8f };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder (checkpoint, model.bin, report, curves)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(ToolPaths.RepoRoot, "artifacts", "training", "run")) };
        var config = new Option<string>("--config") { Description = "full or tiny (the test configuration)", DefaultValueFactory = _ => "full" };
        config.AcceptOnlyFromAmong("full", "tiny");
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (full: 40)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (full: 64)" };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (Adam 0.002, SGD 0.02)" };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw (decoupled weight decay) or sgd (momentum)", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (SGD and Adam: L2 5e-4; AdamW: decoupled 0.05)" };
        var ageL1 = new Option<double?>("--age-l1-weight") { Description = "Weight of the L1 loss on decoded age (decades) added to the age stage classification (default 1.5)" };
        var weightAverage = new Option<double?>("--weight-average") { Description = "Decay of the moving average of the weights that is validated and saved (default 0.998; 0 = off, the live weights)" };
        var widths = new Option<string?>("--widths") { Description = "Channel widths, stem then one per stage, comma-separated (full: 32,48,96,192)" };
        var featureSize = new Option<int?>("--feature-size") { Description = "Width of the shared layer the heads read (full: 192)" };
        var genderBranch = new Option<int?>("--gender-branch") { Description = "Width of a private gender branch that reads the last map with its layout kept, not the shared layer (default none)" };
        var inputSize = new Option<int?>("--input-size") { Description = "Input side in pixels, a multiple of 16 (full: 64)" };
        var cropScale = new Option<float?>("--crop-scale") { Description = $"Face crop side / face box side to train on, recorded in network.json for export (default {FaceCrops.DefaultCropScale})" };
        var activation = new Option<string>("--activation") { Description = "prelu or relu", DefaultValueFactory = _ => "prelu" };
        activation.AcceptOnlyFromAmong("prelu", "relu");
        var balance = new Option<string>("--balance") { Description = "uncertainty, dwa or fixed task weighting", DefaultValueFactory = _ => "uncertainty" };
        balance.AcceptOnlyFromAmong("uncertainty", "dwa", "fixed");
        var minWeight = new Option<string?>("--min-weight") { Description = $"Floor under learned uncertainty weights, TERM=W comma-separated (default age=1; none = no floor; terms: {string.Join(", ", HeadSet.LossTerms)})" };
        var taskScale = new Option<string?>("--task-scale") { Description = $"How many tasks a loss term counts as, TERM=K comma-separated, 0.1–20 (default attributes=11: each of the 11 attributes pulls like one head; none = every term counts once; terms: {string.Join(", ", HeadSet.LossTerms)})" };
        var focal = new Option<string?>("--focal") { Description = $"Focal γ per loss term, TERM=G comma-separated (default none: plain cross-entropy everywhere, e.g. gender=1,attributes=1 for the seed's focal loss; terms: {string.Join(", ", HeadSet.LossTerms)})" };
        var bnL1 = new Option<double>("--bn-l1") { Description = "Sparsity pull λ on BatchNorm scales for later pruning (network slimming; e.g. 1e-4, 0 = off)", DefaultValueFactory = _ => 0 };
        var samplingPower = new Option<double?>("--sampling-power") { Description = "How datasets of different sizes are mixed: each draw picks a set with probability ∝ size^P, 0–1 (default 0.5; 1 = in proportion to size, 0 = equally)" };
        var classWeights = new Option<bool>("--class-weights") { Description = "Inverse-frequency class weights for gender, expression and eyewear (off by default: they cost accuracy on the sets measured; see docs/training.md)" };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => TorchRuntime.DefaultThreads };
        var limit = new Option<int?>("--limit") { Description = "At most N faces per dataset, evenly spaced" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in --out" };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Crop cache folder (default ~/.cache/faceattr/crops)" };
        var bundle = AnalyzeCommand.BundleOption();
        var command = new Command("train", "Train the multi-task face-attribute network (TorchSharp) on labeled faces")
        {
            celeba, utkface, expressions, rafdb, manifests, teacherLabels, teacherHeads, teacherMin, output, config, epochs, batch, lr, optimizer, weightDecay, weightAverage, ageL1, widths, featureSize, genderBranch, inputSize, cropScale, activation, balance,
            minWeight, taskScale, focal, samplingPower, classWeights, bnL1, seed, threads, limit, resume, cache, bundle,
        };
        command.SetAction(parse =>
        {
            var parsedWidths = ParseWidths(parse.GetValue(widths));
            if (parsedWidths.Error is { } widthsError)
            {
                Console.Error.WriteLine($"faceattr train: --widths: {widthsError}");
                return 2;
            }

            var parsedMinWeights = ParseTermValues(parse.GetValue(minWeight), example: "age=1");
            if (parsedMinWeights.Error is { } minWeightError)
            {
                Console.Error.WriteLine($"faceattr train: --min-weight: {minWeightError}");
                return 2;
            }

            var parsedTaskScale = ParseTermValues(parse.GetValue(taskScale), example: "attributes=11");
            if (parsedTaskScale.Error is { } taskScaleError)
            {
                Console.Error.WriteLine($"faceattr train: --task-scale: {taskScaleError}");
                return 2;
            }

            var parsedFocal = ParseTermValues(parse.GetValue(focal), example: "gender=1");
            if (parsedFocal.Error is { } focalError)
            {
                Console.Error.WriteLine($"faceattr train: --focal: {focalError}");
                return 2;
            }

            var options = parse.GetValue(config) == "tiny" ? TrainOptions.Tiny : new TrainOptions();
            var opt = parse.GetValue(optimizer) switch { "adam" => OptimizerKind.Adam, "adamw" => OptimizerKind.AdamW, _ => OptimizerKind.Sgd };
            options = options with
            {
                Network = options.Network with
                {
                    Activation = parse.GetValue(activation) == "relu" ? ActivationKind.Relu : ActivationKind.PRelu,
                    Widths = parsedWidths.Values ?? options.Network.Widths,
                    FeatureSize = parse.GetValue(featureSize) ?? options.Network.FeatureSize,
                    GenderBranch = parse.GetValue(genderBranch) ?? options.Network.GenderBranch,
                    InputSize = parse.GetValue(inputSize) ?? options.Network.InputSize,
                    CropScale = parse.GetValue(cropScale) ?? options.Network.CropScale,
                },
                Epochs = parse.GetValue(epochs) ?? options.Epochs,
                BatchSize = parse.GetValue(batch) ?? options.BatchSize,
                Optimizer = opt,
                LearningRate = parse.GetValue(lr) ?? (opt == options.Optimizer ? options.LearningRate : TrainOptions.DefaultLearningRate(opt)),
                WeightDecay = parse.GetValue(weightDecay) ?? (opt == options.Optimizer ? options.WeightDecay : TrainOptions.DefaultWeightDecay(opt)),
                WeightAverageDecay = parse.GetValue(weightAverage) ?? options.WeightAverageDecay,
                AgeL1Weight = parse.GetValue(ageL1) ?? options.AgeL1Weight,
                Balance = parse.GetValue(balance) switch { "dwa" => BalanceKind.Dwa, "fixed" => BalanceKind.Fixed, _ => BalanceKind.Uncertainty },
                MinTaskWeight = parsedMinWeights.Values ?? options.MinTaskWeight,
                TaskScale = parsedTaskScale.Values ?? options.TaskScale,
                FocalGamma = parsedFocal.Values ?? options.FocalGamma,
                SamplingPower = parse.GetValue(samplingPower) ?? options.SamplingPower,
                ClassWeights = parse.GetValue(classWeights),
                BatchNormL1 = parse.GetValue(bnL1),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                LimitPerDataset = parse.GetValue(limit) ?? options.LimitPerDataset,
            };
            var sets = new List<(ILabeledSetReader Reader, string Name, string Path)>();
            if (parse.GetValue(celeba) is { } c) sets.Add((new CelebAReader(), "celeba", c.FullName));
            if (parse.GetValue(utkface) is { } u) sets.Add((new UtkFaceReader(), "utkface", u.FullName));
            if (parse.GetValue(expressions) is { } e) sets.Add((new ExpressionsReader(), "expressions", e.FullName));
            if (parse.GetValue(rafdb) is { } r) sets.Add((new RafDbReader(), "rafdb", r.FullName));
            foreach (var m in parse.GetValue(manifests) ?? [])
            {
                sets.Add((new ManifestReader(), Path.GetFileNameWithoutExtension(m.Name), m.FullName));
            }

            var cacheOptions = new CropCacheOptions { BundleFolder = parse.GetValue(bundle)!.FullName, Threads = options.Threads };
            if (parse.GetValue(cache) is { } cacheFolder)
            {
                cacheOptions = cacheOptions with { CacheFolder = cacheFolder.FullName };
            }

            var teacher = new TeacherRequest(parse.GetValue(teacherLabels) ?? [], parse.GetValue(teacherHeads)!, parse.GetValue(teacherMin));
            return Run(sets, options, parse.GetValue(output)!.FullName, cacheOptions, parse.GetValue(resume), teacher);
        });
        return command;
    }

    /// <summary>"32,48,96,192" as widths; no values for no text; an error for anything but positive integers separated by commas.</summary>
    private static (int[]? Values, string? Error) ParseWidths(string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
            {
                return (null, $"'{text}' is not a list of positive integers separated by commas, e.g. 32,48,96,192");
            }
        }

        return (values, null);
    }

    /// <summary>
    /// "age=1,gender=0.5" as values per loss term (weight floors for --min-weight, task scales for --task-scale, focal γ for --focal); "none" as no
    /// values at all; nothing for no text (the configuration's own); an error, quoting <paramref name="example"/>, for text
    /// that is not TERM=number.
    /// Whether the terms exist and the values are in range is <see cref="TrainOptions.Validate"/>'s to say.
    /// </summary>
    private static (Dictionary<string, double>? Values, string? Error) ParseTermValues(string? text, string example)
    {
        if (text is null)
        {
            return (null, null);
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (text.Trim() == "none")
        {
            return (values, null);
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !double.TryParse(pair[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var weight))
            {
                return (null, $"'{part}' is not TERM=W with a number W, e.g. {example}");
            }

            values[pair[0]] = weight;
        }

        return (values, null);
    }

    private sealed record TeacherRequest(FileInfo[] Manifests, string Heads, float MinConfidence);

    private static int Run(List<(ILabeledSetReader Reader, string Name, string Path)> sets, TrainOptions options, string output, CropCacheOptions cache, bool resume, TeacherRequest teacherRequest)
    {
        if (sets.Count == 0)
        {
            Console.Error.WriteLine("faceattr train: give at least one of --celeba, --utkface, --expressions, --rafdb, --manifest");
            return 2;
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"faceattr train: {ex.Message}");
            return 2;
        }

        if (TrainingConsole.StartTorch(options.Threads, "faceattr train") is not { } runtime)
        {
            return 2;
        }

        try
        {
            var inputs = LabeledSetFolders.Read(sets, "faceattr train", Console.Error);
            var watch = Stopwatch.StartNew();
            var teacher = ReadTeacher(teacherRequest);
            var data = TrainingData.Prepare(inputs, options, cache, ProgressPrinter(), teacher: teacher);
            Console.Error.WriteLine($"faceattr train: crops ready in {watch.Elapsed.TotalSeconds:0}s: {data.Crops.Detected} detected, " +
                $"{data.Crops.WholeImage} whole-image, {data.Crops.Failures.Count} corrupt (skipped); cached: {string.Join(", ", data.Crops.FromCache)}");
            foreach (var failure in data.Crops.Failures)
            {
                Console.Error.WriteLine($"  corrupt image skipped: {failure.ImagePath}: {failure.Reason}");
            }

            Console.Error.WriteLine($"faceattr train: {data.Train.Length} training, {data.Validation.Length} validation faces");
            var result = TrainingConsole.WithProgress(observer => new Trainer(options, data, output, observer).Run(resume));

            foreach (var file in RunReport.Write(output, options, data, result, runtime.ToString()))
            {
                Console.Error.WriteLine($"faceattr train: wrote {file}");
            }

            Console.WriteLine(RunReport.Markdown(options, data, result, runtime.ToString()));
            return 0;
        }
        catch (DatasetException ex)
        {
            Console.Error.WriteLine($"faceattr train: {ex.Message}");
            return 2;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"faceattr train: {ex.Message}");
            return 2;
        }
    }

    /// <summary>The teacher labels of <paramref name="request"/>, or null when none were given.</summary>
    /// <exception cref="DatasetException">A manifest cannot be read, or the heads are not ones a teacher can fill.</exception>
    private static TeacherLabels? ReadTeacher(TeacherRequest request)
    {
        if (request.Manifests.Length == 0)
        {
            return null;
        }

        var faces = new List<LabeledFace>();
        foreach (var manifest in request.Manifests)
        {
            var set = new ManifestReader().Read(manifest.FullName, null);
            faces.AddRange(set.Faces);
            Console.Error.WriteLine($"faceattr train: teacher labels: {set.Faces.Count} faces from {manifest.FullName}, {set.Skipped.Count} rows skipped");
        }

        var heads = request.Heads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            return new TeacherLabels(faces, heads, request.MinConfidence);
        }
        catch (ArgumentException ex)
        {
            throw new DatasetException(string.Join(", ", request.Manifests.Select(m => m.FullName)), null, ex.Message);
        }
    }

    private static Action<int, int> ProgressPrinter()
    {
        var last = 0;
        return (done, total) =>
        {
            var step = Math.Max(500, total / 10);
            if (done == total || done / step != Interlocked.Exchange(ref last, done / step))
            {
                Console.Error.WriteLine($"  aligning faces: {done}/{total}");
            }
        };
    }
}
