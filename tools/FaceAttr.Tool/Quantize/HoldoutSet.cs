using FaceAttr.Datasets;

namespace FaceAttr.Tool.Quantize;

/// <summary>Faces on which int8 is compared with fp32: the calibration folder's holdout, or one <c>--check</c> set's.</summary>
/// <param name="Dataset">Name in figures and the model card, e.g. <c>celeba holdout</c>.</param>
/// <param name="Inputs">The model inputs built from the faces, and the images that could not be used.</param>
/// <param name="Labels">The labelled face for an image path, or null when the faces are unlabelled.</param>
public sealed record HoldoutSet(string Dataset, CalibrationSet Inputs, IReadOnlyDictionary<string, LabeledFace>? Labels)
{
    /// <summary>The labelled face for an image path, or null; null itself for unlabelled faces (what <see cref="HeadComparison"/> takes).</summary>
    public Func<string, LabeledFace?>? LabelOf => Labels is null ? null : path => Labels.GetValueOrDefault(path);
}
