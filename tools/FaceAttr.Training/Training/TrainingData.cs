using FaceAttr.Datasets;
using FaceAttr.Training.Data;

namespace FaceAttr.Training.Training;

/// <summary>A labeled set to train on: a reader's result under a dataset name.</summary>
/// <param name="Name">Dataset name (<c>celeba</c>, <c>utkface</c>, <c>expressions</c>, <c>rafdb</c>, or the manifest's name).</param>
/// <param name="Source">Folder or manifest file it was read from (for the report).</param>
/// <param name="Set">What the reader produced.</param>
public sealed record DatasetInput(string Name, string Source, DatasetReadResult Set);

/// <summary>What one dataset contributed (for the report).</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Source">Folder or manifest.</param>
/// <param name="Train">Training faces.</param>
/// <param name="Validation">Validation faces.</param>
/// <param name="SkippedByReader">Entries the reader skipped.</param>
/// <param name="ExcludedByReader">Entries the reader excluded on purpose.</param>
/// <param name="CorruptImages">Images that failed to decode (skipped, counted).</param>
public sealed record DatasetUse(string Name, string Source, int Train, int Validation, int SkippedByReader, int ExcludedByReader, int CorruptImages)
{
    /// <summary>Training faces whose missing head was filled by a teacher, per head (empty without <see cref="TeacherLabels"/>).</summary>
    public IReadOnlyDictionary<string, int> TeacherFilled { get; init; } = new Dictionary<string, int>();
}

/// <summary>Samples with their crops, split into training and validation.</summary>
public sealed class TrainingData
{
    private TrainingData(IReadOnlyList<TrainingSample> samples, CropSet crops, int[] train, int[] validation, IReadOnlyList<DatasetUse> uses)
    {
        Samples = samples;
        Crops = crops;
        Train = train;
        Validation = validation;
        Uses = uses;
    }

    /// <summary>Every usable sample, in dataset order.</summary>
    public IReadOnlyList<TrainingSample> Samples { get; }

    /// <summary>Their crops.</summary>
    public CropSet Crops { get; }

    /// <summary>Indices of training samples.</summary>
    public int[] Train { get; }

    /// <summary>Indices of validation samples.</summary>
    public int[] Validation { get; }

    /// <summary>Per-dataset counts.</summary>
    public IReadOnlyList<DatasetUse> Uses { get; }

    /// <summary>Wraps samples whose crops are already made (tests, generated fixtures); splits them like <see cref="Prepare"/>.</summary>
    internal static TrainingData FromCrops(IReadOnlyList<TrainingSample> samples, FaceCrops crops, double validationFraction)
    {
        var validation = Enumerable.Range(0, samples.Count).Where(i => ValidationSplit.IsValidation(samples[i], validationFraction)).ToArray();
        var train = Enumerable.Range(0, samples.Count).Except(validation).ToArray();
        var set = new CropSet(crops, [.. Enumerable.Repeat(true, samples.Count)], samples.Count, 0, [], []);
        return new TrainingData(samples, set, train, validation, []);
    }

    /// <summary>
    /// Turns <paramref name="inputs"/> into samples (cut to <see cref="TrainOptions.LimitPerDataset"/>), fills the heads
    /// they lack from <paramref name="teacher"/> on training faces only (validation keeps ground truth alone, so its figures
    /// never score the student against the teacher), aligns and caches the crops, drops corrupt images (counted), and splits.
    /// </summary>
    /// <exception cref="DatasetException">No usable face at all.</exception>
    public static TrainingData Prepare(IReadOnlyList<DatasetInput> inputs, TrainOptions options, CropCacheOptions cache, Action<int, int>? progress = null, TeacherLabels? teacher = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var all = new List<TrainingSample>();
        var filledByDataset = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var faces = options.LimitPerDataset is { } n ? LabeledSubset.EvenlySpaced(input.Set.Faces, n) : input.Set.Faces;
            var filled = filledByDataset[input.Name] = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var face in faces)
            {
                var labels = face;
                if (teacher is not null && !ValidationSplit.IsValidation(TrainingSample.SplitKeyOf(face, input.Name), options.ValidationFraction))
                {
                    labels = teacher.Fill(face, out var heads);
                    foreach (var head in heads)
                    {
                        filled[head] = filled.GetValueOrDefault(head) + 1;
                    }
                }

                all.Add(TrainingSample.From(labels, input.Name, options.Network.BinaryAttributes));
            }
        }

        if (all.Count == 0)
        {
            throw new DatasetException(string.Join(", ", inputs.Select(i => i.Source)), null, "no usable faces to train on");
        }

        var crops = CropCache.Load(all, cache with { InputSize = options.Network.InputSize, CropScale = options.Network.CropScale }, progress, cancellationToken);
        var keep = Enumerable.Range(0, all.Count).Where(i => crops.Usable[i]).ToArray();
        var samples = keep.Select(i => all[i]).ToList();
        var side = crops.Crops.Side;
        var item = side * side * 3;
        var pixels = new byte[(long)keep.Length * item];
        for (var j = 0; j < keep.Length; j++)
        {
            Array.Copy(crops.Crops.Pixels, (long)keep[j] * item, pixels, (long)j * item, item);
        }

        var kept = crops with { Crops = new FaceCrops(pixels, side, keep.Length), Usable = [.. Enumerable.Repeat(true, keep.Length)] };
        var validation = Enumerable.Range(0, samples.Count).Where(i => ValidationSplit.IsValidation(samples[i], options.ValidationFraction)).ToArray();
        var isValidation = new HashSet<int>(validation);
        var train = Enumerable.Range(0, samples.Count).Where(i => !isValidation.Contains(i)).ToArray();
        var corrupt = crops.Failures.GroupBy(f => all.First(s => s.ImagePath == f.ImagePath).Dataset).ToDictionary(g => g.Key, g => g.Count());
        var uses = inputs.Select(input => new DatasetUse(
            input.Name, input.Source,
            train.Count(i => samples[i].Dataset == input.Name),
            validation.Count(i => samples[i].Dataset == input.Name),
            input.Set.Skipped.Count, input.Set.Excluded.Count, corrupt.GetValueOrDefault(input.Name))
        {
            TeacherFilled = filledByDataset[input.Name],
        }).ToList();
        if (train.Length == 0)
        {
            throw new DatasetException(string.Join(", ", inputs.Select(i => i.Source)), null, "every usable face fell in the validation split");
        }

        return new TrainingData(samples, kept, train, validation, uses);
    }
}
