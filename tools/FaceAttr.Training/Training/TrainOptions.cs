using FaceAttr.Training.Augmentation;
using FaceAttr.Training.Losses;
using FaceAttr.Training.Network;

namespace FaceAttr.Training.Training;

/// <summary>Optimizer choice.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (Nesterov) momentum (the seed's choice).</summary>
    Sgd,

    /// <summary>Adam, with weight decay added to the gradient as an L2 term.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter 2019): the decay shrinks weights directly instead of passing through Adam's scaling.</summary>
    AdamW,
}

/// <summary>Everything a run depends on besides the data. Every field has a default (the full run) and a stated range.</summary>
public sealed record TrainOptions
{
    /// <summary>Network shape.</summary>
    public NetworkOptions Network { get; init; } = new();

    /// <summary>Augmentation for training batches.</summary>
    public AugmentOptions Augment { get; init; } = new();

    /// <summary>Epochs, 1–1000 (default 40: about 51 min on 2 cores for the three real sets with the default network, 76 s per epoch).</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Batch size, 2–1024 (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate (default 0.002, for Adam; see <see cref="DefaultLearningRate"/>).</summary>
    public double LearningRate { get; init; } = DefaultLearningRate(OptimizerKind.Adam);

    /// <summary>Largest global gradient norm per step (default 5).</summary>
    public double GradientClip { get; init; } = 5.0;

    /// <summary>SGD momentum 0–0.99 (default 0.9, Nesterov).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (default 5e-4, an L2 term for SGD and Adam; see <see cref="DefaultWeightDecay"/>).</summary>
    public double WeightDecay { get; init; } = DefaultWeightDecay(OptimizerKind.Adam);

    /// <summary>The weight decay each optimizer is run with: 5e-4 as L2 for SGD and Adam, 0.05 decoupled for AdamW (its decay is multiplied by the learning rate, hence the larger figure).</summary>
    public static double DefaultWeightDecay(OptimizerKind optimizer) => optimizer == OptimizerKind.AdamW ? 0.05 : 5e-4;

    /// <summary>
    /// Decay of the moving average of the weights that is validated and saved (see <see cref="WeightAverage"/>), 0–0.9999;
    /// 0 = off, the live weights are saved. Default 0.998 (roughly the last two epochs of the full run), measured
    /// together with <see cref="AgeL1Weight"/> 1.5 over three seeds (docs/training.md, "The default recipe").
    /// </summary>
    public double WeightAverageDecay { get; init; } = 0.998;

    /// <summary>
    /// Optimizer (default Adam). The seed's SGD with momentum stays one switch away; on these sets Adam was ahead on CelebA
    /// gender, smile and age in the side-by-side runs (docs/training.md), so the measured full run uses Adam.
    /// </summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The peak learning rate each optimizer was run with: SGD 0.02, Adam 0.002.</summary>
    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? 0.02 : 0.002;

    /// <summary>Task balancing (default uncertainty weighting).</summary>
    public BalanceKind Balance { get; init; } = BalanceKind.Uncertainty;

    /// <summary>
    /// Floor under the weight uncertainty weighting may learn, per loss term (default age 1; without a floor each weight
    /// may fall to 0.05). Uncertainty weighting settles a weight near 1/loss, so the age term, whose loss is three stage
    /// cross-entropies plus the L1, ends near 0.34 while every classification head sits at the 4.48 ceiling; a floor of 1
    /// on age holds it about three times higher, which took UTKFace age MAE under 6 years with each of three seeds
    /// (docs/training.md, "The age floor becomes the default"). Ignored by fixed and DWA weighting.
    /// </summary>
    public IReadOnlyDictionary<string, double> MinTaskWeight { get; init; } = new Dictionary<string, double> { [HeadSet.Age] = 1.0 };

    /// <summary>
    /// How many tasks a loss term counts as, per term, 0.1–20 (a term not listed counts as 1). Default: the attribute
    /// term counts as its 11 attributes. It is the mean over them, so unscaled each attribute pulled on the shared layers
    /// with an eleventh of a head's weight and most were underfit (mouth open 88% right on its own training faces); with
    /// each pulling like one head, two seeds gained 1.2–1.3 points of the CelebA mean, smiling and CelebA gender, and lost
    /// 0.8–2.2 points of UTKFace gender and 1.4–3.3 of expression (docs/training.md, "Each attribute pulls like one head").
    /// Counting gender twice as well won back 0.9 points of UTKFace gender but cost CelebA gender, smiling and expression
    /// on the same two seeds, so it is not in the default ("Gender counted twice on top"). See
    /// <see cref="TaskBalancer.ValidateScales"/> for why this scales the weighted term rather than the loss.
    /// </summary>
    public IReadOnlyDictionary<string, double> TaskScale { get; init; } = new Dictionary<string, double> { [HeadSet.Binary] = HeadSet.DefaultBinary.Count };

