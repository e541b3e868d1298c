using System.Text.Json.Serialization;

namespace FaceAttr.Core.Bundles;

/// <summary>How an output's numbers are to be read.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutputKind>))]
public enum OutputKind
{
    /// <summary>Probabilities over <see cref="ModelOutput.Labels"/> that sum to one.</summary>
    [JsonStringEnumMemberName("softmax")] Softmax,

    /// <summary>Independent probabilities, one per label (for one label: the probability of that label).</summary>
    [JsonStringEnumMemberName("sigmoid")] Sigmoid,

    /// <summary>Stagewise age classification already decoded to years by the graph (SSR-Net).</summary>
    [JsonStringEnumMemberName("stagewise-age")] StagewiseAge,

    /// <summary>Probabilities over whole years 0..Size−1 (age = Σ p·year), e.g. HSE faceres.</summary>
    [JsonStringEnumMemberName("age-distribution")] AgeDistribution,

    /// <summary>A plain number, e.g. years.</summary>
    [JsonStringEnumMemberName("regression")] Regression,

    /// <summary>Points as (x, y, z) triples in input-crop pixels.</summary>
    [JsonStringEnumMemberName("landmarks")] Landmarks,

    /// <summary>Per-anchor detector scores (logits).</summary>
    [JsonStringEnumMemberName("anchor-scores")] AnchorScores,

    /// <summary>Per-anchor box and keypoint offsets.</summary>
    [JsonStringEnumMemberName("anchor-boxes")] AnchorBoxes,

    /// <summary>A feature vector (face embedding); not an attribute.</summary>
    [JsonStringEnumMemberName("embedding")] Embedding,

    /// <summary>A score already passed through a sigmoid that says whether a face is present.</summary>
    [JsonStringEnumMemberName("presence")] Presence,
}

/// <summary>One output tensor of a model and the taxonomy head it feeds.</summary>
public sealed record ModelOutput
{
    /// <summary>ONNX output name.</summary>
    public required string Name { get; init; }

    /// <summary>How to read the numbers.</summary>
    public required OutputKind Kind { get; init; }

    /// <summary>Taxonomy head (e.g. <c>gender</c>, <c>age</c>, <c>expression</c>) or null for non-attribute outputs.</summary>
    public string? Head { get; init; }

    /// <summary>Class labels in output order (softmax/sigmoid), as the model's authors named them.</summary>
    public string[]? Labels { get; init; }

    /// <summary>Number of float values per batch item (e.g. 1404 for 468 points × 3); checked at load.</summary>
    public required int Size { get; init; }
}

/// <summary>
/// SSD-style anchor layout of a single-shot detector such as BlazeFace: square anchors centred on each
/// cell of each feature map, <see cref="AnchorsPerCell"/>[i] of them per cell of the map at <see cref="Strides"/>[i].
/// </summary>
public sealed record DetectorAnchors
{
    /// <summary>Stride in input pixels of each feature map (BlazeFace front: 8, 16).</summary>
    public required int[] Strides { get; init; }

    /// <summary>Anchors per cell for each feature map (BlazeFace: 2, 6).</summary>
    public required int[] AnchorsPerCell { get; init; }

    /// <summary>Number of keypoints after the 4 box values (BlazeFace: 6).</summary>
    public int Keypoints { get; init; } = 6;
}
