namespace FaceAttr.Tool.Eval;

/// <summary>Mean absolute error of a regression head (age in years), plus how many labeled faces got no estimate.</summary>
public sealed class MaeMetric
{
    private double _sumAbsoluteError;
    private double _sumSignedError;

    /// <summary>Faces with both a label and an estimate: the count the MAE is measured on.</summary>
    public int N { get; private set; }

    /// <summary>Labeled faces the head left unknown (not part of <see cref="N"/>).</summary>
    public int Unknown { get; private set; }

    /// <summary>Mean of |predicted − actual|, or null when nothing was measured.</summary>
    public double? Mae => N == 0 ? null : _sumAbsoluteError / N;

    /// <summary>
    /// Mean of predicted − actual, or null when nothing was measured: negative when the head guesses too young. An MAE
    /// alone cannot tell a scattered head from one that is steadily off, which a calibration could fix.
    /// </summary>
    public double? Bias => N == 0 ? null : _sumSignedError / N;

    /// <summary>Counts one estimate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either value is NaN or infinite.</exception>
    public void Add(double predicted, double actual)
    {
        if (!double.IsFinite(predicted) || !double.IsFinite(actual))
        {
            throw new ArgumentOutOfRangeException(nameof(predicted), $"values must be finite (predicted {predicted}, actual {actual})");
        }

        _sumAbsoluteError += Math.Abs(predicted - actual);
        _sumSignedError += predicted - actual;
        N++;
    }

    /// <summary>Counts one labeled face that got no estimate.</summary>
    public void AddUnknown() => Unknown++;

    /// <summary>Counts one labeled face: its estimate, or null when the head left it unknown.</summary>
    public void AddEstimate(double? predicted, double actual)
    {
        if (predicted is { } p)
        {
            Add(p, actual);
        }
        else
        {
            AddUnknown();
        }
    }
}
