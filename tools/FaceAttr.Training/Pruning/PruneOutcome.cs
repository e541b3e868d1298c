using FaceAttr.Training.Training;

namespace FaceAttr.Training.Pruning;

/// <summary>Size, speed and validation of one network in a pruning run.</summary>
/// <param name="BlockWidths">Output channels of each block.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates per face (<see cref="NetworkCost.Macs"/>).</param>
/// <param name="MillisecondsPerFace">Median host forward time, batch 1 (<see cref="InferenceTimer"/>).</param>
/// <param name="Validation">Per-head metrics on the held-out split.</param>
public sealed record NetworkFigures(IReadOnlyList<int> BlockWidths, long Parameters, long Macs, double MillisecondsPerFace, ValidationResult Validation);

/// <summary>What <see cref="PruneSession.Run"/> did.</summary>
/// <param name="Source">Where the source network came from (for the report).</param>
/// <param name="Prune">Pruning options.</param>
/// <param name="FineTune">Fine-tuning options (their shape is the pruned network's), or null when not fine-tuned.</param>
/// <param name="Selection">Channels kept per block.</param>
/// <param name="Before">The source network.</param>
/// <param name="Pruned">The pruned network before fine-tuning.</param>
/// <param name="FineTuned">The pruned network after fine-tuning, or null when not fine-tuned.</param>
/// <param name="History">Fine-tuning epochs.</param>
/// <param name="ModelPath">The saved <c>model.bin</c> (final location).</param>
/// <param name="TorchThreads">Torch threads during the timings.</param>
/// <param name="BalancerStateInherited">Whether fine-tuning started from the source run's task weights.</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record PruneOutcome(
    string Source,
    PruneOptions Prune,
    TrainOptions? FineTune,
    ChannelSelection Selection,
    NetworkFigures Before,
    NetworkFigures Pruned,
    NetworkFigures? FineTuned,
    IReadOnlyList<EpochSummary> History,
    string ModelPath,
    int TorchThreads,
    bool BalancerStateInherited,
    double Seconds)
{
    /// <summary>The figures of the network that was saved.</summary>
    public NetworkFigures Final => FineTuned ?? Pruned;
}
