using FaceAttr.Core;
using FaceAttr.Core.Bundles;
using FaceAttr.Datasets;
using FaceAttr.Vision.Attributes;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Compares an int8 model with its float original on the same held-out inputs, head by head: class agreement (gender,
/// expression, sigmoid and softmax heads), mean |Δ years| for age, and, where the faces are labelled, accuracy and MAE of
/// both; for landmark models the mean landmark shift. Decoding goes through <see cref="HeadDecoder"/>, as in the analyzer.
/// </summary>
public static class HeadComparison
{
    /// <summary>Figures for every head of <paramref name="entry"/> that can be compared.</summary>
    /// <param name="entry">The model's manifest entry.</param>
    /// <param name="fp32">The float model.</param>
    /// <param name="int8">The quantized model.</param>
    /// <param name="holdout">Inputs not used for calibration.</param>
    /// <param name="labels">The labelled face for an image path, or null when unlabelled.</param>
    public static IReadOnlyList<HeadFigure> Compare(ModelEntry entry, TensorModelRunner fp32, TensorModelRunner int8,
        IReadOnlyList<CalibrationItem> holdout, Func<string, LabeledFace?>? labels)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(int8);
        ArgumentNullException.ThrowIfNull(holdout);
        var pairs = holdout.Select(item => (Item: item, Float: fp32.Run(item.Tensor), Int8: int8.Run(item.Tensor))).ToList();
        var figures = new List<HeadFigure>();
        if (pairs.Count == 0)
        {
            return figures;
        }

        if (entry.Role is ModelRole.Landmarks or ModelRole.Iris)
        {
            var mesh = entry.Outputs.ToList().FindIndex(o => o.Kind == OutputKind.Landmarks);
            if (mesh >= 0)
            {
                figures.Add(new HeadFigure("*", HeadFigure.MeanShiftPixels, pairs.Average(p => MeanShift(p.Float[mesh], p.Int8[mesh])), null, pairs.Count));
            }

            return figures;
        }

        for (var o = 0; o < entry.Outputs.Count; o++)
        {
            var output = entry.Outputs[o];
            if (output.Kind is not (OutputKind.Softmax or OutputKind.Sigmoid or OutputKind.AgeDistribution or OutputKind.StagewiseAge or OutputKind.Regression))
            {
                continue;
            }

            var head = output.Head ?? $"output:{output.Name}";
            if (output.Head == "age")
            {
                figures.AddRange(CompareAge(entry, output, o, pairs, labels));
            }
            else if (output.Kind is OutputKind.Softmax or OutputKind.Sigmoid)
            {
                figures.AddRange(CompareClasses(entry, output, o, head, pairs, labels));
            }
        }

        return figures;
    }

    private static IEnumerable<HeadFigure> CompareAge(ModelEntry entry, ModelOutput output, int o,
        List<(CalibrationItem Item, float[][] Float, float[][] Int8)> pairs, Func<string, LabeledFace?>? labels)
    {
        double delta = 0, errorFloat = 0, errorInt8 = 0;
        var labelled = 0;
        foreach (var (item, f, q) in pairs)
        {
            var yearsFloat = HeadDecoder.Decode(output, f[o], entry.Id).Value!.Value;
            var yearsInt8 = HeadDecoder.Decode(output, q[o], entry.Id).Value!.Value;
            delta += Math.Abs(yearsInt8 - yearsFloat);
            if (labels?.Invoke(item.ImagePath)?.AgeYears is { } age)
            {
                labelled++;
                errorFloat += Math.Abs(yearsFloat - age);
                errorInt8 += Math.Abs(yearsInt8 - age);
            }
        }

        yield return new HeadFigure("age", HeadFigure.DeltaYears, delta / pairs.Count, null, pairs.Count);
        if (labelled > 0)
        {
            yield return new HeadFigure("age", HeadFigure.MaeYears, errorInt8 / labelled, errorFloat / labelled, labelled);
        }
    }

    private static IEnumerable<HeadFigure> CompareClasses(ModelEntry entry, ModelOutput output, int o, string head,
        List<(CalibrationItem Item, float[][] Float, float[][] Int8)> pairs, Func<string, LabeledFace?>? labels)
    {
        var agree = 0;
        int labelled = 0, rightFloat = 0, rightInt8 = 0;
        foreach (var (item, f, q) in pairs)
        {
            var classFloat = ClassOf(entry, output, f[o]);
            var classInt8 = ClassOf(entry, output, q[o]);
            agree += classFloat == classInt8 ? 1 : 0;
            if (labels?.Invoke(item.ImagePath) is { } face && IsRight(face, output.Head, classFloat) is { } floatRight)
            {
                labelled++;
                rightFloat += floatRight ? 1 : 0;
                rightInt8 += IsRight(face, output.Head, classInt8) == true ? 1 : 0;
            }
        }

        yield return new HeadFigure(head, HeadFigure.Agreement, agree / (double)pairs.Count, null, pairs.Count);
        if (labelled > 0)
        {
            yield return new HeadFigure(head, HeadFigure.Accuracy, rightInt8 / (double)labelled, rightFloat / (double)labelled, labelled);
        }
    }

    /// <summary>The decided class: the taxonomy label when the analyzer can decode the head, else the arg-max (or p ≥ 0.5).</summary>
    private static string ClassOf(ModelEntry entry, ModelOutput output, float[] values)
    {
        if (output.Head is not null)
        {
            try
            {
                return HeadDecoder.Decode(output, values, entry.Id).Label;
            }
            catch (NotSupportedException)
            {
                // A head the analyzer has no decoding for (e.g. a softmax eyewear head) is compared by its raw class.
            }
        }

        if (output.Kind == OutputKind.Sigmoid)
        {
            return string.Join(",", values.Select(v => v >= 0.5f ? 1 : 0));
        }

        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return output.Labels is { } names && best < names.Length ? names[best] : best.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="decided"/> matches the face's label for <paramref name="head"/>; null when the face has no such label.</summary>
    private static bool? IsRight(LabeledFace face, string? head, string decided) => head switch
    {
        "gender" when face.Male is { } male => (decided == "male") == male,
        "expression" when face.Expression is { } expression => Taxonomy.ExpressionIndex(decided) == expression,
        // Scored as any eyewear or none: that is all CelebA labels (its Eyeglasses includes sunglasses).
        "eyewear" when face.WearsEyewear is { } wears => (decided != "none") == wears,
        not null when face.Attributes.TryGetValue(head, out var present) => (decided == "present") == present,
        _ => null,
    };

    /// <summary>Mean (x, y) distance of points stored as (x, y, z) triples.</summary>
    private static double MeanShift(float[] a, float[] b)
    {
        double total = 0;
        var points = a.Length / 3;
        for (var i = 0; i < points; i++)
        {
            var dx = a[3 * i] - b[3 * i];
            var dy = a[(3 * i) + 1] - b[(3 * i) + 1];
            total += Math.Sqrt((dx * dx) + (dy * dy));
        }

        return points == 0 ? 0 : total / points;
    }
}
