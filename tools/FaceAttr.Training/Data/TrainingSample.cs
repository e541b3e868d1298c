using FaceAttr.Datasets;
using FaceAttr.Training.Network;

namespace FaceAttr.Training.Data;

/// <summary>
/// One face as training sees it: every head's target (−1 when the dataset does not label it) and the weight of that label
/// (1 for ground truth, the confidence for pseudo-labels, 0 when absent). The eyewear target 3 means "eyeglasses or
/// sunglasses" (CelebA's Eyeglasses), trained as a set of two allowed classes.
/// </summary>
public sealed class TrainingSample
{
    /// <summary>Eyewear target meaning "eyeglasses or sunglasses".</summary>
    public const int AnyEyewear = 3;

    /// <summary>The image.</summary>
    public required string ImagePath { get; init; }

    /// <summary>The dataset it came from (<c>celeba</c>, <c>utkface</c>, …); sampling balances over these.</summary>
    public required string Dataset { get; init; }

    /// <summary>What the validation split hashes: the identity where the set names one, else the file name.</summary>
    public required string SplitKey { get; init; }

    /// <summary>0 female, 1 male, −1 unlabeled.</summary>
    public int Gender { get; init; } = -1;

    /// <summary>Weight of <see cref="Gender"/>.</summary>
    public float GenderWeight { get; init; }

    /// <summary>Age in years, −1 unlabeled.</summary>
    public float AgeYears { get; init; } = -1;

    /// <summary>Weight of <see cref="AgeYears"/>.</summary>
    public float AgeWeight { get; init; }

    /// <summary>Expression 0–6, −1 unlabeled.</summary>
    public int Expression { get; init; } = -1;

    /// <summary>Weight of <see cref="Expression"/>.</summary>
    public float ExpressionWeight { get; init; }

    /// <summary>Eyewear 0–2, <see cref="AnyEyewear"/>, or −1.</summary>
    public int Eyewear { get; init; } = -1;

    /// <summary>Weight of <see cref="Eyewear"/>.</summary>
    public float EyewearWeight { get; init; }

    /// <summary>Per binary attribute: 1, 0, or −1 unlabeled.</summary>
    public required sbyte[] Binary { get; init; }

    /// <summary>Per binary attribute weight.</summary>
    public required float[] BinaryWeight { get; init; }

    /// <summary>The <see cref="SplitKey"/> of <paramref name="face"/> in <paramref name="dataset"/>: its identity where the set names one, else its file name.</summary>
    public static string SplitKeyOf(LabeledFace face, string dataset)
    {
        ArgumentNullException.ThrowIfNull(face);
        return face.Identity is { } id ? $"{dataset}:id:{id}" : $"{dataset}:file:{Path.GetFileName(face.ImagePath)}";
    }

    /// <summary>Turns a reader's face into a sample for <paramref name="binaryAttributes"/> (the network's binary head order).</summary>
    public static TrainingSample From(LabeledFace face, string dataset, IReadOnlyList<string> binaryAttributes)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(binaryAttributes);
        float Confidence(string head) => face.Confidences.TryGetValue(head, out var c) ? c : 1f;
        var binary = new sbyte[binaryAttributes.Count];
        var binaryWeight = new float[binaryAttributes.Count];
        for (var i = 0; i < binary.Length; i++)
        {
            if (face.Attributes.TryGetValue(binaryAttributes[i], out var value))
            {
                binary[i] = value ? (sbyte)1 : (sbyte)0;
                binaryWeight[i] = Confidence(binaryAttributes[i]);
            }
            else
            {
                binary[i] = -1;
            }
        }

        var eyewear = face.Eyewear ?? (face.WearsEyewear is { } wears ? (wears ? AnyEyewear : 0) : -1);
        return new TrainingSample
        {
            ImagePath = face.ImagePath,
            Dataset = dataset,
            SplitKey = SplitKeyOf(face, dataset),
            Gender = face.Male is { } male ? (male ? 1 : 0) : -1,
            GenderWeight = face.Male is null ? 0 : Confidence(HeadSet.Gender),
            AgeYears = face.AgeYears ?? -1,
            AgeWeight = face.AgeYears is null ? 0 : Confidence(HeadSet.Age),
            Expression = face.Expression ?? -1,
            ExpressionWeight = face.Expression is null ? 0 : Confidence(HeadSet.Expression),
            Eyewear = eyewear,
            EyewearWeight = eyewear < 0 ? 0 : Confidence(face.Eyewear is null ? "eyeglasses" : HeadSet.Eyewear),
            Binary = binary,
            BinaryWeight = binaryWeight,
        };
    }
}
