namespace FaceAttr.Onnx.Quantization;

/// <summary>Counts of values in equal-width bins over a fixed range; values outside the range count in the end bins.</summary>
internal sealed class ValueHistogram
{
    private readonly double _width;

    /// <param name="lo">Lower end of the first bin.</param>
    /// <param name="hi">Upper end of the last bin.</param>
    /// <param name="bins">Number of bins.</param>
    /// <param name="skipZeros">Leave exact zeros out (see <see cref="SkipsZeros"/>).</param>
    public ValueHistogram(float lo, float hi, int bins, bool skipZeros = false)
    {
        SkipsZeros = skipZeros;
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        Lo = lo;
        Hi = hi > lo ? hi : lo + 1e-6f;
        Counts = new long[bins];
        _width = (Hi - (double)Lo) / bins;
    }

    public float Lo { get; }

    /// <summary>
    /// Whether exact zeros are left out. The entropy search wants them out: zero is always represented exactly (it is the
    /// zero point), yet the spike of ReLU zeros in the first bin, spread over a wider level as the threshold grows, would
    /// pull the search towards thresholds that clip the real tail.
    /// </summary>
    public bool SkipsZeros { get; }

    public float Hi { get; }

    public long[] Counts { get; }

    /// <summary>Lower edge of bin <paramref name="bin"/> (<see cref="Counts"/>.Length gives the upper edge of the last).</summary>
    public float Edge(int bin) => (float)(Lo + (bin * _width));

    public void Add(ReadOnlySpan<float> values)
    {
        var last = Counts.Length - 1;
        var inverse = 1 / _width;
        foreach (var v in values)
        {
            if (float.IsNaN(v) || (SkipsZeros && v == 0f))
            {
                continue;
            }

            var bin = (int)Math.Clamp((v - (double)Lo) * inverse, 0, last);
            Counts[bin]++;
        }
    }
}
