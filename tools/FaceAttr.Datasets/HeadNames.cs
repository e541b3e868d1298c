namespace FaceAttr.Datasets;

/// <summary>
/// Taxonomy head names used as keys by the evaluation (labels, predictions and the JSON report),
/// and how the CelebA attributes map onto them.
/// </summary>
public static class HeadNames
{
    /// <summary>Gender (female/male); labels in <see cref="LabeledFace.Male"/>.</summary>
    public const string Gender = "gender";

    /// <summary>Age in years; labels in <see cref="LabeledFace.AgeYears"/>.</summary>
    public const string Age = "age";

    /// <summary>Expression in the seed's 7 classes; labels in <see cref="LabeledFace.Expression"/>.</summary>
    public const string Expression = "expression";

    /// <summary>
    /// The binary heads CelebA labels, in report order, each with the CelebA attribute and whether the
    /// attribute's value is negated (<c>beard</c> is the opposite of <c>No_Beard</c>).
    /// CelebA <c>Eyeglasses</c> covers sunglasses too, so <c>eyeglasses</c> means "any eyewear".
    /// CelebA <c>Male</c> maps to <see cref="Gender"/>, outside this list.
    /// </summary>
    public static readonly IReadOnlyList<(string Head, string CelebAAttribute, bool Negated)> CelebABinary =
    [
        ("smile", "Smiling", false),
        ("eyeglasses", "Eyeglasses", false),
        ("mouth_open", "Mouth_Slightly_Open", false),
        ("hat", "Wearing_Hat", false),
        ("beard", "No_Beard", true),
        ("mustache", "Mustache", false),
        ("goatee", "Goatee", false),
        ("bangs", "Bangs", false),
        ("makeup", "Heavy_Makeup", false),
        ("young", "Young", false),
        ("bags_under_eyes", "Bags_Under_Eyes", false),
        ("narrow_eyes", "Narrow_Eyes", false),
    ];

    /// <summary>The CelebA attribute that gives <see cref="Gender"/>.</summary>
    public const string CelebAMale = "Male";

    /// <summary>Report order of a head: gender, age, expression, then the CelebA binary heads; others after, by name.</summary>
    public static int ReportOrder(string head) => head switch
    {
        Gender => 0,
        Age => 1,
        Expression => 2,
        _ => IndexOfBinary(head) is var i and >= 0 ? 3 + i : int.MaxValue,
    };

    private static int IndexOfBinary(string head)
    {
        for (var i = 0; i < CelebABinary.Count; i++)
        {
            if (CelebABinary[i].Head == head)
            {
                return i;
            }
        }

        return -1;
    }
}
