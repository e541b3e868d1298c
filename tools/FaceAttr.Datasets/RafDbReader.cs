using System.Globalization;

namespace FaceAttr.Datasets;

/// <summary>
/// Reads RAF-DB's basic-emotion layout: <c>list_patition_label.txt</c> (the official spelling) in the folder or in
/// <c>EmoLabel/</c>, lines <c>train_00001.jpg 5</c> with labels 1–7 = surprise, fear, disgust, happiness, sadness, anger,
/// neutral. Images in <c>Image/aligned/</c> (named <c>train_00001_aligned.jpg</c>), <c>aligned/</c>, <c>Image/original/</c>,
/// <c>images/</c> or the folder itself. RAF-DB names no identities, so training splits it by file name.
/// </summary>
public sealed class RafDbReader : ILabeledSetReader
{
    /// <summary>The label file name as RAF-DB spells it.</summary>
    public const string LabelFileName = "list_patition_label.txt";

    private static readonly string[] Labels = ["surprise", "fear", "disgust", "happiness", "sadness", "anger", "neutral"];

    /// <inheritdoc/>
    public string Name => "rafdb";

    /// <inheritdoc/>
    public DatasetReadResult Read(string folder, int? limit)
    {
        DatasetReaderSupport.CheckLimit(limit);
        var labelFile = DatasetReaderSupport.LabelFileIn(folder, LabelFileName, "EmoLabel");
        var lines = DatasetReaderSupport.ReadLabelLines(labelFile);
        var skipped = new List<DatasetIssue>();
        var rows = new List<(int Line, string File, int Expression)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length != 2)
            {
                skipped.Add(new DatasetIssue(fields[0], i + 1, $"expected 'file label', found {fields.Length} fields"));
            }
            else if (!DatasetReaderSupport.IsPlainFileName(fields[0]))
            {
                skipped.Add(new DatasetIssue(fields[0], i + 1, "not a plain file name"));
            }
            else if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var label) || label is < 1 or > 7)
            {
                skipped.Add(new DatasetIssue(fields[0], i + 1, $"label '{fields[1]}' is not 1–7"));
            }
            else
            {
                rows.Add((i + 1, fields[0], FaceAttr.Core.Taxonomy.ExpressionIndex(Labels[label - 1])));
            }
        }

        var faces = new List<LabeledFace>();
        if (rows.Count > 0)
        {
            var aligned = rows.Select(r => AlignedName(r.File)).ToArray();
            string[] alignedFolders = [Path.Combine(folder, "Image", "aligned"), Path.Combine(folder, "aligned")];
            string? images = alignedFolders.FirstOrDefault(d => Directory.Exists(d) && aligned.Take(50).Any(f => File.Exists(Path.Combine(d, f))));
            var useAligned = images is not null;
            images ??= DatasetReaderSupport.Locate(labelFile,
                [Path.Combine(folder, "Image", "original"), Path.Combine(folder, "images"), folder], rows.Select(r => r.File));
            foreach (var (line, file, expression) in rows)
            {
                var path = Path.Combine(images, useAligned ? AlignedName(file) : file);
                if (!File.Exists(path))
                {
                    skipped.Add(new DatasetIssue(file, line, $"image not found in {images}"));
                    continue;
                }

                faces.Add(new LabeledFace(path) { Expression = expression });
            }
        }

        if (faces.Count == 0)
        {
            throw new DatasetException(labelFile, skipped.FirstOrDefault()?.Line, $"no usable rows ({skipped.Count} skipped)");
        }

        return DatasetReaderSupport.Finish(faces, skipped, [], [], limit);
    }

    private static string AlignedName(string file) =>
        string.Concat(Path.GetFileNameWithoutExtension(file), "_aligned", Path.GetExtension(file));
}
