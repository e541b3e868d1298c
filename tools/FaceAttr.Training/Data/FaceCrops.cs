namespace FaceAttr.Training.Data;

/// <summary>
/// Aligned face crops in memory: <see cref="Count"/> RGB squares of <see cref="Side"/> pixels, row-major bytes. Each is
/// the device crop (face box × crop scale) enlarged by <see cref="Margin"/> so that augmentation can shift and rotate
/// without running out of face; the centre <c>InputSize</c> window is exactly the device's crop.
/// </summary>
public sealed class FaceCrops
{
    /// <summary>Wraps <paramref name="pixels"/> (count × side × side × 3 bytes).</summary>
    public FaceCrops(byte[] pixels, int side, int count)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)side * side * 3 * count)
        {
            throw new ArgumentException($"expected {count} crops of {side}x{side}x3 bytes, got {pixels.Length} bytes", nameof(pixels));
        }

        Pixels = pixels;
        Side = side;
        Count = count;
    }

    /// <summary>
    /// Default crop side / face box side for the trained network, in training and in the exported manifest (the device
    /// frames by it). 1.25, not the 1.4 the imported models use: with 8-epoch runs on two seeds, training at box × 1.4 cost
    /// 2.5–4.4 points of CelebA gender and 2.6–3.9 of UTKFace gender against box × 1.244 (docs/training.md).
    /// </summary>
    public const float DefaultCropScale = 1.25f;

    /// <summary>Crop side relative to the network input side: 9/8 (72 for 64).</summary>
    public const float Margin = 9f / 8f;

    /// <summary>All crops, back to back.</summary>
    public byte[] Pixels { get; }

    /// <summary>Crop side in pixels.</summary>
    public int Side { get; }

    /// <summary>Number of crops.</summary>
    public int Count { get; }

    /// <summary>The bytes of crop <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index] => Pixels.AsSpan(index * Side * Side * 3, Side * Side * 3);

    /// <summary>The cache side for a network input of <paramref name="inputSize"/>.</summary>
    public static int SideFor(int inputSize) => (int)MathF.Round(inputSize * Margin);
}
