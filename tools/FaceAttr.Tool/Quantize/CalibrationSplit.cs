using FaceAttr.Datasets;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// The images of a calibration folder split into a calibration part and a disjoint holdout: <c>count + holdout</c> images
/// evenly spaced over the folder sorted by name (sorted UTKFace names start with all the children), then the calibration
/// images evenly spaced within those and the holdout the rest, so both cover the whole folder. With labels
/// (<c>celeba</c>, <c>utkface</c>, <c>expressions</c>) the folder is read by that set's reader and the labels come along.
/// </summary>
public sealed record CalibrationSplit(IReadOnlyList<LabeledFace> Calibration, IReadOnlyList<LabeledFace> Holdout, IReadOnlyList<string> Notes)
{
    /// <summary>Label set names <see cref="Split"/> accepts.</summary>
    public static readonly IReadOnlyList<string> LabelSets = ["celeba", "utkface", "expressions"];

    /// <summary>Splits <paramref name="folder"/>.</summary>
    /// <exception cref="CalibrationSetException">The folder is missing, unreadable as the labelled set, or holds fewer than two images.</exception>
    public static CalibrationSplit Split(string folder, string? labels, int count, int holdout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(holdout, 1);
        var notes = new List<string>();
        IReadOnlyList<LabeledFace> all;
        if (labels is null)
        {
            all = [.. CalibrationSetBuilder.ImageFiles(folder, out var other).Select(p => new LabeledFace(p))];
            if (other > 0)
            {
                notes.Add($"{folder}: {other} files without an image extension ignored");
            }
        }
        else
        {
            ILabeledSetReader reader = labels switch
            {
                "celeba" => new CelebAReader(),
                "utkface" => new UtkFaceReader(),
                "expressions" => new ExpressionsReader(),
                _ => throw new CalibrationSetException($"unknown label set '{labels}' (use {string.Join(", ", LabelSets)})"),
            };
            try
            {
                var set = reader.Read(folder, limit: null);
                all = set.Faces;
                notes.AddRange(set.Skipped.Concat(set.Excluded).Select(i => $"{reader.Name}: {i.File}: {i.Reason}"));
            }
            catch (DatasetException ex)
            {
                throw new CalibrationSetException($"{folder} cannot be read as {labels}: {ex.Message}", ex);
            }
        }

        if (all.Count < 2)
        {
            var where = labels is null ? " (image files directly in it are read, not subfolders)" : string.Empty;
            throw new CalibrationSetException($"{folder} holds {all.Count} usable image(s){where}; calibration and holdout need at least 2");
        }

        var total = Math.Min(all.Count, count + holdout);
        var calibrationCount = Math.Clamp((int)Math.Round(total * (double)count / (count + holdout)), 1, total - 1);
        var selected = LabeledSubset.EvenlySpaced(all, total);
        var calibration = LabeledSubset.EvenlySpaced(selected, calibrationCount);
        var chosen = calibration.Select(f => f.ImagePath).ToHashSet(StringComparer.Ordinal);
        return new CalibrationSplit(calibration, [.. selected.Where(f => !chosen.Contains(f.ImagePath))], notes);
    }
}
