using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceAttr.Training.Data;
using FaceAttr.Training.Losses;
using FaceAttr.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceAttr.Training.Training;

/// <summary>The result of <see cref="Trainer.Run"/>.</summary>
/// <param name="History">Every epoch's summary (resumed epochs included).</param>
/// <param name="ModelPath">Weights of the final network (<c>model.bin</c>, TorchSharp format).</param>
/// <param name="ParameterCount">Trainable parameters.</param>
/// <param name="Seconds">Wall time of this invocation's training.</param>
/// <param name="ResumedFrom">The epoch resumed after, or 0.</param>
public sealed record TrainResult(IReadOnlyList<EpochSummary> History, string ModelPath, long ParameterCount, double Seconds, int ResumedFrom);

/// <summary>
/// Trains <see cref="FaceAttrNet"/> on prepared data: balanced mixed sampling, deterministic augmentation, masked
/// multi-task losses combined by the configured <see cref="TaskBalancer"/>, SGD, Adam or AdamW with warm-up and cosine decay,
/// an optional moving average of the weights (<see cref="WeightAverage"/>, validated and saved instead of the live weights),
/// coarse-to-fine expression, validation and a checkpoint after every epoch (<c>checkpoint/</c> in the output folder;
/// <c>Run(resume: true)</c> continues from it). Starts from random weights, or from <see cref="InitialNetwork"/> /
/// <see cref="InitialWeights"/> (fine-tuning a pruned network), whose shape then replaces <see cref="TrainOptions.Network"/>.
/// </summary>
public sealed class Trainer(TrainOptions options, TrainingData data, string outputFolder, ITrainingObserver? observer = null)
{
    private const string CheckpointFolder = "checkpoint";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Weights to start from instead of random initialisation; copied, so the caller keeps owning (and disposing) it.
    /// Its <see cref="FaceAttrNet.Options"/> replace <see cref="TrainOptions.Network"/>.
    /// </summary>
    public FaceAttrNet? InitialNetwork { get; init; }

    /// <summary>A <c>model.bin</c> (with its <c>network.json</c>) to start from, read by <see cref="TrainedNetwork.Load"/>; the alternative to <see cref="InitialNetwork"/>.</summary>
    public string? InitialWeights { get; init; }

    /// <summary>
    /// Task-balancer state to start from (see <see cref="ReadBalancerState"/>): fine-tuning keeps the task weights the
    /// source run had learned instead of starting them all at 1 again.
    /// </summary>
    public IReadOnlyDictionary<string, double[]>? InitialBalancerState { get; init; }

    /// <summary>Runs the remaining epochs. With <paramref name="resume"/> the checkpoint in the output folder is loaded first.</summary>
    /// <exception cref="InvalidOperationException">Resuming, but there is no checkpoint or it was made with another network shape.</exception>
    /// <exception cref="InvalidDataException"><see cref="InitialWeights"/> is missing or does not fit its network.json.</exception>
    public TrainResult Run(bool resume = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (InitialNetwork is not null && InitialWeights is not null)
        {
            throw new InvalidOperationException("give InitialNetwork or InitialWeights, not both");
        }

        using var loaded = InitialWeights is null ? null : TrainedNetwork.Load(InitialWeights);
        var initial = InitialNetwork ?? loaded;
        return Train(initial is null ? options : options with { Network = initial.Options }, initial, resume, cancellationToken);
    }

