using System.Text;
using FaceAttr.Core;

namespace FaceAttr.Datasets;

/// <summary>
/// Reads the expressions set: <c>labels.csv</c> with a header naming the columns <c>file</c>, <c>expression</c>
/// and (optionally) <c>identity</c>, in any order; images in <c>images/</c> or beside the CSV.
/// Labels are case-insensitive and map onto the seed classes: happiness → happy, anger → angry, neutral → calm,
/// fear → scared, sadness → sad, disgust → disgust, surprise → surprised (the seed names are accepted too).
/// </summary>
/// <remarks>
/// <c>contempt</c> has no seed class and is excluded (listed in <see cref="DatasetReadResult.Excluded"/>), not mapped:
/// folding it into disgust or calm would score the model against a label nobody gave.
/// </remarks>
public sealed class ExpressionsReader : ILabeledSetReader
{
    /// <summary>The label file name.</summary>
    public const string LabelFileName = "labels.csv";

    /// <summary>The label that is excluded because the seed taxonomy has no class for it.</summary>
    public const string ExcludedLabel = "contempt";

    /// <inheritdoc/>
    public string Name => "expressions";

    /// <inheritdoc/>
    public DatasetReadResult Read(string folder, int? limit)
    {
        DatasetReaderSupport.RequireFolder(folder);
        DatasetReaderSupport.CheckLimit(limit);
        var labelFile = Path.Combine(folder, LabelFileName);
        var lines = DatasetReaderSupport.ReadLabelLines(labelFile);
        var (fileColumn, expressionColumn, identityColumn) = ParseHeader(labelFile, lines);
        var needed = Math.Max(fileColumn, expressionColumn) + 1;

        var skipped = new List<DatasetIssue>();
        var excluded = new List<DatasetIssue>();
        var rows = new List<(int Line, string File, int Expression, string? Identity)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var fields = SplitCsv(lines[i]);
            if (fields is null)
            {
                skipped.Add(new DatasetIssue(lines[i].Trim(), lineNo, "unterminated quoted field"));
                continue;
            }

            if (fields.Count < needed)
            {
                skipped.Add(new DatasetIssue(lines[i].Trim(), lineNo, $"expected at least {needed} fields, found {fields.Count}"));
                continue;
            }

            var file = fields[fileColumn].Trim();
            var label = fields[expressionColumn].Trim();
            var index = Taxonomy.ExpressionIndex(label);
            if (!DatasetReaderSupport.IsPlainFileName(file))
            {
                skipped.Add(new DatasetIssue(file, lineNo, file.Length == 0 ? "empty file name" : "not a plain file name"));
            }
            else if (seen.TryGetValue(file, out var first))
            {
                skipped.Add(new DatasetIssue(file, lineNo, $"duplicate of line {first}"));
            }
            else if (label.Equals(ExcludedLabel, StringComparison.OrdinalIgnoreCase))
            {
                seen[file] = lineNo;
                excluded.Add(new DatasetIssue(file, lineNo, $"'{label}' has no seed expression class"));
            }
            else if (index < 0)
            {
                skipped.Add(new DatasetIssue(file, lineNo, label.Length == 0 ? "empty expression label" : $"unknown expression '{label}'"));
            }
            else
            {
                seen[file] = lineNo;
                var identity = identityColumn is { } c && c < fields.Count && fields[c].Trim() is { Length: > 0 } id ? id : null;
                rows.Add((lineNo, file, index, identity));
            }
        }

        var faces = new List<LabeledFace>(rows.Count);
        if (rows.Count > 0)
        {
            var images = DatasetReaderSupport.Locate(labelFile, [Path.Combine(folder, "images"), folder], rows.Select(r => r.File));
            foreach (var (lineNo, file, expression, identity) in rows)
            {
                var path = Path.Combine(images, file);
                if (File.Exists(path))
                {
                    faces.Add(new LabeledFace(path) { Expression = expression, Identity = identity });
                }
                else
                {
                    skipped.Add(new DatasetIssue(file, lineNo, $"image not found in {images}"));
                }
            }
        }

        return DatasetReaderSupport.Finish(faces, skipped, excluded, [], limit);
    }

    private static (int File, int Expression, int? Identity) ParseHeader(string labelFile, string[] lines)
    {
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0]))
        {
            throw new DatasetException(labelFile, 1, "missing header: expected 'file,expression,identity'");
        }

        var names = SplitCsv(lines[0].TrimStart('\uFEFF'))
            ?? throw new DatasetException(labelFile, 1, "header has an unterminated quoted field");
        var columns = names.Select(n => n.Trim().ToLowerInvariant()).ToList();
        var file = columns.IndexOf("file");
        var expression = columns.IndexOf("expression");
        var identity = columns.IndexOf("identity");
        if (file < 0 || expression < 0)
        {
            throw new DatasetException(labelFile, 1, $"header must name the columns 'file' and 'expression', found '{lines[0].Trim()}'");
        }

        return (file, expression, identity >= 0 ? identity : null);
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no line breaks inside fields); null when a quote is not closed.</summary>
    public static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    current.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(current.ToString());
        return fields;
    }
}
