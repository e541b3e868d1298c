namespace FaceAttr.Training.Network;

/// <summary>Activation used after every convolution and the shared fully connected layer.</summary>
public enum ActivationKind
{
    /// <summary>PReLU with one learned slope per channel (the seed's choice).</summary>
    PRelu,

    /// <summary>Plain ReLU (for the comparison).</summary>
    Relu,
}

/// <summary>Shape of <see cref="FaceAttrNet"/>. Every field has a default that is the full-run configuration.</summary>
public sealed record NetworkOptions
{
    /// <summary>Side of the square RGB input in pixels (default 64; must be divisible by 16).</summary>
    public int InputSize { get; init; } = 64;

    /// <summary>
    /// Channel widths: the stem (stride 2) and then one per stage of two 3×3 convolutions and a 2×2 max-pool
    /// (default 24, 32, 64, 128: four entries, so a 64 input ends at 4×4 before global average pooling; about 45 M
    /// multiply-adds per face, sized so a full run fits an hour on 2 cores).
    /// </summary>
    public IReadOnlyList<int> Widths { get; init; } = [24, 32, 64, 128];

    /// <summary>Width of the shared fully connected layer the heads read (default 128).</summary>
    public int FeatureSize { get; init; } = 128;

    /// <summary>Dropout before the heads during training, 0–0.9 (default 0.2).</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Activation (default PReLU).</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.PRelu;

    /// <summary>Names of the sigmoid attributes of the binary head, in output order (default <see cref="HeadSet.DefaultBinary"/>).</summary>
    public IReadOnlyList<string> BinaryAttributes { get; init; } = HeadSet.DefaultBinary;

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        if (InputSize < 16 || InputSize % 16 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "must be a multiple of 16, at least 16");
        }

        if (Widths.Count < 2 || Widths.Any(w => w < 4))
        {
            throw new ArgumentOutOfRangeException(nameof(Widths), "needs a stem and at least one stage, each at least 4 channels");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FeatureSize, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(Dropout);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Dropout, 0.9);
        if (BinaryAttributes.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BinaryAttributes), "the binary head needs at least one attribute");
        }
    }
}
