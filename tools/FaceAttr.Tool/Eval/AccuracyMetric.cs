namespace FaceAttr.Tool.Eval;

/// <summary>Accuracy of a classification head: correct / n, plus how many labeled faces got no prediction.</summary>
public sealed class AccuracyMetric
{
    /// <summary>Predictions that matched the label.</summary>
    public int Correct { get; private set; }

    /// <summary>Faces with both a label and a prediction: the count the accuracy is measured on.</summary>
    public int N { get; private set; }

    /// <summary>Labeled faces the head left unknown (not part of <see cref="N"/>).</summary>
    public int Unknown { get; private set; }

    /// <summary>Correct / N, or null when nothing was measured.</summary>
    public double? Accuracy => N == 0 ? null : (double)Correct / N;

    /// <summary>Counts one prediction.</summary>
    public void Add(bool correct)
    {
        N++;
        if (correct)
        {
            Correct++;
        }
    }

    /// <summary>Counts one labeled face that got no prediction for this head.</summary>
    public void AddUnknown() => Unknown++;

    /// <summary>Counts one labeled face: whether its prediction was right, or null when the head left it unknown.</summary>
    public void AddOutcome(bool? correct)
    {
        if (correct is { } c)
        {
            Add(c);
        }
        else
        {
            AddUnknown();
        }
    }
}
