using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceAttr.Training.Losses;

/// <summary>How the per-head losses are combined into one.</summary>
public enum BalanceKind
{
    /// <summary>Fixed weights (all 1 unless configured).</summary>
    Fixed,

    /// <summary>Homoscedastic uncertainty weighting (Kendall et al. 2018): <c>Σ e^{−s_k} L_k + s_k</c>, s learned (clamped to −1.5…3).</summary>
    Uncertainty,

    /// <summary>Dynamic weight averaging (Liu et al. 2019): weights from the ratio of the last two epochs' losses.</summary>
    Dwa,
}

/// <summary>Combines the per-head losses of a batch into the loss that is back-propagated.</summary>
public abstract class TaskBalancer : IDisposable
{
    private IReadOnlyDictionary<string, double> _scales = new Dictionary<string, double>();

    /// <summary>
    /// Creates the balancer for <paramref name="kind"/> over <paramref name="terms"/>. <paramref name="minWeights"/> sets a
    /// floor under the weight uncertainty weighting may learn for a term (ignored by the other kinds, whose weights are
    /// not learned). <paramref name="scales"/> makes a term count as that many tasks (see <see cref="ValidateScales"/>).
    /// </summary>
    public static TaskBalancer Create(
        BalanceKind kind,
        IReadOnlyList<string> terms,
        IReadOnlyDictionary<string, double>? fixedWeights = null,
        IReadOnlyDictionary<string, double>? minWeights = null,
        IReadOnlyDictionary<string, double>? scales = null)
    {
        ValidateScales(terms, scales);
        TaskBalancer balancer = kind switch
        {
            BalanceKind.Fixed => new FixedBalancer(terms, fixedWeights),
            BalanceKind.Uncertainty => new UncertaintyBalancer(terms, minWeights),
            BalanceKind.Dwa => new DwaBalancer(terms),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        balancer._scales = scales ?? new Dictionary<string, double>();
        return balancer;
    }

    /// <summary>
    /// Throws unless every key of <paramref name="scales"/> is one of <paramref name="terms"/> and every scale is in 0.1–20.
    /// A scale k multiplies the term's whole contribution, k·(weighted loss), so it counts as k tasks: with uncertainty
    /// weighting, k·(e^{−s}·L + s), which scaling L alone would not do, because the learned weight settles near 1/L and
    /// cancels any factor on the loss. The attribute term is the mean over its attributes; a scale of their number gives
    /// each attribute the pull on the shared layers of one head.
    /// </summary>
    public static void ValidateScales(IReadOnlyList<string> terms, IReadOnlyDictionary<string, double>? scales) =>
        PerTermValues.Validate(terms, scales, "task scale", scale => scale is >= 0.1 and <= 20, "in 0.1..20", nameof(scales));

    // Uncertainty weighting clamps log-variances to [−1.5, 3] (weights 0.05–4.5): as a loss nears zero, unclamped
    // weighting drives its weight (and so the effective learning rate) to infinity and the run diverges.
    private protected const double MinLogVar = -1.5;
    private protected const double MaxLogVar = 3.0;

    /// <summary>
    /// Throws unless every key of <paramref name="minWeights"/> is one of <paramref name="terms"/> and every floor is above
    /// 0 and no higher than the largest weight uncertainty weighting can give (e^1.5 ≈ 4.48).
    /// </summary>
    public static void ValidateMinWeights(IReadOnlyList<string> terms, IReadOnlyDictionary<string, double>? minWeights) =>
        PerTermValues.Validate(
            terms, minWeights, "minimum weight", weight => weight > 0 && -Math.Log(weight) >= MinLogVar, $"above 0 and at most {Math.Exp(-MinLogVar):0.##}", nameof(minWeights));

    /// <summary>Loss terms in order.</summary>
    public abstract IReadOnlyList<string> Terms { get; }

    /// <summary>Learned parameters to add to the optimizer (none for fixed and DWA).</summary>
    public virtual IEnumerable<Parameter> Parameters => [];

    /// <summary>The combined loss (scalar) of <paramref name="losses"/> (scalars keyed by term; absent terms count 0).</summary>
    public Tensor Combine(IReadOnlyDictionary<string, Tensor> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        Tensor? total = null;
        foreach (var (term, loss) in losses)
        {
            var weighted = Weigh(term, loss);
            if (_scales.TryGetValue(term, out var scale))
            {
                weighted *= scale;
            }

            total = total is null ? weighted : total + weighted;
        }

        return total ?? zeros(1).squeeze();
    }

    /// <summary>One term's contribution before its task scale.</summary>
    protected abstract Tensor Weigh(string term, Tensor loss);

    /// <summary>Called after each epoch with that epoch's mean loss per term.</summary>
    public virtual void EndEpoch(IReadOnlyDictionary<string, double> epochLosses) { }

    /// <summary>The effective weight of each term now, task scale included (for the report and the progress display).</summary>
    public IReadOnlyDictionary<string, double> Weights() =>
        TermWeights().ToDictionary(p => p.Key, p => p.Value * _scales.GetValueOrDefault(p.Key, 1.0), StringComparer.Ordinal);

    /// <summary>The weight of each term before its task scale.</summary>
    protected abstract IReadOnlyDictionary<string, double> TermWeights();

    /// <summary>State to put in a checkpoint.</summary>
    public abstract Dictionary<string, double[]> SaveState();

    /// <summary>Restores <see cref="SaveState"/>.</summary>
    public abstract void LoadState(IReadOnlyDictionary<string, double[]> state);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases tensors.</summary>
    protected virtual void Dispose(bool disposing) { }
}

/// <summary>Fixed weights.</summary>
internal sealed class FixedBalancer(IReadOnlyList<string> terms, IReadOnlyDictionary<string, double>? weights) : TaskBalancer
{
    private readonly Dictionary<string, double> _weights = terms.ToDictionary(t => t, t => weights?.GetValueOrDefault(t, 1.0) ?? 1.0);