    private TrainResult Train(TrainOptions options, FaceAttrNet? initial, bool resume, CancellationToken cancellationToken)
    {
        options.Validate();
        Directory.CreateDirectory(outputFolder);
        var checkpoint = Path.Combine(outputFolder, CheckpointFolder);
        torch.random.manual_seed(options.Seed);
        using var net = new FaceAttrNet(options.Network);
        if (initial is not null)
        {
            using var state = NewDisposeScope();
            net.load_state_dict(initial.state_dict(), strict: true);
        }

        using var balancer = TaskBalancer.Create(options.Balance, HeadSet.LossTerms, minWeights: options.MinTaskWeight, scales: options.TaskScale);
        if (InitialBalancerState is not null)
        {
            balancer.LoadState(InitialBalancerState);
        }

        var builder = BatchBuilderFor(options, data);
        var sampler = new BalancedSampler([.. data.Train.Select(i => data.Samples[i].Dataset)], options.SamplingPower);
        using var optimizer = CreateOptimizer(net.parameters(), options, options.WeightDecay);
        var balancerParameters = balancer.Parameters.ToList();
        using var balancerOptimizer = balancerParameters.Count > 0 ? CreateOptimizer(balancerParameters, options, 0) : null;
        using var average = options.WeightAverageDecay > 0 ? new WeightAverage(net, options.WeightAverageDecay) : null;

        var history = new List<EpochSummary>();
        var startEpoch = 0;
        if (resume)
        {
            startEpoch = LoadCheckpoint(checkpoint, options, net, optimizer, balancerOptimizer, balancer, average, history);
        }

        var batchesPerEpoch = data.Train.Length / options.BatchSize;
        if (batchesPerEpoch == 0)
        {
            throw new InvalidOperationException($"{data.Train.Length} training faces make no batch of {options.BatchSize}");
        }

        var totalSteps = batchesPerEpoch * options.Epochs;
        var warmup = Math.Min(batchesPerEpoch, 300);
        var watch = Stopwatch.StartNew();
        var batchNormWeights = options.BatchNormL1 > 0
            ? net.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Select(bn => bn.weight!).ToList()
            : [];
        net.train();
        var lr = options.LearningRate;
        for (var epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epochWatch = Stopwatch.StartNew();
            observer?.EpochStarted(epoch + 1, options.Epochs, batchesPerEpoch);
            var order = sampler.Epoch(options.Seed, epoch).Select(k => data.Train[k]).ToArray();
            var fine = epoch >= options.ExpressionCoarseEpochs;
            var sums = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var b = 0; b < batchesPerEpoch; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var step = (epoch * batchesPerEpoch) + b;
                lr = LearningRate(options.LearningRate, step, warmup, totalSteps);
                SetLearningRate(optimizer, lr);
                if (balancerOptimizer is not null)
                {
                    SetLearningRate(balancerOptimizer, lr);
                }

                using var scope = NewDisposeScope();
                using var batch = builder.Build(order.AsSpan(b * options.BatchSize, options.BatchSize), options.Augment, options.Seed, epoch);
                var logits = net.forward(batch.Input);
                var losses = MultiTaskLoss.Compute(logits, batch, options, fine);
                var total = balancer.Combine(losses);
                optimizer.zero_grad();
                balancerOptimizer?.zero_grad();
                total.backward();
                // Clip the global gradient norm: one bad batch (or a task weight that grew) must not blow the run up.
                nn.utils.clip_grad_norm_(net.parameters(), options.GradientClip);
                // After the clip: the pull is bounded by λ per scale anyway, and clipping would weaken it exactly on
                // the steps with large task gradients.
                AddBatchNormL1(batchNormWeights, options.BatchNormL1);
                optimizer.step();
                balancerOptimizer?.step();
                average?.Update();
                var values = losses.ToDictionary(p => p.Key, p => (double)p.Value.item<float>(), StringComparer.Ordinal);
                foreach (var (term, value) in values)
                {
                    sums[term] = sums.GetValueOrDefault(term) + value;
                }

                observer?.BatchFinished(epoch + 1, b + 1, batchesPerEpoch, values);
            }

            var trainLosses = sums.ToDictionary(p => p.Key, p => p.Value / batchesPerEpoch, StringComparer.Ordinal);
            balancer.EndEpoch(trainLosses);
            var validation = Validator.Run(average?.Network ?? net, builder, data.Samples, data.Validation, options);
            var live = average is null ? null : Validator.Run(net, builder, data.Samples, data.Validation, options);
            var summary = new EpochSummary(epoch + 1, trainLosses, validation, balancer.Weights(), epochWatch.Elapsed.TotalSeconds, lr, live);
            history.Add(summary);
            SaveCheckpoint(checkpoint, options, net, optimizer, balancerOptimizer, balancer, average, history);
            observer?.EpochFinished(summary);
        }

