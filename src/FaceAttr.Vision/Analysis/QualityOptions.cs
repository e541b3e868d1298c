namespace FaceAttr.Vision.Analysis;

/// <summary>When a face is too poor to judge: attributes then become <c>unknown</c> with the reason.</summary>
public sealed record QualityOptions
{
    /// <summary>Smallest face box side in pixels that is judged. Default 40; range 8–1000.</summary>
    public float MinFaceSize { get; init; } = 40;

    /// <summary>Largest |yaw| in degrees that is judged. Default 40; range 5–90.</summary>
    public float MaxYaw { get; init; } = 40;

    /// <summary>Largest |pitch| in degrees that is judged. Default 35; range 5–90.</summary>
    public float MaxPitch { get; init; } = 35;

    /// <summary>Smallest sharpness (variance of the Laplacian of the 64 px grey crop) that is judged. Default 15; range 0–10000.</summary>
    public float MinSharpness { get; init; } = 15;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Check(MinFaceSize, 8, 1000, nameof(MinFaceSize));
        Check(MaxYaw, 5, 90, nameof(MaxYaw));
        Check(MaxPitch, 5, 90, nameof(MaxPitch));
        Check(MinSharpness, 0, 10000, nameof(MinSharpness));
    }

    private static void Check(float value, float min, float max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Quality.{name} must be in {min}..{max}");
        }
    }
}
