using System.Globalization;
using FaceAttr.Core.Faces;

namespace FaceAttr.Tracking;

/// <summary>What made an observation of a head unusable.</summary>
internal enum UnknownKind
{
    /// <summary>Nothing: the observation is usable.</summary>
    None,

    /// <summary>The analyzer itself returned the value as unknown; <see cref="UnknownCause.Text"/> holds its reason.</summary>
    Attribute,

    /// <summary>The face is smaller than the gate.</summary>
    FaceSize,

    /// <summary>The head is turned further than the gate.</summary>
    Yaw,

    /// <summary>The head is tilted up or down further than the gate.</summary>
    Pitch,

    /// <summary>The face crop is blurrier than the gate.</summary>
    Sharpness,

    /// <summary>The value held NaN, infinities or negative probabilities.</summary>
    Invalid,
}

/// <summary>
/// Why a head is unknown, kept as a kind and a measure so that the per-frame path formats nothing:
/// the text (<c>yaw 41°</c>, <c>face 38 px</c>) is made only when an event publishes it.
/// </summary>
internal readonly record struct UnknownCause(UnknownKind Kind, float Measure, string? Text)
{
    public static UnknownCause None => default;

    public bool IsNone => Kind == UnknownKind.None;

    public static UnknownCause FromAttribute(AttributeValue value) =>
        new(UnknownKind.Attribute, 0, string.IsNullOrEmpty(value.UnknownReason) ? "unknown" : value.UnknownReason);

    /// <summary>The reason as published in <see cref="AttributeValue.UnknownReason"/>.</summary>
    public string Describe() => Kind switch
    {
        UnknownKind.Attribute => Text ?? "unknown",
        UnknownKind.FaceSize => string.Create(CultureInfo.InvariantCulture, $"face {Measure:0} px"),
        UnknownKind.Yaw => string.Create(CultureInfo.InvariantCulture, $"yaw {Measure:0}°"),
        UnknownKind.Pitch => string.Create(CultureInfo.InvariantCulture, $"pitch {Measure:0}°"),
        UnknownKind.Sharpness => string.Create(CultureInfo.InvariantCulture, $"sharpness {Measure:0}"),
        UnknownKind.Invalid => "invalid value",
        _ => "not observed",
    };
}

/// <summary>The tracker's quality gate: which faces are good enough for their attributes to be fused.</summary>
internal static class QualityGate
{
    /// <summary>The first gate <paramref name="face"/> fails (size, yaw, pitch, sharpness), or <see cref="UnknownCause.None"/>.</summary>
    public static UnknownCause Check(FaceObservation face, TrackerOptions options)
    {
        var size = face.Quality.FaceSize > 0 ? face.Quality.FaceSize : MathF.Min(face.Box.Width, face.Box.Height);
        if (options.MinFaceSize > 0 && !(size >= options.MinFaceSize))
        {
            return new UnknownCause(UnknownKind.FaceSize, size, null);
        }

        if (face.Pose is { } pose)
        {
            // Negated comparisons so that a NaN angle fails the gate.
            if (!(MathF.Abs(pose.Yaw) <= options.MaxYaw))
            {
                return new UnknownCause(UnknownKind.Yaw, pose.Yaw, null);
            }

            if (!(MathF.Abs(pose.Pitch) <= options.MaxPitch))
            {
                return new UnknownCause(UnknownKind.Pitch, pose.Pitch, null);
            }
        }

        var sharpness = face.Quality.Sharpness;
        if (options.MinSharpness > 0 && sharpness != 0 && !(sharpness >= options.MinSharpness))
        {
            return new UnknownCause(UnknownKind.Sharpness, sharpness, null);
        }

        return UnknownCause.None;
    }
}
