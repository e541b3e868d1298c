using FaceAttr.Datasets;

namespace FaceAttr.Training.Network;

/// <summary>The heads of <see cref="FaceAttrNet"/>, their names (as in the report and the taxonomy) and fixed sizes.</summary>
public static class HeadSet
{
    /// <summary>Gender head (softmax 2: female, male).</summary>
    public const string Gender = "gender";

    /// <summary>Stagewise age head (3 stages × 3 bins).</summary>
    public const string Age = "age";

    /// <summary>Expression head (softmax 7, seed order).</summary>
    public const string Expression = "expression";

    /// <summary>Coarse expression head used first in coarse-to-fine training (positive, neutral, negative).</summary>
    public const string ExpressionCoarse = "expression_coarse";

    /// <summary>Eyewear head (softmax 3: none, eyeglasses, sunglasses).</summary>
    public const string Eyewear = "eyewear";

    /// <summary>Binary attribute head (sigmoid per attribute).</summary>
    public const string Binary = "attributes";

    /// <summary>Every loss term the trainer balances, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> LossTerms = [Gender, Age, Expression, ExpressionCoarse, Eyewear, Binary];

    /// <summary>Classes of the eyewear head.</summary>
    public const int EyewearClasses = 3;

    /// <summary>Classes of the expression head.</summary>
    public const int ExpressionClasses = 7;

    /// <summary>Classes of the coarse expression head.</summary>
    public const int CoarseClasses = 3;

    /// <summary>
    /// Coarse class of each seed expression: happy → positive (0); calm, surprised → neutral (1);
    /// angry, scared, sad, disgust → negative (2).
    /// </summary>
    public static readonly IReadOnlyList<int> CoarseOfExpression = [0, 2, 1, 2, 2, 2, 1];

    /// <summary>
    /// The default binary attributes: the CelebA heads of <see cref="HeadNames.CelebABinary"/> except <c>eyeglasses</c>,
    /// which the eyewear head covers.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultBinary =
        [.. HeadNames.CelebABinary.Select(h => h.Head).Where(h => h != "eyeglasses")];
}
