namespace FaceAttr.Datasets;

/// <summary>An entry of a labeled set that was not used as given: skipped, excluded, or kept with a caveat.</summary>
/// <param name="File">The image file name (or label-file name when the entry has no usable file name).</param>
/// <param name="Line">1-based line of the label file, or null when the labels come from file names.</param>
/// <param name="Reason">Why, in words a person can act on.</param>
public sealed record DatasetIssue(string File, int? Line, string Reason)
{
    /// <summary>One line: <c>file (line N): reason</c>.</summary>
    public override string ToString() => Line is { } line ? $"{File} (line {line}): {Reason}" : $"{File}: {Reason}";
}
