using FaceAttr.Core;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;

namespace FaceAttr.Vision.Attributes;

/// <summary>
/// Turns a model output into a taxonomy attribute: gender as P(male) with its label, age in years with
/// an interval and the 9 decade bins, expression remapped to the seed's 7 classes and order.
/// </summary>
public static class HeadDecoder
{
    /// <summary>Decodes <paramref name="values"/> of <paramref name="output"/> for its head.</summary>
    /// <exception cref="NotSupportedException">The head/kind pair has no decoding.</exception>
    public static AttributeValue Decode(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.Head switch
        {
            "gender" => Gender(output, values, modelId),
            "age" => Age(output, values, modelId),
            "expression" => Expression(output, values, modelId),
            _ when output.Kind == OutputKind.Softmax => Categorical(output, values, modelId),
            _ => Binary(output, values, modelId),
        };
    }

    private static AttributeValue Gender(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        var male = output.Kind switch
        {
            OutputKind.Sigmoid when output.Labels is ["male"] => values[0],
            OutputKind.Sigmoid when output.Labels is ["female"] => 1 - values[0],
            OutputKind.Softmax => values[Array.IndexOf(output.Labels!, "male")],
            _ => throw new NotSupportedException($"{modelId}: gender output '{output.Name}' of kind {output.Kind} with labels [{string.Join(",", output.Labels ?? [])}]"),
        };
        male = Math.Clamp(male, 0f, 1f);
        var isMale = male >= 0.5f;
        return new AttributeValue
        {
            Head = "gender",
            Label = isMale ? "male" : "female",
            Probability = isMale ? male : 1 - male,
            Distribution = [1 - male, male],
            Model = modelId,
        };
    }

    private static AttributeValue Age(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        var bins = new float[Taxonomy.AgeBins];
        float years;
        float? interval = null;
        switch (output.Kind)
        {
            case OutputKind.AgeDistribution:
                float mean = 0, total = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    mean += values[i] * i;
                    total += values[i];
                    bins[Taxonomy.AgeBin(i)] += values[i];
                }

                mean /= total;
                float variance = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    variance += values[i] / total * (i - mean) * (i - mean);
                }

                years = mean;
                interval = MathF.Sqrt(variance);
                for (var b = 0; b < bins.Length; b++)
                {
                    bins[b] /= total;
                }

                break;
            case OutputKind.StagewiseAge or OutputKind.Regression:
                years = values[0];
                bins[Taxonomy.AgeBin(years)] = 1;
                break;
            default:
                throw new NotSupportedException($"{modelId}: age output '{output.Name}' of kind {output.Kind}");
        }

        var bin = Taxonomy.AgeBin(years);
        return new AttributeValue
        {
            Head = "age",
            Label = bin == Taxonomy.AgeBins - 1 ? "80+" : $"{bin * 10}-{(bin * 10) + 9}",
            Probability = bins[bin],
            Value = years,
            Interval = interval,
            Distribution = bins,
            Model = modelId,
        };
    }

    private static AttributeValue Expression(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        if (output.Kind != OutputKind.Softmax || output.Labels is null)
        {
            throw new NotSupportedException($"{modelId}: expression output '{output.Name}' must be a labelled softmax");
        }

        // Model labels in any naming → the seed's order; classes without a seed class (contempt) are dropped and the rest renormalised.
        var seed = new float[Taxonomy.Expressions.Count];
        float total = 0;
        for (var i = 0; i < output.Labels.Length; i++)
        {
            var index = Taxonomy.ExpressionIndex(output.Labels[i]);
            if (index >= 0)
            {
                seed[index] += values[i];
                total += values[i];
            }
        }

        var best = 0;
        for (var i = 0; i < seed.Length; i++)
        {
            seed[i] /= total;
            if (seed[i] > seed[best])
            {
                best = i;
            }
        }

        return new AttributeValue
        {
            Head = "expression",
            Label = Taxonomy.Expressions[best],
            Probability = seed[best],
            Distribution = seed,
            Model = modelId,
        };
    }

    /// <summary>A labelled softmax head such as eyewear (none, eyeglasses, sunglasses): the most probable label.</summary>
    private static AttributeValue Categorical(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        if (output.Labels is null || output.Labels.Length != values.Length)
        {
            throw new NotSupportedException($"{modelId}: head '{output.Head}' output '{output.Name}' needs one label per softmax value");
        }

        var distribution = values.ToArray();
        var best = 0;
        for (var i = 1; i < distribution.Length; i++)
        {
            if (distribution[i] > distribution[best])
            {
                best = i;
            }
        }

        return new AttributeValue
        {
            Head = output.Head!,
            Label = output.Labels[best],
            Probability = distribution[best],
            Distribution = distribution,
            Model = modelId,
        };
    }

    private static AttributeValue Binary(ModelOutput output, ReadOnlySpan<float> values, string modelId)
    {
        if (output.Kind != OutputKind.Sigmoid || values.Length != 1)
        {
            throw new NotSupportedException($"{modelId}: head '{output.Head}' output '{output.Name}' must be a single sigmoid");
        }

        var p = Math.Clamp(values[0], 0f, 1f);
        return new AttributeValue
        {
            Head = output.Head!,
            Label = p >= 0.5f ? "present" : "absent",
            Probability = p >= 0.5f ? p : 1 - p,
            Distribution = [1 - p, p],
            Model = modelId,
        };
    }
}
