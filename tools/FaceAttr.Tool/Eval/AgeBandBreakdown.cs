namespace FaceAttr.Tool.Eval;

/// <summary>
/// Gender accuracy and age MAE split by the face's true age. One overall figure hides where the errors are: on
/// UTKFace a third of the faces are children, whose gender is far harder to tell than an adult's, so a deployer whose
/// kiosk sees adults needs the adult rows, not the mean over a set's age mix.
/// </summary>
public sealed class AgeBandBreakdown
{
    /// <summary>The bands, in order; together they cover every age from 0 up.</summary>
    public static readonly IReadOnlyList<AgeBand> Bands =
    [
        new(0, 3), new(4, 12), new(13, 19), new(20, 39), new(40, 64), new(65, null),
    ];

    private readonly AccuracyMetric[] _gender = Bands.Select(_ => new AccuracyMetric()).ToArray();
    private readonly AccuracyMetric[] _males = Bands.Select(_ => new AccuracyMetric()).ToArray();
    private readonly AccuracyMetric[] _females = Bands.Select(_ => new AccuracyMetric()).ToArray();
    private readonly MaeMetric[] _age = Bands.Select(_ => new MaeMetric()).ToArray();

    /// <summary>Gender accuracy of the faces whose true age falls in <c>Bands[band]</c>.</summary>
    public AccuracyMetric Gender(int band) => _gender[band];

    /// <summary>
    /// Gender accuracy on the male faces of <c>Bands[band]</c> (their recall): with <see cref="Females"/> it says whether a
    /// band's errors lean one way, which a threshold could trade, or fall on both sexes alike.
    /// </summary>
    public AccuracyMetric Males(int band) => _males[band];

    /// <summary>Gender accuracy on the female faces of <c>Bands[band]</c> (their recall).</summary>
    public AccuracyMetric Females(int band) => _females[band];

    /// <summary>Age MAE of the faces whose true age falls in <c>Bands[band]</c>.</summary>
    public MaeMetric Age(int band) => _age[band];

    /// <summary>
    /// Counts one gender prediction (null: the head left it unknown) of a face aged <paramref name="trueAge"/> whose true
    /// gender is <paramref name="trueMale"/>.
    /// </summary>
    public void AddGender(int trueAge, bool trueMale, bool? correct)
    {
        var band = BandOf(trueAge);
        _gender[band].AddOutcome(correct);
        (trueMale ? _males : _females)[band].AddOutcome(correct);
    }

    /// <summary>Counts one age estimate (null: the head left it unknown) of a face aged <paramref name="trueAge"/>.</summary>
    public void AddAge(int trueAge, double? predicted) => _age[BandOf(trueAge)].AddEstimate(predicted, trueAge);

    /// <summary>The index of the band holding <paramref name="age"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The age is negative.</exception>
    public static int BandOf(int age)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(age);
        for (var i = 0; i < Bands.Count - 1; i++)
        {
            if (age <= Bands[i].To)
            {
                return i;
            }
        }

        return Bands.Count - 1;
    }
}

/// <summary>Ages <paramref name="From"/> to <paramref name="To"/> in whole years, both included; no upper end when <paramref name="To"/> is null.</summary>
public sealed record AgeBand(int From, int? To)
{
    /// <summary>"0-3", "65+".</summary>
    public string Name => To is { } to ? $"{From}-{to}" : $"{From}+";
}
