using FaceAttr.Training.Augmentation;
using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Data;

/// <summary>The tensors of one batch: input and every head's targets and weights. Disposing frees them.</summary>
public sealed class Batch : IDisposable
{
    /// <summary>[B, 3, S, S].</summary>
    public required Tensor Input { get; init; }

    /// <summary>[B] int64, gender targets.</summary>
    public required Tensor Gender { get; init; }

    /// <summary>[B].</summary>
    public required Tensor GenderWeight { get; init; }

    /// <summary>Three [B] int64 tensors: the age stage targets.</summary>
    public required IReadOnlyList<Tensor> AgeStages { get; init; }

    /// <summary>[B] float, age in years (0 where unlabeled).</summary>
    public required Tensor AgeYears { get; init; }

    /// <summary>[B].</summary>
    public required Tensor AgeWeight { get; init; }

    /// <summary>[B] int64.</summary>
    public required Tensor Expression { get; init; }

    /// <summary>[B] int64, coarse expression.</summary>
    public required Tensor ExpressionCoarse { get; init; }

    /// <summary>[B].</summary>
    public required Tensor ExpressionWeight { get; init; }

    /// <summary>[B, 3]: allowed eyewear classes.</summary>
    public required Tensor EyewearAllowed { get; init; }

    /// <summary>[B].</summary>
    public required Tensor EyewearWeight { get; init; }

    /// <summary>[B, A] 0/1.</summary>
    public required Tensor Binary { get; init; }

    /// <summary>[B, A].</summary>
    public required Tensor BinaryWeight { get; init; }

    /// <summary>[B] weight of the smile→happy hint (1 where the sample has a smile label and no expression label).</summary>
    public required Tensor SmileHint { get; init; }

    /// <summary>[B] smile target for the hint.</summary>
    public required Tensor SmileTarget { get; init; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in new[] { Input, Gender, GenderWeight, AgeYears, AgeWeight, Expression, ExpressionCoarse, ExpressionWeight,
                     EyewearAllowed, EyewearWeight, Binary, BinaryWeight, SmileHint, SmileTarget }.Concat(AgeStages))
        {
            t.Dispose();
        }
    }
}

/// <summary>Per-class weights computed from the training set (inverse frequency, clipped to 0.25–4) for gender, expression and eyewear; 1 for binary attributes.</summary>
public sealed record ClassWeights(float[] Gender, float[] Expression, float[] Eyewear, float[] BinaryPositive, float[] BinaryNegative)
{
    /// <summary>All ones.</summary>
    public static ClassWeights Uniform(int binaryCount) =>
        new([1, 1], [.. Enumerable.Repeat(1f, HeadSet.ExpressionClasses)], [1, 1, 1, 1], [.. Enumerable.Repeat(1f, binaryCount)], [.. Enumerable.Repeat(1f, binaryCount)]);

    /// <summary>Inverse-frequency weights over <paramref name="samples"/>.</summary>
    public static ClassWeights FromSamples(IReadOnlyList<TrainingSample> samples, int binaryCount)
    {
        ArgumentNullException.ThrowIfNull(samples);
        static float[] Inverse(int[] counts)
        {
            var total = counts.Sum();
            var present = counts.Count(c => c > 0);
            return [.. counts.Select(c => c == 0 ? 1f : Math.Clamp(total / (float)(present * c), 0.25f, 4f))];
        }

        var gender = new int[2];
        var expression = new int[HeadSet.ExpressionClasses];
        var eyewear = new int[4];
        foreach (var s in samples)
        {
            if (s.Gender >= 0) gender[s.Gender]++;
            if (s.Expression >= 0) expression[s.Expression]++;
            if (s.Eyewear >= 0) eyewear[s.Eyewear]++;
        }

        // Binary attributes keep weight 1 (see TrainOptions.ClassWeights).
        return new ClassWeights(Inverse(gender), Inverse(expression), Inverse(eyewear),
            [.. Enumerable.Repeat(1f, binaryCount)], [.. Enumerable.Repeat(1f, binaryCount)]);
    }
}

/// <summary>Builds <see cref="Batch"/>es from samples and their cached crops, augmenting deterministically.</summary>
public sealed class BatchBuilder
{
    private readonly IReadOnlyList<TrainingSample> _samples;
    private readonly FaceCrops _crops;
    private readonly int _inputSize;
    private readonly ClassWeights _weights;
    private readonly IReadOnlyList<(int Left, int Right)> _flipPairs;
    private readonly int _smileIndex;