    /// <summary>
    /// Focal γ per loss term, 0–5 (a term not listed trains with plain cross-entropy, γ 0). Default none: the seed's
    /// γ 1 on gender and the attributes cost accuracy on the real sets here — without it, each of three seeds gained
    /// UTKFace gender and the CelebA mean, and on the mean CelebA gender +0.28, smiling −0.11 points (docs/training.md,
    /// "Plain cross-entropy instead of focal loss"). Focal loss down-weights the easy
    /// majority-class faces, which moves the decision towards the rare class; accuracy rewards the opposite. It stays for
    /// a deployer's set where a rare class's recall matters more than accuracy.
    /// </summary>
    public IReadOnlyDictionary<string, double> FocalGamma { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Inverse-frequency class weights for gender, expression and eyewear (binary attributes never: their metric is
    /// accuracy at 0.5 and reweighting rare attributes trades accuracy for recall). Default off: on the real sets here,
    /// two seeds each, turning them on cost 2.5–4.4 points of CelebA gender, 3.6–4.2 of UTKFace gender and 1.0–1.4 years
    /// of age MAE (docs/training.md, "Task balancing and class weights"). They are for a deployer's set whose classes are
    /// far more skewed than these, where recall of the rare class matters more than accuracy.
    /// </summary>
    public bool ClassWeights { get; init; }

    /// <summary>Coarse-to-fine expression: epochs during which only the coarse expression head trains (default 3).</summary>
    public int ExpressionCoarseEpochs { get; init; } = 3;

    /// <summary>Weight of the smile→happy hint on faces with a smile label and no expression label, 0–1 (default 0.1).</summary>
    public double SmileHintWeight { get; init; } = 0.1;

    /// <summary>
    /// Weight of the L1 loss on decoded age in decades, added to the stage classification (default 1.5; 0.5 before, and
    /// 1.5 with the weight average was better on UTKFace age and gender with each of three seeds, docs/training.md).
    /// </summary>
    public double AgeL1Weight { get; init; } = 1.5;

    /// <summary>Fraction kept apart for validation, 0.05–0.5 (default 0.15).</summary>
    public double ValidationFraction { get; init; } = 0.15;

    /// <summary>Seed for initialisation, sampling and augmentation (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Torch threads (default the core count).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Use at most this many faces per dataset, evenly spaced (null = all) — for quick runs.</summary>
    public int? LimitPerDataset { get; init; }

    /// <summary>
    /// Sparsity pull on BatchNorm scales (network slimming, Liu et al. 2017), 0–0.01 (default 0 = off; 1e-4 is the
    /// paper's order for SGD): λ·sign(γ) is added to every BatchNorm2d weight's gradient each step, so channels the
    /// network can spare drift towards γ = 0 and <see cref="Pruning.ChannelPruner"/> can remove them cheaply.
    /// </summary>
    public double BatchNormL1 { get; init; }

    /// <summary>Sampling power over dataset sizes, 0–1 (default 0.5; see <see cref="Data.BalancedSampler"/>).</summary>
    public double SamplingPower { get; init; } = 0.5;

    /// <summary>The tiny configuration used by tests: 32×32 input, narrow, 400 faces per set, 10 epochs, Adam (fastest to move in few steps), class weights on.</summary>
    public static TrainOptions Tiny { get; } = new TrainOptions
    {
        Network = new NetworkOptions { InputSize = 32, Widths = [16, 24, 32], FeatureSize = 48, Dropout = 0 },
        Epochs = 10,
        BatchSize = 32,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 0.003,
        ExpressionCoarseEpochs = 2,
        LimitPerDataset = 400,
        // At this scale (1,021 training faces, 10 short epochs) class weights are what move gender off the majority
        // answer: without them the tiny run ends at 68.9% CelebA gender against a 63.9% majority, with them it clears it.
        ClassWeights = true,
    }.WithEarlierRecipe(); // its assertions were set with it, and 320 steps are too few for a moving average to settle

    /// <summary>
    /// These options with the recipe from before the 2026-11-27 and -28 defaults: live weights (no moving average), age L1 weight
    /// 0.5, no age floor, focal γ 1 on gender and the attributes, and every loss term counting once. For configurations
    /// whose figures were measured that way (the tiny run, the prune fine-tune).
    /// </summary>
    public TrainOptions WithEarlierRecipe() => this with
    {
        WeightAverageDecay = 0,
        AgeL1Weight = 0.5,
        MinTaskWeight = new Dictionary<string, double>(),
        FocalGamma = new Dictionary<string, double> { [HeadSet.Gender] = 1.0, [HeadSet.Binary] = 1.0 },
        TaskScale = new Dictionary<string, double>(),
    };

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        Network.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Epochs, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 1024);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(Momentum);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Momentum, 0.99);
        ArgumentOutOfRangeException.ThrowIfLessThan(ValidationFraction, 0.05);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ValidationFraction, 0.5);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Threads);
        ArgumentOutOfRangeException.ThrowIfNegative(ExpressionCoarseEpochs);
        ArgumentOutOfRangeException.ThrowIfNegative(WeightDecay);
        ArgumentOutOfRangeException.ThrowIfNegative(AgeL1Weight);
        ArgumentOutOfRangeException.ThrowIfNegative(WeightAverageDecay);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WeightAverageDecay, 0.9999);
        TaskBalancer.ValidateMinWeights(HeadSet.LossTerms, MinTaskWeight);
        TaskBalancer.ValidateScales(HeadSet.LossTerms, TaskScale);
        ValidateFocalGamma(FocalGamma);
        ArgumentOutOfRangeException.ThrowIfNegative(BatchNormL1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchNormL1, 0.01);
        ArgumentOutOfRangeException.ThrowIfNegative(SamplingPower);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SamplingPower, 1);
    }

    /// <summary>Throws unless every key is a loss term and every γ is in 0–5 (beyond 5 the modulation zeroes almost every gradient).</summary>
    private static void ValidateFocalGamma(IReadOnlyDictionary<string, double> gammas) =>
        PerTermValues.Validate(HeadSet.LossTerms, gammas, "focal gamma", gamma => gamma is >= 0 and <= 5, "in 0..5", nameof(gammas));
}
