using static TorchSharp.torch;

namespace FaceAttr.Training.Losses;

/// <summary>
/// Shape assertions for loss inputs. A prediction of [N, 1] against targets of [N] broadcasts silently to [N, N] in
/// elementwise losses — the bug that made age training diverge in the original work — so every loss states the exact
/// shapes it accepts and throws <see cref="ArgumentException"/> naming the mismatch.
/// </summary>
public static class ShapeCheck
{
    /// <summary>
    /// Throws unless <paramref name="tensor"/> has exactly the rank of <paramref name="shape"/> and every dimension
    /// matches (−1 matches any size).
    /// </summary>
    public static void Require(Tensor tensor, ReadOnlySpan<long> shape, string what)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var actual = tensor.shape;
        var ok = actual.Length == shape.Length;
        for (var i = 0; ok && i < shape.Length; i++)
        {
            ok = shape[i] < 0 || shape[i] == actual[i];
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"{what}: expected shape [{string.Join(", ", shape.ToArray().Select(d => d < 0 ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}], " +
                $"got [{string.Join(", ", actual)}]");
        }
    }
}
