namespace FaceAttr.Datasets;

/// <summary>
/// One labeled face image of an evaluation set. Every label is optional: a set labels only what it knows
/// (CelebA: gender and binary attributes; UTKFace: age and gender; expressions: the expression).
/// </summary>
/// <param name="ImagePath">Full path of the image file.</param>
public sealed record LabeledFace(string ImagePath)
{
    private static readonly IReadOnlyDictionary<string, bool> NoAttributes = new Dictionary<string, bool>();
    private static readonly IReadOnlyDictionary<string, float> NoConfidences = new Dictionary<string, float>();

    /// <summary>True for male, false for female, null when the set does not say.</summary>
    public bool? Male { get; init; }

    /// <summary>Age in years, null when the set does not say.</summary>
    public int? AgeYears { get; init; }

    /// <summary>Seed expression index 0–6 (<see cref="FaceAttr.Core.Taxonomy.Expressions"/> order), null when unlabeled.</summary>
    public int? Expression { get; init; }

    /// <summary>Binary attributes keyed by taxonomy head name (see <see cref="HeadNames"/>), e.g. <c>smile</c> → true.</summary>
    public IReadOnlyDictionary<string, bool> Attributes { get; init; } = NoAttributes;

    /// <summary>Eyewear index 0–2 (<see cref="FaceAttr.Core.Taxonomy.Eyewear"/> order: none, eyeglasses, sunglasses), null when unlabeled.</summary>
    public int? Eyewear { get; init; }

    /// <summary>
    /// Whether the face wears eyewear of any kind: from <see cref="Eyewear"/> when the set labels it, else from CelebA's
    /// <c>eyeglasses</c> attribute (which marks any glasses, sunglasses included); null when neither says.
    /// </summary>
    public bool? WearsEyewear => Eyewear is { } eyewear ? eyewear != 0 : Attributes.TryGetValue("eyeglasses", out var glasses) ? glasses : null;

    /// <summary>
    /// Confidence (0–1) of pseudo-labels, keyed by head name (<c>gender</c>, <c>age</c>, <c>expression</c>, …). A head
    /// absent here is ground truth (confidence 1). Written by <c>faceattr label</c>, read from manifests.
    /// </summary>
    public IReadOnlyDictionary<string, float> Confidences { get; init; } = NoConfidences;

    /// <summary>Identity of the person where the set names it (the expressions set does); used to keep splits apart.</summary>
    public string? Identity { get; init; }
}
