namespace FaceAttr.Core;

/// <summary>The attribute taxonomy of the seed design (DESIGN.md). Bundles state which version they speak.</summary>
public static class Taxonomy
{
    /// <summary>Taxonomy version this runtime speaks.</summary>
    public const int Version = 1;

    /// <summary>The seven expressions, in the seed's order (indices 0–6).</summary>
    public static readonly IReadOnlyList<string> Expressions =
        ["happy", "angry", "calm", "scared", "sad", "disgust", "surprised"];

    /// <summary>Gender labels in output order.</summary>
    public static readonly IReadOnlyList<string> Genders = ["female", "male"];

    /// <summary>Eyewear classes of the single 3-class head.</summary>
    public static readonly IReadOnlyList<string> Eyewear = ["none", "eyeglasses", "sunglasses"];

    /// <summary>Number of 10-year age bins covering 0–90 (the last bin is 80+).</summary>
    public const int AgeBins = 9;
}
