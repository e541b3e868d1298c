using FaceAttr.Datasets;
using FaceAttr.Tool.Training;

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
        var all = Read(folder, labels, notes);
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

    /// <summary>
    /// A holdout only, for a <c>--check</c> set: <paramref name="holdout"/> faces of <paramref name="folder"/> evenly spaced
    /// over it, leaving out every image in <paramref name="calibration"/> so a check on the calibration folder stays disjoint
    /// from the faces int8 was calibrated on.
    /// </summary>
    /// <exception cref="CalibrationSetException">The folder is missing, unreadable as the labelled set, or has no image outside the calibration.</exception>
    public static CalibrationSplit HoldoutOnly(string folder, string labels, int holdout, IEnumerable<LabeledFace> calibration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(holdout, 1);
        ArgumentNullException.ThrowIfNull(calibration);
        var notes = new List<string>();
        var used = calibration.Select(f => Path.GetFullPath(f.ImagePath)).ToHashSet(StringComparer.Ordinal);
        var left = Read(folder, labels, notes).Where(f => !used.Contains(Path.GetFullPath(f.ImagePath))).ToList();
        if (left.Count == 0)
        {
            throw new CalibrationSetException($"{folder} holds no {labels} image outside the calibration images to check on");
        }

        return new CalibrationSplit([], LabeledSubset.EvenlySpaced(left, Math.Min(left.Count, holdout)), notes);
    }

    private static IReadOnlyList<LabeledFace> Read(string folder, string? labels, List<string> notes)
    {
        if (labels is null)
        {
            var images = CalibrationSetBuilder.ImageFiles(folder, out var other);
            if (other > 0)
            {
                notes.Add($"{folder}: {other} files without an image extension ignored");
            }

            return [.. images.Select(p => new LabeledFace(p))];
        }

        var reader = LabelSets.Contains(labels) ? LabeledSetFolders.ReaderFor(labels) : null;
        if (reader is null)
        {
            throw new CalibrationSetException($"unknown label set '{labels}' (use {string.Join(", ", LabelSets)})");
        }

        try
        {
            var set = reader.Read(folder, limit: null);
            notes.AddRange(set.Skipped.Concat(set.Excluded).Select(i => $"{reader.Name}: {i.File}: {i.Reason}"));
            return set.Faces;
        }
        catch (DatasetException ex)
        {
            throw new CalibrationSetException($"{folder} cannot be read as {labels}: {ex.Message}", ex);
        }
    }
}
