namespace FaceAttr.Training.Data;

/// <summary>
/// Mixes datasets of very different sizes: each draw picks a dataset with probability proportional to
/// <c>size^power</c> (power 0.5 by default: a set 25× smaller is drawn 5× less often, not 25×), then the next sample of
/// that dataset's own shuffled order (reshuffled when used up). An epoch has as many draws as there are training samples.
/// Deterministic under (seed, epoch).
/// </summary>
public sealed class BalancedSampler
{
    private readonly int[][] _byDataset;
    private readonly double[] _cumulative;
    private readonly int _total;

    /// <summary>Groups <paramref name="datasets"/> (one name per training sample).</summary>
    public BalancedSampler(IReadOnlyList<string> datasets, double power = 0.5)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentOutOfRangeException.ThrowIfNegative(power);
        _byDataset = [.. datasets.Select((d, i) => (d, i)).GroupBy(p => p.d, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(p => p.i).ToArray())];
        Names = [.. datasets.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var shares = ShareOfDraws([.. _byDataset.Select(g => g.Length)], power);
        _cumulative = new double[shares.Length];
        var acc = 0.0;
        for (var i = 0; i < shares.Length; i++)
        {
            acc += shares[i];
            _cumulative[i] = acc;
        }

        Shares = Names.Select((n, i) => (n, shares[i])).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
        _total = datasets.Count;
    }

    /// <summary>The expected share of draws of datasets of <paramref name="sizes"/> under <paramref name="power"/> (sums to 1).</summary>
    public static double[] ShareOfDraws(IReadOnlyList<int> sizes, double power)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var weights = sizes.Select(n => n > 0 ? Math.Pow(n, power) : 0).ToArray(); // an empty set is never drawn, whatever the power
        var sum = weights.Sum();
        return [.. weights.Select(w => w / sum)];
    }

    /// <summary>Dataset names in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Expected share of draws per dataset.</summary>
    public IReadOnlyDictionary<string, double> Shares { get; }

    /// <summary>The sample indices of epoch <paramref name="epoch"/>.</summary>
    public int[] Epoch(int seed, int epoch)
    {
        // Not HashCode.Combine: it is randomised per process, and a run must be reproducible.
        var random = new Random(unchecked((seed * 1_000_003) + (epoch * 7919) + 0x5A17) & 0x7FFFFFFF);
        var orders = _byDataset.Select(g => Shuffled(g, random)).ToArray();
        var positions = new int[orders.Length];
        var draws = new int[_total];
        for (var k = 0; k < _total; k++)
        {
            var u = random.NextDouble();
            var d = Array.FindIndex(_cumulative, c => u < c);
            d = d < 0 ? _cumulative.Length - 1 : d;
            if (positions[d] == orders[d].Length)
            {
                orders[d] = Shuffled(_byDataset[d], random);
                positions[d] = 0;
            }

            draws[k] = orders[d][positions[d]++];
        }

        return draws;
    }

    private static int[] Shuffled(int[] items, Random random)
    {
        var copy = (int[])items.Clone();
        random.Shuffle(copy);
        return copy;
    }
}
