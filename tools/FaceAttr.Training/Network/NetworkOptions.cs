using System.Text.Json.Serialization;

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
    /// (default 32, 48, 96, 192: four entries, so a 64 input ends at 4×4 before global average pooling; about 100 M
    /// multiply-adds per face, sized so a full run fits an hour on 2 cores). The narrower 24, 32, 64, 128 (45 M) trains in
    /// 60% of the time but lost on five of the seven heads measured side by side (docs/training.md).
    /// </summary>
    public IReadOnlyList<int> Widths { get; init; } = [32, 48, 96, 192];

    /// <summary>
    /// Output channels of every block, overriding <see cref="Widths"/> block by block: the stem, then two per stage
    /// (<c>1 + 2·(Widths.Count − 1)</c> entries, each at least 1). Null (default) means each stage's two blocks take the
    /// stage's width, as before; a pruned network sets it. <see cref="Widths"/> still fixes the number of stages.
    /// </summary>
    // Left out of the JSON when null so network.json and the trainer's checkpoint signature of an unpruned network stay
    // byte for byte what they were (resume compares that signature).
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? BlockWidths { get; init; }

    /// <summary>
    /// Face crop side as a multiple of the detected face box, the framing the network is trained on and must be fed
    /// (default <see cref="Data.FaceCrops.DefaultCropScale"/>). Kept with the shape so export writes the framing the
    /// network saw into the manifest's <c>crop_scale</c>, rather than whatever the export command defaults to.
    /// </summary>
    public float CropScale { get; init; } = Data.FaceCrops.DefaultCropScale;

    /// <summary>Width of the shared fully connected layer the heads read (default 192).</summary>
    public int FeatureSize { get; init; } = 192;

    /// <summary>
    /// Width of a private gender branch, or null (default) for none. With a width H the gender head no longer reads the
    /// shared layer: it reads the last stage's pooled map flattened as it lies (C·s·s values, so where on the face a
    /// feature sits survives, which global average pooling throws away), through its own Linear(C·s·s, H), activation
    /// and dropout, then Linear(H, 2). Tried for the children of UTKFace, whose gender the shared features separate
    /// worst: with H = 64 it learned faster but ended level with the default (one seed, docs/training.md), so it is off.
    /// </summary>
    // Left out of the JSON when null, like BlockWidths, so networks without the branch keep their signature.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GenderBranch { get; init; }

    /// <summary>Dropout before the heads during training, 0–0.9 (default 0.2).</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Activation (default PReLU).</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.PRelu;

    /// <summary>Names of the sigmoid attributes of the binary head, in output order (default <see cref="HeadSet.DefaultBinary"/>).</summary>
    public IReadOnlyList<string> BinaryAttributes { get; init; } = HeadSet.DefaultBinary;

    /// <summary>Number of conv blocks: the stem and two per stage.</summary>
    [JsonIgnore]
    public int BlockCount => 1 + (2 * (Widths.Count - 1));

    /// <summary>Side of the last stage's map after its max-pool: the input halved by the stem and by each stage's pool.</summary>
    [JsonIgnore]
    public int FinalMapSize => InputSize >> Widths.Count;

    /// <summary>Inputs of a gender branch's Linear: the last block's channels at every position of the last map (C·s·s).</summary>
    [JsonIgnore]
    public int GenderBranchInputs => ResolvedBlockWidths()[^1] * FinalMapSize * FinalMapSize;

    /// <summary>Output channels of each block: <see cref="BlockWidths"/>, or derived from <see cref="Widths"/> when null.</summary>
    public IReadOnlyList<int> ResolvedBlockWidths() =>
        BlockWidths ?? [Widths[0], .. Widths.Skip(1).SelectMany(w => new[] { w, w })];

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

        if (BlockWidths is not null && (BlockWidths.Count != BlockCount || BlockWidths.Any(w => w < 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(BlockWidths), $"needs {BlockCount} entries (the stem and two per stage), each at least 1; got [{string.Join(", ", BlockWidths)}]");
        }

        if (!(CropScale >= 1f && CropScale <= 3f))
        {
            throw new ArgumentOutOfRangeException(nameof(CropScale), CropScale, "must be between 1 and 3 (crop side / face box side)");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FeatureSize, 8);
        if (GenderBranch is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(GenderBranch), GenderBranch, "the gender branch needs a width of at least 2");
        }

        if (FinalMapSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, $"a {InputSize}-px input is pooled below one pixel by the stem and {Widths.Count - 1} stages");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Dropout);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Dropout, 0.9);
        if (BinaryAttributes.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BinaryAttributes), "the binary head needs at least one attribute");
        }
    }
}