        var model = TrainedNetwork.Save(average?.Network ?? net, outputFolder);
        return new TrainResult(history, model, net.ParameterCount(), watch.Elapsed.TotalSeconds, startEpoch);
    }

    /// <summary>
    /// The batch builder the trainer uses for <paramref name="data"/> (class weights from the training split), so that
    /// others validate with exactly the batches <see cref="Validator"/> sees during training.
    /// </summary>
    public static BatchBuilder BatchBuilderFor(TrainOptions options, TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        var binary = options.Network.BinaryAttributes.Count;
        var weights = options.ClassWeights
            ? ClassWeights.FromSamples([.. data.Train.Select(i => data.Samples[i])], binary)
            : ClassWeights.Uniform(binary);
        return new BatchBuilder(data.Samples, data.Crops.Crops, options.Network.InputSize, options.Network.BinaryAttributes, weights);
    }

    /// <summary>The task-balancer state in the checkpoint of the run in <paramref name="runFolder"/>, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The checkpoint state is unreadable.</exception>
    public static IReadOnlyDictionary<string, double[]>? ReadBalancerState(string runFolder)
    {
        var path = Path.Combine(runFolder, CheckpointFolder, "state.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path))?.Balancer;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a checkpoint state: {ex.Message}", ex);
        }
    }

    /// <summary>Linear warm-up over <paramref name="warmup"/> steps, then cosine decay to 2% of <paramref name="peak"/>.</summary>
    public static double LearningRate(double peak, int step, int warmup, int totalSteps)
    {
        if (step < warmup)
        {
            return peak * (step + 1) / warmup;
        }

        var progress = Math.Clamp((step - warmup) / (double)Math.Max(1, totalSteps - warmup), 0, 1);
        return peak * (0.02 + (0.98 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }

    private static void AddBatchNormL1(List<TorchSharp.Modules.Parameter> scales, double lambda)
    {
        using var noGrad = no_grad();
        foreach (var gamma in scales)
        {
            if (gamma.grad is { } grad)
            {
                using var sign = gamma.sign();
                grad.add_(sign, alpha: lambda);
            }
        }
    }

    private static TorchSharp.Modules.OptimizerHelper CreateOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters, TrainOptions options, double weightDecay) =>
        options.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, options.Momentum, 0, weightDecay, nesterov: options.Momentum > 0),
            OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: weightDecay),
            OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: weightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, null),
        };

    private static void SetLearningRate(TorchSharp.Modules.OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }

    // Recipe is null in checkpoints written before it was recorded; those are checked on the network alone.
    private sealed record CheckpointState(int Epoch, string Network, Dictionary<string, double[]> Balancer, List<EpochSummary> History, long AverageUpdates = 0, JsonObject? Recipe = null);

    private static void SaveCheckpoint(string folder, TrainOptions options, FaceAttrNet net, TorchSharp.Modules.OptimizerHelper optimizer, TorchSharp.Modules.OptimizerHelper? balancerOptimizer, TaskBalancer balancer, WeightAverage? average, List<EpochSummary> history)
    {
        Directory.CreateDirectory(folder);
        net.save(Path.Combine(folder, "model.bin.tmp"));
        optimizer.save_state_dict(Path.Combine(folder, "optimizer.bin.tmp"));
        balancerOptimizer?.save_state_dict(Path.Combine(folder, "balancer-optimizer.bin.tmp"));
        average?.Network.save(Path.Combine(folder, "average.bin.tmp"));
        var state = new CheckpointState(history.Count, JsonSerializer.Serialize(options.Network), balancer.SaveState(), history, average?.Updates ?? 0, ResumeRecipe.Of(options));
        File.WriteAllText(Path.Combine(folder, "state.json.tmp"), JsonSerializer.Serialize(state, Json));
        foreach (var name in new[] { "model.bin", "optimizer.bin", "balancer-optimizer.bin", "average.bin", "state.json" })
        {
            var temp = Path.Combine(folder, name + ".tmp");
            if (File.Exists(temp))
            {
                File.Move(temp, Path.Combine(folder, name), overwrite: true);
            }
        }
    }

    private static int LoadCheckpoint(string folder, TrainOptions options, FaceAttrNet net, TorchSharp.Modules.OptimizerHelper optimizer, TorchSharp.Modules.OptimizerHelper? balancerOptimizer, TaskBalancer balancer, WeightAverage? average, List<EpochSummary> history)
    {
        var statePath = Path.Combine(folder, "state.json");
        if (!File.Exists(statePath))
        {
            throw new InvalidOperationException($"nothing to resume: {statePath} not found");
        }

        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath))
            ?? throw new InvalidOperationException($"{statePath} is empty");
        if (state.Network != JsonSerializer.Serialize(options.Network))
        {
            throw new InvalidOperationException($"the checkpoint in {folder} was made with another network ({state.Network}); resume with the same options");
        }

        if (state.Recipe is not null && ResumeRecipe.Differences(state.Recipe, ResumeRecipe.Of(options)) is { Count: > 0 } differences)
        {
            throw new InvalidOperationException($"the checkpoint in {folder} was made with other training options ({string.Join("; ", differences)}); " +
                "resume with the options it was made with (only the epoch and thread counts may change)");
        }

        net.load(Path.Combine(folder, "model.bin"));
        optimizer.load_state_dict(Path.Combine(folder, "optimizer.bin"));
        var balancerState = Path.Combine(folder, "balancer-optimizer.bin");
        if (balancerOptimizer is not null && File.Exists(balancerState))
        {
            balancerOptimizer.load_state_dict(balancerState);
        }

        if (average is not null)
        {
            var averagePath = Path.Combine(folder, "average.bin");
            if (!File.Exists(averagePath))
            {
                throw new InvalidOperationException($"the checkpoint in {folder} has no weight average ({averagePath}); resume with the options it was made with");
            }

            average.Load(averagePath, state.AverageUpdates);
        }

        balancer.LoadState(state.Balancer);
        history.AddRange(state.History);
        return state.Epoch;
    }
}
