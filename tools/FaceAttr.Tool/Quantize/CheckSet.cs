namespace FaceAttr.Tool.Quantize;

/// <summary>
/// A further labelled holdout given with <c>--check SET=FOLDER</c>: int8 is compared with fp32 on faces of this set too,
/// so heads the calibration folder does not label (age and expression on CelebA) are judged against real labels.
/// </summary>
/// <param name="Labels">Label set the folder holds, one of <see cref="CalibrationSplit.LabelSets"/>.</param>
/// <param name="Folder">The set's folder.</param>
public sealed record CheckSet(string Labels, string Folder)
{
    /// <summary>Name of the compared faces in figures and the model card, as for the calibration holdout.</summary>
    public string Dataset => $"{Labels} holdout";

    /// <summary>Reads one <c>SET=FOLDER</c> value; the folder is checked later, with the rest of the request.</summary>
    /// <exception cref="QuantizeRequestException">No '=', an empty side, or a set name not in <see cref="CalibrationSplit.LabelSets"/>; the message names the value.</exception>
    public static CheckSet Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == value.Length - 1)
        {
            throw new QuantizeRequestException($"--check '{value}': expected SET=FOLDER, SET one of {string.Join(", ", CalibrationSplit.LabelSets)}");
        }

        var labels = value[..equals];
        if (!CalibrationSplit.LabelSets.Contains(labels))
        {
            throw new QuantizeRequestException($"--check '{value}': unknown label set '{labels}' (use {string.Join(", ", CalibrationSplit.LabelSets)})");
        }

        return new CheckSet(labels, value[(equals + 1)..]);
    }

    /// <summary>
    /// Each check names an existing folder, and each label set is compared once, counting the calibration folder's
    /// <paramref name="calibrationLabels"/> (a set compared twice would give two figures of the same name).
    /// </summary>
    /// <exception cref="QuantizeRequestException">A folder is missing or a set repeats; the message names the value.</exception>
    public static void Validate(IReadOnlyList<CheckSet> checks, string? calibrationLabels)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var compared = new HashSet<string>(StringComparer.Ordinal);
        if (calibrationLabels is not null)
        {
            compared.Add(calibrationLabels);
        }

        foreach (var check in checks)
        {
            if (!Directory.Exists(check.Folder))
            {
                throw new QuantizeRequestException($"--check '{check}': folder {check.Folder} does not exist");
            }

            if (!compared.Add(check.Labels))
            {
                var by = check.Labels == calibrationLabels ? "--labels" : "another --check";
                throw new QuantizeRequestException($"--check '{check}': {check.Labels} is already compared by {by}; give each label set once");
            }
        }
    }

    /// <summary>The value as given on the command line, <c>SET=FOLDER</c>.</summary>
    public override string ToString() => $"{Labels}={Folder}";
}