    public override IReadOnlyList<string> Terms => terms;

    protected override Tensor Weigh(string term, Tensor loss) => loss * _weights[term];

    protected override IReadOnlyDictionary<string, double> TermWeights() => _weights;

    public override Dictionary<string, double[]> SaveState() => new() { ["weights"] = [.. terms.Select(t => _weights[t])] };

    public override void LoadState(IReadOnlyDictionary<string, double[]> state) { }
}

/// <summary>Uncertainty weighting with one learned log-variance per term.</summary>
internal sealed class UncertaintyBalancer : TaskBalancer
{
    private readonly IReadOnlyList<string> _terms;
    private readonly Parameter _logVars;
    private readonly double[] _maxLogVars;
    private readonly Dictionary<string, int> _indexOf;

    public UncertaintyBalancer(IReadOnlyList<string> terms, IReadOnlyDictionary<string, double>? minWeights)
    {
        ValidateMinWeights(terms, minWeights);

        // A weight floor w is a ceiling of −ln w on the log-variance. Uncertainty weighting settles each weight near
        // 1/loss, so a term whose loss stays large (age: three stage cross-entropies plus L1) ends with a small weight;
        // the floor lets a deployer hold such a term up. As with the clamps, a log-variance pushed past its ceiling gets
        // no gradient there, so once a term reaches its floor it keeps it even if its loss later falls below 1/floor.
        _maxLogVars = [.. terms.Select(t => minWeights is not null && minWeights.TryGetValue(t, out var w) ? Math.Min(MaxLogVar, -Math.Log(w)) : MaxLogVar)];
        _terms = terms;
        _indexOf = terms.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        _logVars = new Parameter(zeros(terms.Count), requires_grad: true);
    }

    public override IReadOnlyList<string> Terms => _terms;

    public override IEnumerable<Parameter> Parameters => [_logVars];

    protected override Tensor Weigh(string term, Tensor loss)
    {
        var i = _indexOf[term];
        var s = _logVars[i].clamp(MinLogVar, _maxLogVars[i]);
        return (loss * (-s).exp()) + s;
    }

    protected override IReadOnlyDictionary<string, double> TermWeights()
    {
        using var _ = NewDisposeScope();
        var logVars = _logVars.detach().data<float>().ToArray();
        return _terms.Select((t, i) => (t, Math.Exp(-Math.Clamp(logVars[i], MinLogVar, _maxLogVars[i])))).ToDictionary(p => p.t, p => p.Item2);
    }

    public override Dictionary<string, double[]> SaveState() => new() { ["log_vars"] = [.. _logVars.detach().data<float>().ToArray().Select(v => (double)v)] };

    public override void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        if (state.TryGetValue("log_vars", out var values) && values.Length == _terms.Count)
        {
            using var noGrad = no_grad();
            _logVars.copy_(tensor(values.Select(v => (float)v).ToArray()));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _logVars.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Dynamic weight averaging with temperature 2; weights sum to the number of terms.</summary>
internal sealed class DwaBalancer(IReadOnlyList<string> terms) : TaskBalancer
{
    private const double Temperature = 2.0;
    private readonly List<Dictionary<string, double>> _history = [];
    private Dictionary<string, double> _weights = terms.ToDictionary(t => t, _ => 1.0);

    public override IReadOnlyList<string> Terms => terms;

    protected override Tensor Weigh(string term, Tensor loss) => loss * _weights[term];

    public override void EndEpoch(IReadOnlyDictionary<string, double> epochLosses)
    {
        _history.Add(new Dictionary<string, double>(epochLosses));
        if (_history.Count < 2)
        {
            return;
        }

        var last = _history[^1];
        var before = _history[^2];
        var ratios = terms.ToDictionary(t => t,
            t => last.TryGetValue(t, out var a) && before.TryGetValue(t, out var b) && b > 1e-8 ? a / b : 1.0);
        var exps = ratios.ToDictionary(p => p.Key, p => Math.Exp(p.Value / Temperature));
        var sum = exps.Values.Sum();
        _weights = exps.ToDictionary(p => p.Key, p => terms.Count * p.Value / sum);
    }

    protected override IReadOnlyDictionary<string, double> TermWeights() => _weights;

    public override Dictionary<string, double[]> SaveState()
    {
        var state = new Dictionary<string, double[]> { ["weights"] = [.. terms.Select(t => _weights[t])] };
        for (var i = Math.Max(0, _history.Count - 2); i < _history.Count; i++)
        {
            state[$"history{i - Math.Max(0, _history.Count - 2)}"] = [.. terms.Select(t => _history[i].GetValueOrDefault(t))];
        }

        return state;
    }

    public override void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        if (state.TryGetValue("weights", out var w) && w.Length == terms.Count)
        {
            _weights = terms.Select((t, i) => (t, w[i])).ToDictionary(p => p.t, p => p.Item2);
        }

        _history.Clear();
        for (var i = 0; state.TryGetValue($"history{i}", out var h); i++)
        {
            _history.Add(terms.Select((t, j) => (t, h[j])).ToDictionary(p => p.t, p => p.Item2));
        }
    }
}
