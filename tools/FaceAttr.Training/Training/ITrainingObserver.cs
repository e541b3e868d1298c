namespace FaceAttr.Training.Training;

/// <summary>Mean losses and validation of one finished epoch.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="TrainLosses">Mean training loss per term.</param>
/// <param name="Validation">Validation results of the weights that get saved (the moving average when it is on).</param>
/// <param name="TaskWeights">Effective task weights at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="LiveValidation">With a moving average of the weights: validation of the live (unaveraged) weights, for the comparison; otherwise null.</param>
public sealed record EpochSummary(int Epoch, IReadOnlyDictionary<string, double> TrainLosses, ValidationResult Validation,
    IReadOnlyDictionary<string, double> TaskWeights, double Seconds, double LearningRate, ValidationResult? LiveValidation = null);

/// <summary>Receives progress from <see cref="Trainer"/> (the CLI shows it with Spectre.Console; tests record it).</summary>
public interface ITrainingObserver
{
    /// <summary>An epoch of <paramref name="batches"/> batches starts.</summary>
    void EpochStarted(int epoch, int epochs, int batches);

    /// <summary>A batch finished with these (unweighted) losses per term.</summary>
    void BatchFinished(int epoch, int batch, int batches, IReadOnlyDictionary<string, double> losses);

    /// <summary>An epoch finished.</summary>
    void EpochFinished(EpochSummary summary);
}
