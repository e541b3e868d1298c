using FaceAttr.Core;

namespace FaceAttr.Tool.Eval;

/// <summary>
/// Confusion matrix of a multi-class head; rows are the true class, columns the predicted class.
/// By default the seed's 7 expressions (<see cref="Taxonomy.Expressions"/>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    /// <summary>Creates a matrix over the seed's 7 expression classes.</summary>
    public ConfusionMatrix() : this(Taxonomy.Expressions) { }

    /// <summary>Creates a matrix over <paramref name="labels"/> (at least 2).</summary>
    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(labels.Count, 2, nameof(labels));
        Labels = labels;
        _counts = new int[labels.Count, labels.Count];
    }

    /// <summary>Class names, in index order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Faces with both a label and a prediction.</summary>
    public int N { get; private set; }

    /// <summary>Faces on the diagonal.</summary>
    public int Correct { get; private set; }

    /// <summary>Labeled faces the head left unknown (not part of <see cref="N"/>).</summary>
    public int Unknown { get; private set; }

    /// <summary>Overall accuracy (trace / N), or null when nothing was measured.</summary>
    public double? Accuracy => N == 0 ? null : (double)Correct / N;

    /// <summary>How many faces of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public int Count(int actual, int predicted) => _counts[actual, predicted];

    /// <summary>Faces whose true class is <paramref name="actual"/>.</summary>
    public int Support(int actual)
    {
        var total = 0;
        for (var p = 0; p < Labels.Count; p++)
        {
            total += _counts[actual, p];
        }

        return total;
    }

    /// <summary>Recall of class <paramref name="actual"/> (correct / its support), or null when it has no faces.</summary>
    public double? Recall(int actual)
    {
        var support = Support(actual);
        return support == 0 ? null : (double)_counts[actual, actual] / support;
    }

    /// <summary>Counts one prediction.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside the labels.</exception>
    public void Add(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, Labels.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, Labels.Count);
        _counts[actual, predicted]++;
        N++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    /// <summary>Counts one labeled face that got no prediction.</summary>
    public void AddUnknown() => Unknown++;
}
