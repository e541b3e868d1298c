using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FaceAttr.Training.Data;

/// <summary>
/// A deterministic train/validation split: a sample is in validation when the hash of its
/// <see cref="TrainingSample.SplitKey"/> falls below the fraction. The key is the identity where the set names one, so one
/// person's faces never straddle the split; it does not depend on the seed, the order or the other files, so a face stays on
/// its side when the data grows.
/// </summary>
public static class ValidationSplit
{
    /// <summary>Whether <paramref name="sample"/> belongs to validation for <paramref name="fraction"/> (0–0.9).</summary>
    public static bool IsValidation(TrainingSample sample, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return IsValidation(sample.SplitKey, fraction);
    }

    /// <summary>Whether the face with split key <paramref name="splitKey"/> (<see cref="TrainingSample.SplitKeyOf"/>) belongs to validation.</summary>
    public static bool IsValidation(string splitKey, double fraction)
    {
        ArgumentNullException.ThrowIfNull(splitKey);
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 0.9);
        var hash = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(splitKey)));
        return hash % 10_000 < (ulong)(fraction * 10_000);
    }
}
