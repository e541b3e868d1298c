namespace FaceAttr.Tool.Quantize;

/// <summary>One model input built from a real image.</summary>
/// <param name="ImagePath">The image it was cut from.</param>
/// <param name="Tensor">One batch item in the model's input layout and normalisation.</param>
public sealed record CalibrationItem(string ImagePath, float[] Tensor);

/// <summary>An image (or, with <paramref name="ModelId"/>, one model's crop of it) that gave no calibration input, and why.</summary>
public sealed record CalibrationIssue(string ImagePath, string Reason, string? ModelId = null);

/// <summary>Model inputs built from a folder of images, per model, with every image that could not be used and why.</summary>
public sealed class CalibrationSet
{
    /// <summary>Creates the set.</summary>
    public CalibrationSet(IReadOnlyDictionary<string, IReadOnlyList<CalibrationItem>> items, IReadOnlyList<CalibrationIssue> issues, int images, int faces)
    {
        Items = items;
        Issues = issues;
        Images = images;
        Faces = faces;
    }

    /// <summary>Inputs per model id, in image order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CalibrationItem>> Items { get; }

    /// <summary>Images that did not decode or had no face, and model crops that could not be made.</summary>
    public IReadOnlyList<CalibrationIssue> Issues { get; }

    /// <summary>Images tried.</summary>
    public int Images { get; }

    /// <summary>Images in which a face was found and used.</summary>
    public int Faces { get; }

    /// <summary>Images that did not decode.</summary>
    public int Undecodable => Issues.Count(i => i.ModelId is null && i.Reason.StartsWith(CalibrationSetBuilder.DecodeFailure, StringComparison.Ordinal));

    /// <summary>Images that decoded but had no face.</summary>
    public int WithoutFace => Issues.Count(i => i.ModelId is null && i.Reason.StartsWith(CalibrationSetBuilder.NoFace, StringComparison.Ordinal));

    /// <summary>The tensors for <paramref name="modelId"/> (what <c>QdqQuantizer</c> takes).</summary>
    public IReadOnlyList<float[]> Tensors(string modelId) => [.. Items[modelId].Select(i => i.Tensor)];

    /// <summary>One line: images, faces, and the reasons images were not used.</summary>
    public string Summary() =>
        $"{Images} images, {Faces} with a usable face, {Undecodable} did not decode, {WithoutFace} had no face";
}
