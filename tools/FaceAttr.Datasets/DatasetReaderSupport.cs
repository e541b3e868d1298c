namespace FaceAttr.Datasets;

/// <summary>What the dataset readers share: folder and label-file checks, finding the image folder, sorting and limiting.</summary>
public static class DatasetReaderSupport
{
    private const int ProbeCount = 50;

    /// <summary>
    /// The existing candidate folder holding the most of the first <see cref="ProbeCount"/> <paramref name="fileNames"/>
    /// (earlier candidates win ties).
    /// </summary>
    /// <exception cref="DatasetException">No candidate holds any of them.</exception>
    public static string Locate(string labelFile, IReadOnlyList<string> candidates, IEnumerable<string> fileNames)
    {
        var probe = fileNames.Take(ProbeCount).ToArray();
        string? best = null;
        var bestHits = 0;
        foreach (var dir in candidates.Where(Directory.Exists))
        {
            var hits = probe.Count(f => File.Exists(Path.Combine(dir, f)));
            if (hits > bestHits)
            {
                best = dir;
                bestHits = hits;
            }
        }

        return best ?? throw new DatasetException(labelFile, null,
            $"none of the images it names were found; looked in {string.Join(", ", candidates)}");
    }

    /// <summary>Whether <paramref name="name"/> is a plain file name (no folder part, not . or ..), so it cannot point outside the set.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(['/', '\\']) < 0 && Path.GetFileName(name) == name;

    /// <summary>All lines of a label file, with unreadable files turned into a <see cref="DatasetException"/>.</summary>
    public static string[] ReadLabelLines(string labelFile)
    {
        if (!File.Exists(labelFile))
        {
            throw new DatasetException(labelFile, null, "label file not found");
        }

        try
        {
            return File.ReadAllLines(labelFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(labelFile, null, $"cannot read the label file: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The label file <paramref name="name"/> in <paramref name="folder"/>, or in its <paramref name="subfolder"/> when only
    /// that one exists (the official archives keep labels apart). Throws when the folder does not exist.
    /// </summary>
    public static string LabelFileIn(string folder, string name, string subfolder)
    {
        RequireFolder(folder);
        var labelFile = Path.Combine(folder, name);
        var nested = Path.Combine(folder, subfolder, name);
        return !File.Exists(labelFile) && File.Exists(nested) ? nested : labelFile;
    }

    /// <summary>Throws when the set's folder does not exist.</summary>
    public static void RequireFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DatasetException(folder, null, "folder not found");
        }
    }

    /// <summary>Checks the limit argument shared by all readers.</summary>
    public static void CheckLimit(int? limit)
    {
        if (limit is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(limit));
        }
    }

    /// <summary>The faces sorted by file name (ordinal), cut to <paramref name="limit"/>.</summary>
    public static DatasetReadResult Finish(
        List<LabeledFace> faces, List<DatasetIssue> skipped, List<DatasetIssue> excluded, List<DatasetIssue> notes, int? limit)
    {
        faces.Sort((a, b) => string.CompareOrdinal(Path.GetFileName(a.ImagePath), Path.GetFileName(b.ImagePath)));
        var usable = faces.Count;
        if (limit is { } n && n < faces.Count)
        {
            faces.RemoveRange(n, faces.Count - n);
        }

        static List<DatasetIssue> Sorted(List<DatasetIssue> issues)
        {
            issues.Sort((a, b) =>
            {
                var byLine = (a.Line ?? int.MaxValue).CompareTo(b.Line ?? int.MaxValue);
                return byLine != 0 ? byLine : string.CompareOrdinal(a.File, b.File);
            });
            return issues;
        }

        return new DatasetReadResult(faces, Sorted(skipped), Sorted(excluded), Sorted(notes)) { Usable = usable };
    }
}
