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

    /// <summary>The decade bin (0–8) of an age in years; 80 and over fall in the last bin.</summary>
    public static int AgeBin(float years) => Math.Clamp((int)(years / 10f), 0, AgeBins - 1);

    /// <summary>
    /// Seed index (0–6) of an expression label, accepting the seed's names and the usual FER/AffectNet
    /// names (happiness, anger, neutral, fear, sadness, surprise); −1 for labels with no seed class (contempt).
    /// </summary>
    public static int ExpressionIndex(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return label.Trim().ToLowerInvariant() switch
        {
            "happy" or "happiness" => 0,
            "angry" or "anger" => 1,
            "calm" or "neutral" => 2,
            "scared" or "fear" => 3,
            "sad" or "sadness" => 4,
            "disgust" => 5,
            "surprised" or "surprise" => 6,
            _ => -1,
        };
    }
}
