using System.CommandLine;
using System.Diagnostics;
using FaceAttr.Datasets;
using FaceAttr.Tool.Training;
using FaceAttr.Training.Data;
using FaceAttr.Training.Losses;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;
using FaceAttr.Training.Pruning;
using FaceAttr.Training.Training;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr prune</c>: removes the weakest conv channels of a trained network (BatchNorm |γ|, network slimming),
/// fine-tunes the smaller network on the training data and writes it with a before/after report.
/// </summary>
public static class PruneCommand
{
    private const string Name = "faceattr prune";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<FileSystemInfo>("--model") { Description = "Trained network: its folder or model.bin (network.json beside it)", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "Data folder with celeba/, utkface/, expressions/ (and rafdb/) as 'faceattr train' read them", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "New folder for model.bin, network.json, prune-report.{json,md} (must not exist)", Required = true };
        var ratio = new Option<double?>("--ratio") { Description = "Fraction of conv channels to remove, e.g. 0.3" };
        var threshold = new Option<double?>("--threshold") { Description = "Remove channels scoring below this instead of a ratio" };
        var score = new Option<string>("--score") { Description = "layer (|γ| over its layer's mean |γ|) or gamma (raw |γ|, for networks trained with --bn-l1)", DefaultValueFactory = _ => "layer" };
        score.AcceptOnlyFromAmong("layer", "gamma");
        var minChannels = new Option<int>("--min-channels") { Description = "Fewest channels a layer keeps", DefaultValueFactory = _ => 4 };
        var minFraction = new Option<double>("--min-fraction") { Description = "Smallest fraction of its channels a layer keeps", DefaultValueFactory = _ => 0.25 };
        var noFold = new Option<bool>("--no-fold") { Description = "Drop removed channels as zeros instead of folding their mean output into the next layer" };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs (0: save the pruned network as is)", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 64 };
        var lr = new Option<double?>("--lr") { Description = "Peak fine-tuning learning rate (Adam 0.0005, SGD 0.005)" };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd (momentum)", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "sgd");
        var balance = new Option<string>("--balance") { Description = "uncertainty, dwa or fixed task weighting", DefaultValueFactory = _ => "uncertainty" };
        balance.AcceptOnlyFromAmong("uncertainty", "dwa", "fixed");
        var bnL1 = new Option<double>("--bn-l1") { Description = "Sparsity pull on BatchNorm scales during fine-tuning (for pruning again)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Torch threads (training and timing)", DefaultValueFactory = _ => TorchRuntime.DefaultThreads };
        var limit = new Option<int?>("--limit") { Description = "At most N faces per dataset, evenly spaced (must match the source run's to validate on its split)" };
        var timingRuns = new Option<int>("--timing-runs") { Description = "Forward passes timed per network", DefaultValueFactory = _ => 300 };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Crop cache folder (default ~/.cache/faceattr/crops)" };
        var bundle = AnalyzeCommand.BundleOption();
        var command = new Command("prune", "Prune a trained network's weakest channels (BatchNorm |γ|), fine-tune it and report size, speed and accuracy before/after")
        {
            model, data, output, ratio, threshold, score, minChannels, minFraction, noFold, epochs, batch, lr, optimizer, balance, bnL1,
            seed, threads, limit, timingRuns, cache, bundle,
        };
        command.SetAction(parse =>
        {
            var prune = new PruneOptions
            {
                Ratio = parse.GetValue(ratio),
                Threshold = parse.GetValue(threshold),
                Score = parse.GetValue(score) == "gamma" ? ChannelScore.Gamma : ChannelScore.LayerRelativeGamma,
                MinChannels = parse.GetValue(minChannels),
                MinFraction = parse.GetValue(minFraction),
                FoldRemovedChannels = !parse.GetValue(noFold),
            };
            var opt = parse.GetValue(optimizer) == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam;
            var training = new TrainOptions
            {
                BatchSize = parse.GetValue(batch),
                Optimizer = opt,
                LearningRate = parse.GetValue(lr) ?? (opt == OptimizerKind.Adam ? 0.0005 : 0.005),
                Balance = parse.GetValue(balance) switch { "dwa" => BalanceKind.Dwa, "fixed" => BalanceKind.Fixed, _ => BalanceKind.Uncertainty },
                BatchNormL1 = parse.GetValue(bnL1),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                LimitPerDataset = parse.GetValue(limit),
            }.WithEarlierRecipe(); // the recipe its figures were measured with (docs/export.md); a few fine-tune epochs are not a measured case for today's defaults
            var cacheOptions = new CropCacheOptions { BundleFolder = parse.GetValue(bundle)!.FullName, Threads = training.Threads };
            if (parse.GetValue(cache) is { } cacheFolder)
            {
                cacheOptions = cacheOptions with { CacheFolder = cacheFolder.FullName };
            }

            var request = new PruneRequest(ModelPath(parse.GetValue(model)!), parse.GetValue(data)!.FullName, parse.GetValue(output)!.FullName,
                parse.GetValue(epochs), parse.GetValue(timingRuns));
            return Run(request, prune, training, cacheOptions);
        });
        return command;
    }

    private sealed record PruneRequest(string Model, string Data, string Output, int Epochs, int TimingRuns);

    private static string ModelPath(FileSystemInfo model) =>
        Directory.Exists(model.FullName) ? Path.Combine(model.FullName, TrainedNetwork.WeightsFile) : model.FullName;

    private static int Run(PruneRequest request, PruneOptions prune, TrainOptions training, CropCacheOptions cache)
    {
        try
        {
            prune.Validate();
            training.Validate();
            ArgumentOutOfRangeException.ThrowIfNegative(request.Epochs, "--epochs");
            ArgumentOutOfRangeException.ThrowIfLessThan(request.TimingRuns, 1, "--timing-runs");
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"{Name}: {ex.Message}");
            return 2;
        }

        // Checked before the minutes of loading and training, not only at the end.
        if (Directory.Exists(request.Output) || File.Exists(request.Output))
        {
            Console.Error.WriteLine($"{Name}: {request.Output} already exists; give a new --out (nothing is overwritten)");
            return 2;
        }

        var sets = LabeledSetFolders.Find(request.Data);
        if (sets.Count == 0)
        {
            Console.Error.WriteLine($"{Name}: {request.Data} holds none of celeba/, utkface/, expressions/, rafdb/");
            return 2;
        }

        if (TrainingConsole.StartTorch(training.Threads, Name) is null)
        {
            return 2;
        }

        try
        {
            using var source = TrainedNetwork.Load(request.Model);
            Console.Error.WriteLine($"{Name}: {request.Model}: blocks [{string.Join(", ", source.Options.ResolvedBlockWidths())}], {source.ParameterCount():N0} parameters");
            training = training with { Network = source.Options };
            var balancer = Trainer.ReadBalancerState(Path.GetDirectoryName(Path.GetFullPath(request.Model))!);
            Console.Error.WriteLine($"{Name}: task weights {(balancer is null ? "start afresh (no checkpoint beside the model)" : "continue from the source run's checkpoint")}");
            var watch = Stopwatch.StartNew();
            var data = TrainingData.Prepare(LabeledSetFolders.Read(sets, Name, Console.Error), training, cache);
            Console.Error.WriteLine($"{Name}: crops ready in {watch.Elapsed.TotalSeconds:0}s; {data.Train.Length} training, {data.Validation.Length} validation faces");
            var outcome = Prune(request, prune, training, data, source, balancer);
            Console.Error.WriteLine($"{Name}: wrote {request.Output}");
            Console.WriteLine(PruneReport.Markdown(outcome));
            return 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or DatasetException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"{Name}: {ex.Message}");
            return 2;
        }
    }

    private static PruneOutcome Prune(PruneRequest request, PruneOptions prune, TrainOptions training, TrainingData data, FaceAttrNet source, IReadOnlyDictionary<string, double[]>? balancer) =>
        TrainingConsole.WithProgress(observer => new PruneSession(prune, training, data, observer)
        {
            FineTuneEpochs = request.Epochs,
            TimingRuns = request.TimingRuns,
            BalancerState = balancer,
        }.Run(source, request.Model, request.Output));
}
