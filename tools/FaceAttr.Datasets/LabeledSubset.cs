namespace FaceAttr.Datasets;

/// <summary>Deterministic subsets of a labeled set, for a <c>--limit</c> that should still cover the whole set.</summary>
public static class LabeledSubset
{
    /// <summary>
    /// <paramref name="count"/> faces evenly spaced through <paramref name="faces"/>, in their order (all of them when
    /// there are no more than <paramref name="count"/>). The same faces on every run, like the readers' first-N limit, but
    /// spread over the set: sorted UTKFace names run 1_…, 10_…, 100_…, 11_…, so its first 300 files are children aged 10–13,
    /// and the expressions set's first names are not a fair mix of classes either.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    public static IReadOnlyList<LabeledFace> EvenlySpaced(IReadOnlyList<LabeledFace> faces, int count)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count >= faces.Count)
        {
            return faces;
        }

        var subset = new LabeledFace[count];
        for (var i = 0; i < count; i++)
        {
            subset[i] = faces[(int)((long)i * faces.Count / count)];
        }

        return subset;
    }
}
