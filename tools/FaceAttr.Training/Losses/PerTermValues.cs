namespace FaceAttr.Training.Losses;

/// <summary>
/// The one check behind every per-loss-term option (weight floors, task scales, focal γ): each key must name a loss
/// term and each value lie in the option's range, and the message names the option, the term and the range.
/// </summary>
public static class PerTermValues
{
    /// <summary>Throws unless every key of <paramref name="values"/> is one of <paramref name="terms"/> and <paramref name="inRange"/> holds for its value.</summary>
    /// <param name="terms">The known loss terms.</param>
    /// <param name="values">The option's values by term; null = none.</param>
    /// <param name="what">The option in words ("task scale"), used in both messages.</param>
    /// <param name="inRange">Whether a value is allowed.</param>
    /// <param name="range">The allowed range in words ("in 0.1..20").</param>
    /// <param name="parameter">The parameter name the exceptions carry.</param>
    public static void Validate(
        IReadOnlyList<string> terms, IReadOnlyDictionary<string, double>? values, string what, Func<double, bool> inRange, string range, string parameter)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(inRange);
        foreach (var (term, value) in values ?? new Dictionary<string, double>())
        {
            if (!terms.Contains(term))
            {
                throw new ArgumentException($"{what} for unknown loss term '{term}'; terms are {string.Join(", ", terms)}", parameter);
            }

            if (!inRange(value))
            {
                throw new ArgumentOutOfRangeException(parameter, value, $"the {what} of '{term}' must be {range}");
            }
        }
    }
}
