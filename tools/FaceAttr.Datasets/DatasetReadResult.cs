namespace FaceAttr.Datasets;

/// <summary>
/// What a dataset reader produced. <see cref="Faces"/> are sorted by file name (ordinal) and cut to the
/// requested limit; <see cref="Skipped"/>, <see cref="Excluded"/> and <see cref="Notes"/> always cover the whole set,
/// so the same folder reports the same issues whatever the limit.
/// </summary>
/// <param name="Faces">Usable faces in file-name order, at most the requested limit.</param>
/// <param name="Skipped">Entries that could not be used (unparsable name or line, missing image, unknown label), with reasons.</param>
/// <param name="Excluded">Entries left out on purpose (an expression with no seed class, such as contempt).</param>
/// <param name="Notes">Entries kept with a caveat (for example a UTKFace name whose gender field is invalid, kept for age only).</param>
public sealed record DatasetReadResult(
    IReadOnlyList<LabeledFace> Faces,
    IReadOnlyList<DatasetIssue> Skipped,
    IReadOnlyList<DatasetIssue> Excluded,
    IReadOnlyList<DatasetIssue> Notes)
{
    /// <summary>Usable faces in the whole set, before the limit was applied.</summary>
    public int Usable { get; init; }
}
