namespace FaceAttr.Core.Faces;

/// <summary>
/// One published attribute of a face: a taxonomy head, its label and probability, an optional number
/// (years for age), and — when quality was too low to judge — <see cref="UnknownReason"/> instead.
/// </summary>
public sealed record AttributeValue
{
    /// <summary>Taxonomy head, e.g. <c>gender</c>, <c>age</c>, <c>expression</c>, <c>smile</c>.</summary>
    public required string Head { get; init; }

    /// <summary>Winning label (e.g. <c>female</c>, <c>happy</c>, <c>present</c>), or <c>unknown</c>.</summary>
    public required string Label { get; init; }

    /// <summary>Probability of <see cref="Label"/> in 0..1.</summary>
    public float Probability { get; init; }

    /// <summary>A number the head carries: age in years; null for class heads.</summary>
    public float? Value { get; init; }

    /// <summary>Uncertainty of <see cref="Value"/> (age: ± one standard deviation in years), when known.</summary>
    public float? Interval { get; init; }

    /// <summary>Probabilities of every label, in the taxonomy's order (expression: the seed's 7; age: 9 decade bins).</summary>
    public IReadOnlyList<float>? Distribution { get; init; }

    /// <summary>Which model produced it.</summary>
    public string? Model { get; init; }

    /// <summary>Why the value is unknown (e.g. <c>yaw 41°</c>), or null when it is known.</summary>
    public string? UnknownReason { get; init; }

    /// <summary>An unknown value of <paramref name="head"/> with its reason.</summary>
    public static AttributeValue Unknown(string head, string reason) =>
        new() { Head = head, Label = "unknown", UnknownReason = reason };
}
