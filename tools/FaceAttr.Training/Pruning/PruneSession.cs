using System.Diagnostics;
using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using FaceAttr.Training.Training;
using static TorchSharp.torch;

namespace FaceAttr.Training.Pruning;

/// <summary>
/// Prune, fine-tune, measure, save: the work behind <c>faceattr prune</c>. Measures the source, prunes it with
/// <see cref="ChannelPruner"/>, measures the pruned network, fine-tunes it with <see cref="Trainer"/> on the same data
/// pipeline and held-out split the source was validated on, and writes <c>model.bin</c> + <c>network.json</c>, the
/// report and the fine-tuning curves into a new folder.
/// </summary>
/// <param name="prune">What to remove.</param>
/// <param name="training">Fine-tuning and validation settings (optimizer, learning rate, batch, balancing, seed); the network shape and epochs come from the source and <see cref="FineTuneEpochs"/>.</param>
/// <param name="data">Faces prepared for the source's input size and binary attributes.</param>
/// <param name="observer">Receives fine-tuning progress.</param>
public sealed class PruneSession(PruneOptions prune, TrainOptions training, TrainingData data, ITrainingObserver? observer = null)
{
    /// <summary>Epochs of fine-tuning, 0–1000 (default 3; 0 saves the pruned network as it is).</summary>
    public int FineTuneEpochs { get; init; } = 3;

    /// <summary>Forward passes timed per network (default 300).</summary>
    public int TimingRuns { get; init; } = 300;

    /// <summary>Task-balancer state of the source run (<see cref="Trainer.ReadBalancerState"/>), or null to start the task weights afresh.</summary>
    public IReadOnlyDictionary<string, double[]>? BalancerState { get; init; }

    /// <summary>
    /// Runs everything and returns the outcome. <paramref name="outputFolder"/> must not exist; it appears complete or
    /// not at all (the work happens in a sibling temp folder that is renamed at the end).
    /// </summary>
    /// <param name="source">The trained network (not changed; its train/eval mode is restored).</param>
    /// <param name="sourceName">Where it came from, for the report.</param>
    /// <param name="outputFolder">New folder for the pruned network and its report.</param>
    /// <param name="cancellationToken">Stops fine-tuning between batches.</param>
    /// <exception cref="IOException"><paramref name="outputFolder"/> exists.</exception>
    /// <exception cref="InvalidOperationException">The data was prepared for another input size or attribute set.</exception>
    public PruneOutcome Run(FaceAttrNet source, string sourceName, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(prune);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(FineTuneEpochs);
        prune.Validate();
        var output = Path.GetFullPath(outputFolder);
        if (Directory.Exists(output) || File.Exists(output))
        {
            throw new IOException($"{output} already exists; give a new output folder (nothing is overwritten)");
        }

        CheckData(source.Options);
        // Fine-tuning starts from a network that already tells expressions apart, so no coarse-only phase.
        var options = training with { Network = source.Options, Epochs = Math.Max(1, FineTuneEpochs), ExpressionCoarseEpochs = 0 };
        options.Validate();
        var watch = Stopwatch.StartNew();
        var builder = Trainer.BatchBuilderFor(options, data);
        var before = Validate(source, builder, options);
        var temp = $"{output}.tmp-{Guid.NewGuid():N}";
        try
        {
            var pruned = ChannelPruner.Prune(source, prune);
            using var prunedNet = pruned.Network;
            var afterPruning = Validate(prunedNet, builder, options);
            TrainResult? fineTuning = null;
            if (FineTuneEpochs == 0)
            {
                TrainedNetwork.Save(prunedNet, temp);
            }
            else
            {
                var trainer = new Trainer(options with { Network = prunedNet.Options }, data, temp, observer)
                {
                    InitialNetwork = prunedNet,
                    InitialBalancerState = BalancerState,
                };
                fineTuning = trainer.Run(cancellationToken: cancellationToken);
            }

            // Measured from the saved files: what is reported is what was written.
            using var saved = TrainedNetwork.Load(Path.Combine(temp, TrainedNetwork.WeightsFile));
            var afterFineTuning = fineTuning is null ? null : Validate(saved, builder, options);
            FaceAttrNet[] timed = fineTuning is null ? [source, prunedNet] : [source, prunedNet, saved];
            var ms = InferenceTimer.MedianMilliseconds(timed, TimingRuns);
            var outcome = new PruneOutcome(
                sourceName, prune, fineTuning is null ? null : options with { Network = prunedNet.Options, Epochs = FineTuneEpochs },
                pruned.Selection, Figures(source, before, ms[0]), Figures(prunedNet, afterPruning, ms[1]),
                afterFineTuning is null ? null : Figures(saved, afterFineTuning, ms[2]), fineTuning?.History ?? [],
                Path.Combine(output, TrainedNetwork.WeightsFile), get_num_threads(), fineTuning is not null && BalancerState is not null,
                watch.Elapsed.TotalSeconds);
            PruneReport.Write(temp, outcome);
            Directory.Move(temp, output);
            return outcome;
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    private void CheckData(NetworkOptions shape)
    {
        var side = FaceCrops.SideFor(shape.InputSize);
        if (data.Crops.Crops.Side != side)
        {
            throw new InvalidOperationException($"the faces were cropped for another input size ({data.Crops.Crops.Side} px crops; the network's input {shape.InputSize} needs {side} px)");
        }

        if (data.Samples.Count > 0 && data.Samples[0].Binary.Length != shape.BinaryAttributes.Count)
        {
            throw new InvalidOperationException($"the faces carry {data.Samples[0].Binary.Length} binary attributes, the network {shape.BinaryAttributes.Count}; prepare the data with the network's options");
        }
    }

    private static NetworkFigures Figures(FaceAttrNet net, ValidationResult validation, double milliseconds) =>
        new(net.Options.ResolvedBlockWidths(), net.ParameterCount(), NetworkCost.Macs(net.Options), milliseconds, validation);

    private ValidationResult Validate(FaceAttrNet net, BatchBuilder builder, TrainOptions options)
    {
        var wasTraining = net.training;
        try
        {
            return Validator.Run(net, builder, data.Samples, data.Validation, options);
        }
        finally
        {
            net.train(wasTraining);
        }
    }
}
