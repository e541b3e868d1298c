using System.Globalization;

namespace FaceAttr.Datasets;

/// <summary>
/// Reads CelebA in the official <c>list_attr_celeba.txt</c> layout: line 1 the entry count, line 2 the 40 attribute
/// names, then <c>file v1 … v40</c> with 1 / −1, separated by any whitespace. The label file is looked for in the
/// folder and in <c>Anno/</c>; images in <c>images/</c>, <c>img_align_celeba/</c>, <c>Img/img_align_celeba/</c>,
/// <c>img/</c> or the folder itself, whichever holds the files it names.
/// </summary>
public sealed class CelebAReader : ILabeledSetReader
{
    /// <summary>The official label file name.</summary>
    public const string LabelFileName = "list_attr_celeba.txt";

    /// <inheritdoc/>
    public string Name => "celeba";

    /// <inheritdoc/>
    public DatasetReadResult Read(string folder, int? limit)
    {
        DatasetReaderSupport.CheckLimit(limit);
        var labelFile = DatasetReaderSupport.LabelFileIn(folder, LabelFileName, "Anno");
        var lines = DatasetReaderSupport.ReadLabelLines(labelFile);
        var (declared, columns) = ParseHeader(labelFile, lines);

        var skipped = new List<DatasetIssue>();
        var rows = new List<(int Line, string File, string[] Fields)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 2; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var fields = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            var file = fields[0];
            if (fields.Length != columns.Count + 1)
            {
                skipped.Add(new DatasetIssue(file, lineNo, $"expected a file name and {columns.Count} values, found {fields.Length} fields"));
            }
            else if (!DatasetReaderSupport.IsPlainFileName(file))
            {
                skipped.Add(new DatasetIssue(file, lineNo, "not a plain file name"));
            }
            else if (seen.TryGetValue(file, out var first))
            {
                skipped.Add(new DatasetIssue(file, lineNo, $"duplicate of line {first}"));
            }
            else if (Array.FindIndex(fields, 1, f => f is not ("1" or "-1")) is var bad and > 0)
            {
                skipped.Add(new DatasetIssue(file, lineNo, $"{columns[bad - 1]} is '{fields[bad]}', expected 1 or -1"));
            }
            else
            {
                seen[file] = lineNo;
                rows.Add((lineNo, file, fields));
            }
        }

        var notes = new List<DatasetIssue>();
        var entries = rows.Count + skipped.Count;
        if (entries != declared)
        {
            notes.Add(new DatasetIssue(Path.GetFileName(labelFile), 1, $"declares {declared} entries but {entries} follow"));
        }

        var faces = new List<LabeledFace>(rows.Count);
        if (rows.Count > 0)
        {
            var images = DatasetReaderSupport.Locate(labelFile,
            [
                Path.Combine(folder, "images"),
                Path.Combine(folder, "img_align_celeba"),
                Path.Combine(folder, "Img", "img_align_celeba"),
                Path.Combine(folder, "img"),
                folder,
            ], rows.Select(r => r.File));
            var male = columns.IndexOf(HeadNames.CelebAMale);
            var heads = HeadNames.CelebABinary.Select(h => (h.Head, Column: columns.IndexOf(h.CelebAAttribute), h.Negated)).ToArray();
            foreach (var (lineNo, file, fields) in rows)
            {
                var path = Path.Combine(images, file);
                if (!File.Exists(path))
                {
                    skipped.Add(new DatasetIssue(file, lineNo, $"image not found in {images}"));
                    continue;
                }

                var attributes = new Dictionary<string, bool>(heads.Length, StringComparer.Ordinal);
                foreach (var (head, column, negated) in heads)
                {
                    attributes[head] = (fields[column + 1] == "1") != negated;
                }

                faces.Add(new LabeledFace(path) { Male = fields[male + 1] == "1", Attributes = attributes });
            }
        }

        return DatasetReaderSupport.Finish(faces, skipped, [], notes, limit);
    }

    private static (int Declared, List<string> Columns) ParseHeader(string labelFile, string[] lines)
    {
        if (lines.Length < 2)
        {
            throw new DatasetException(labelFile, lines.Length + 1, "missing header: line 1 must be the entry count and line 2 the attribute names");
        }

        if (!int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
        {
            throw new DatasetException(labelFile, 1, $"expected the entry count, found '{Shorten(lines[0])}'");
        }

        var columns = lines[1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DatasetException(labelFile, 2, $"attribute '{duplicate.Key}' is named twice");
        }

        var required = HeadNames.CelebABinary.Select(h => h.CelebAAttribute).Prepend(HeadNames.CelebAMale);
        var missing = required.Where(r => !columns.Contains(r)).ToArray();
        if (missing.Length > 0)
        {
            throw new DatasetException(labelFile, 2,
                $"attribute names line lacks {string.Join(", ", missing)} (found '{Shorten(lines[1])}')");
        }

        return (declared, columns);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
