using FaceAttr.Training.Augmentation;
using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Training;

/// <summary>One validation figure: accuracy (0–1) or mean absolute error (years), and the count it was measured on.</summary>
/// <param name="Kind"><c>accuracy</c> or <c>mae</c>.</param>
/// <param name="Value">The figure.</param>
/// <param name="N">Faces it was measured on.</param>
public sealed record Metric(string Kind, double Value, int N);

/// <summary>Validation results of one epoch.</summary>
/// <param name="Metrics">Keyed <c>gender/celeba</c>, <c>gender/utkface</c>, <c>age/utkface</c>, <c>expression/expressions</c>, <c>eyeglasses</c>, each binary attribute, <c>celeba_mean</c>.</param>
/// <param name="Losses">Mean validation loss per term.</param>
/// <param name="ExpressionConfusion">7×7 counts, [true, predicted].</param>
public sealed record ValidationResult(IReadOnlyDictionary<string, Metric> Metrics, IReadOnlyDictionary<string, double> Losses, int[][] ExpressionConfusion);

/// <summary>Scores the network on the validation samples (centre crops, no augmentation).</summary>
public static class Validator
{
    /// <summary>Runs <paramref name="net"/> over <paramref name="indices"/> of <paramref name="builder"/>'s samples.</summary>
    public static ValidationResult Run(FaceAttrNet net, BatchBuilder builder, IReadOnlyList<TrainingSample> samples, IReadOnlyList<int> indices, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(options);
        var attributes = net.Options.BinaryAttributes;
        var counts = new Dictionary<string, (double Sum, int N, string Kind)>(StringComparer.Ordinal);
        void Add(string key, double value, string kind = "accuracy")
        {
            var (sum, n, _) = counts.GetValueOrDefault(key);
            counts[key] = (sum + value, n + 1, kind);
        }

        var lossSums = new Dictionary<string, double>(StringComparer.Ordinal);
        var lossBatches = 0;
        var confusion = Enumerable.Range(0, HeadSet.ExpressionClasses).Select(_ => new int[HeadSet.ExpressionClasses]).ToArray();
        net.eval();
        try
        {
            using var noGrad = no_grad();
            const int chunk = 256;
            var all = indices.ToArray();
            for (var start = 0; start < all.Length; start += chunk)
            {
                using var scope = NewDisposeScope();
                var part = all.AsSpan(start, Math.Min(chunk, all.Length - start));
                using var batch = builder.Build(part, AugmentOptions.None, options.Seed, 0);
                var logits = net.forward(batch.Input);
                foreach (var (term, loss) in MultiTaskLoss.Compute(logits, batch, options with { SmileHintWeight = 0 }, fineExpression: true))
                {
                    lossSums[term] = lossSums.GetValueOrDefault(term) + loss.item<float>();
                }

                lossBatches++;
                var gender = logits.Gender.softmax(1).data<float>().ToArray();
                var stages = logits.AgeStages.Select(t => t.softmax(1).data<float>().ToArray()).ToArray();
                var expression = logits.Expression.argmax(1).data<long>().ToArray();
                var eyewear = logits.Eyewear.softmax(1).data<float>().ToArray();
                var binary = logits.Binary.sigmoid().data<float>().ToArray();
                for (var k = 0; k < part.Length; k++)
                {
                    var s = samples[part[k]];
                    if (s.Gender >= 0)
                    {
                        Add($"gender/{s.Dataset}", (gender[(k * 2) + 1] >= 0.5f ? 1 : 0) == s.Gender ? 1 : 0);
                    }

                    if (s.AgeYears >= 0)
                    {
                        var est = AgeStages.Decode(stages[0].AsSpan(k * 3, 3), stages[1].AsSpan(k * 3, 3), stages[2].AsSpan(k * 3, 3));
                        Add($"age/{s.Dataset}", Math.Abs(est.Years - s.AgeYears), "mae");
                        Add($"age_interval_coverage/{s.Dataset}", s.AgeYears >= est.Low && s.AgeYears <= est.High ? 1 : 0);
                    }

                    if (s.Expression >= 0)
                    {
                        Add($"expression/{s.Dataset}", expression[k] == s.Expression ? 1 : 0);
                        confusion[s.Expression][expression[k]]++;
                    }

                    if (s.Eyewear >= 0)
                    {
                        var any = eyewear[(k * 3) + 1] + eyewear[(k * 3) + 2] >= 0.5f;
                        Add("eyeglasses", any == (s.Eyewear != 0) ? 1 : 0);
                    }

                    for (var a = 0; a < attributes.Count; a++)
                    {
                        if (s.Binary[a] >= 0)
                        {
                            Add(attributes[a], (binary[(k * attributes.Count) + a] >= 0.5f ? 1 : 0) == s.Binary[a] ? 1 : 0);
                        }
                    }
                }
            }
        }
        finally
        {
            net.train();
        }

        var metrics = counts.ToDictionary(p => p.Key, p => new Metric(p.Value.Kind, p.Value.Sum / p.Value.N, p.Value.N), StringComparer.Ordinal);
        var celeba = metrics.Where(p => p.Key == "gender/celeba" || p.Key == "eyeglasses" || attributes.Contains(p.Key)).Select(p => p.Value).ToList();
        if (celeba.Count > 0)
        {
            metrics["celeba_mean"] = new Metric("accuracy", celeba.Average(m => m.Value), celeba.Min(m => m.N));
        }

        return new ValidationResult(metrics, lossSums.ToDictionary(p => p.Key, p => p.Value / Math.Max(1, lossBatches)), confusion);
    }
}
