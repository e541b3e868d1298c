using FaceAttr.Datasets;

namespace FaceAttr.Tool.Eval;

/// <summary>
/// What the analysis said about the face in one evaluation image. A predictor returns null instead when it found
/// no face on any path. A head the analysis left unknown (quality gate, missing model) is null or absent, and is
/// counted as unknown rather than wrong.
/// </summary>
/// <param name="Path">The detection path that found the face: <see cref="DetectionPaths.Padded"/> or <see cref="DetectionPaths.WholeImage"/>.</param>
public sealed record FacePrediction(string Path)
{
    private static readonly IReadOnlyDictionary<string, bool> NoAttributes = new Dictionary<string, bool>();

    /// <summary>True for male, false for female, null when unknown.</summary>
    public bool? Male { get; init; }

    /// <summary>Probability (0–1) that the face is male.</summary>
    public float MaleProbability { get; init; }

    /// <summary>Estimated age in years, null when unknown.</summary>
    public float? AgeYears { get; init; }

    /// <summary>Seed expression index 0–6 (<see cref="FaceAttr.Core.Taxonomy.Expressions"/> order), null when unknown.</summary>
    public int? Expression { get; init; }

    /// <summary>
    /// Binary heads keyed by the names in <see cref="HeadNames.CelebABinary"/> (<c>smile</c>, <c>mouth_open</c>, …).
    /// <c>eyeglasses</c> should be true for any eyewear, sunglasses included, as CelebA labels it.
    /// </summary>
    public IReadOnlyDictionary<string, bool> Attributes { get; init; } = NoAttributes;
}