    /// <summary>Creates the builder; <paramref name="crops"/> holds one crop per sample, in order.</summary>
    public BatchBuilder(IReadOnlyList<TrainingSample> samples, FaceCrops crops, int inputSize, IReadOnlyList<string> binaryAttributes, ClassWeights weights)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(crops);
        ArgumentNullException.ThrowIfNull(binaryAttributes);
        if (crops.Count != samples.Count)
        {
            throw new ArgumentException($"{samples.Count} samples but {crops.Count} crops");
        }

        _samples = samples;
        _crops = crops;
        _inputSize = inputSize;
        _weights = weights;
        BinaryCount = binaryAttributes.Count;
        _flipPairs = Augmenter.FlipPairs(binaryAttributes);
        _smileIndex = binaryAttributes.ToList().IndexOf("smile");
    }

    /// <summary>Number of binary attributes.</summary>
    public int BinaryCount { get; }

    /// <summary>The batch of <paramref name="indices"/> for <paramref name="epoch"/>, augmented with <paramref name="augment"/>.</summary>
    public Batch Build(ReadOnlySpan<int> indices, AugmentOptions augment, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(augment);
        var n = indices.Length;
        var s = _inputSize;
        var item = 3 * s * s;
        var input = new float[n * item];
        var gender = new long[n];
        var genderW = new float[n];
        var ages = new long[3][] { new long[n], new long[n], new long[n] };
        var ageYears = new float[n];
        var ageW = new float[n];
        var expression = new long[n];
        var coarse = new long[n];
        var expressionW = new float[n];
        var eyewear = new float[n * 3];
        var eyewearW = new float[n];
        var a = BinaryCount;
        var binary = new float[n * a];
        var binaryW = new float[n * a];
        var smileHint = new float[n];
        var smileTarget = new float[n];
        for (var k = 0; k < n; k++)
        {
            var index = indices[k];
            var sample = _samples[index];
            var p = Augmenter.Draw(augment, seed, epoch, index);
            Augmenter.Apply(_crops[index], _crops.Side, s, p, input.AsSpan(k * item, item));
            if (sample.Gender >= 0)
            {
                gender[k] = sample.Gender;
                genderW[k] = sample.GenderWeight * _weights.Gender[sample.Gender];
            }

            if (sample.AgeYears >= 0)
            {
                var (t1, t2, t3) = AgeStages.Targets(sample.AgeYears);
                (ages[0][k], ages[1][k], ages[2][k]) = (t1, t2, t3);
                ageYears[k] = Math.Min(sample.AgeYears, AgeStages.RangeYears);
                ageW[k] = sample.AgeWeight;
            }

            if (sample.Expression >= 0)
            {
                expression[k] = sample.Expression;
                coarse[k] = HeadSet.CoarseOfExpression[sample.Expression];
                expressionW[k] = sample.ExpressionWeight * _weights.Expression[sample.Expression];
            }

            if (sample.Eyewear >= 0)
            {
                if (sample.Eyewear == TrainingSample.AnyEyewear)
                {
                    eyewear[(k * 3) + 1] = eyewear[(k * 3) + 2] = 1;
                }
                else
                {
                    eyewear[(k * 3) + sample.Eyewear] = 1;
                }

                eyewearW[k] = sample.EyewearWeight * _weights.Eyewear[sample.Eyewear];
            }

            for (var j = 0; j < a; j++)
            {
                var from = j;
                if (p.Flip)
                {
                    foreach (var (left, right) in _flipPairs)
                    {
                        from = j == left ? right : j == right ? left : from;
                    }
                }

                var value = sample.Binary[from];
                if (value >= 0)
                {
                    binary[(k * a) + j] = value;
                    binaryW[(k * a) + j] = sample.BinaryWeight[from] * (value == 1 ? _weights.BinaryPositive[from] : _weights.BinaryNegative[from]);
                }
            }

            if (_smileIndex >= 0 && sample.Binary[_smileIndex] >= 0 && sample.Expression < 0)
            {
                smileHint[k] = sample.BinaryWeight[_smileIndex];
                smileTarget[k] = sample.Binary[_smileIndex];
            }
        }

        return new Batch
        {
            Input = tensor(input, [n, 3, s, s]),
            Gender = tensor(gender),
            GenderWeight = tensor(genderW),
            AgeStages = [tensor(ages[0]), tensor(ages[1]), tensor(ages[2])],
            AgeYears = tensor(ageYears),
            AgeWeight = tensor(ageW),
            Expression = tensor(expression),
            ExpressionCoarse = tensor(coarse),
            ExpressionWeight = tensor(expressionW),
            EyewearAllowed = tensor(eyewear, [n, 3]),
            EyewearWeight = tensor(eyewearW),
            Binary = tensor(binary, [n, a]),
            BinaryWeight = tensor(binaryW, [n, a]),
            SmileHint = tensor(smileHint),
            SmileTarget = tensor(smileTarget),
        };
    }
}
