namespace FaceAttr.Training.Augmentation;

/// <summary>Augmentation like the seed's: random crop and small affine, horizontal flip, colour jitter. Every field has bounds.</summary>
public sealed record AugmentOptions
{
    /// <summary>No augmentation: the centre crop (validation).</summary>
    public static AugmentOptions None { get; } = new() { Enabled = false };

    /// <summary>Whether to augment at all (default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Probability of a horizontal flip, 0–1 (default 0.5). Flips swap <c>*_left</c>/<c>*_right</c> labels.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Largest shift in input pixels, each axis (default 4: the crop margin; random crop).</summary>
    public float MaxShift { get; init; } = 4f;

    /// <summary>Largest rotation in degrees (default 10).</summary>
    public float MaxRotationDegrees { get; init; } = 10f;

    /// <summary>Largest relative scale change (default 0.08: 0.92–1.08).</summary>
    public float MaxScale { get; init; } = 0.08f;

    /// <summary>Largest brightness change as a fraction of full range (default 0.15).</summary>
    public float Brightness { get; init; } = 0.15f;

    /// <summary>Largest relative contrast change (default 0.25).</summary>
    public float Contrast { get; init; } = 0.25f;

    /// <summary>Largest relative saturation change (default 0.25).</summary>
    public float Saturation { get; init; } = 0.25f;

    /// <summary>Probability of converting to grey, 0–1 (default 0.1; some sets are greyscale).</summary>
    public double GrayProbability { get; init; } = 0.1;
}
