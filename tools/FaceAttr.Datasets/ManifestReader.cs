using System.Globalization;
using System.Text.Json;
using FaceAttr.Core;

namespace FaceAttr.Datasets;

/// <summary>
/// Reads a deployer's own labeled faces from a manifest: <c>*.csv</c> (header naming the columns) or <c>*.jsonl</c>
/// (one JSON object per line). Fields, all optional except <c>file</c>:
/// <c>file</c> (relative to the manifest's folder, or absolute), <c>gender</c> (<c>male</c>/<c>female</c>), <c>age</c>
/// (years), <c>expression</c> (seed or dataset name), <c>eyewear</c> (<c>none</c>/<c>eyeglasses</c>/<c>sunglasses</c>),
/// <c>identity</c>, <c>teacher</c> (ignored: which models made pseudo-labels), any binary head of <see cref="HeadNames.CelebABinary"/> (<c>smile</c>, <c>hat</c>, … as
/// <c>1</c>/<c>0</c>/<c>true</c>/<c>false</c>), and <c>{head}_confidence</c> (0–1) for pseudo-labels. In JSON lines the
/// binary heads may also sit in an <c>attributes</c> object and confidences in a <c>confidence</c> object. An empty value
/// means "not labeled". <c>faceattr label</c> writes this format.
/// </summary>
public sealed class ManifestReader : ILabeledSetReader
{
    private static readonly HashSet<string> Known =
        new(["file", "gender", "age", "expression", "eyewear", "identity", "teacher"], StringComparer.Ordinal);

    /// <inheritdoc/>
    public string Name => "manifest";

    /// <summary>Reads the manifest file at <paramref name="folder"/> (a file path; the name is kept for the interface).</summary>
    /// <exception cref="DatasetException">The file is missing, has no header/columns, or has no usable row.</exception>
    public DatasetReadResult Read(string folder, int? limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        DatasetReaderSupport.CheckLimit(limit);
        var manifest = folder;
        var lines = DatasetReaderSupport.ReadLabelLines(manifest);
        var root = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        var json = manifest.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || manifest.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        var rows = json ? JsonRows(manifest, lines) : CsvRows(manifest, lines);

        var faces = new List<LabeledFace>();
        var skipped = new List<DatasetIssue>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, fields, error) in rows)
        {
            var file = fields?.GetValueOrDefault("file")?.Trim() ?? "";
            if (error is not null)
            {
                skipped.Add(new DatasetIssue(file.Length > 0 ? file : Path.GetFileName(manifest), line, error));
                continue;
            }

            if (file.Length == 0)
            {
                skipped.Add(new DatasetIssue(Path.GetFileName(manifest), line, "empty file name"));
                continue;
            }

            var path = Path.IsPathRooted(file) ? file : Path.GetFullPath(Path.Combine(root, file));
            if (seen.TryGetValue(path, out var first))
            {
                skipped.Add(new DatasetIssue(file, line, $"duplicate of line {first}"));
                continue;
            }

            if (!File.Exists(path))
            {
                skipped.Add(new DatasetIssue(file, line, $"image not found: {path}"));
                continue;
            }

            LabeledFace? face;
            string? reason;
            try
            {
                face = ParseLabels(path, fields!, out reason);
            }
            catch (FormatException ex)
            {
                (face, reason) = (null, ex.Message);
            }

            if (face is null)
            {
                skipped.Add(new DatasetIssue(file, line, reason!));
                continue;
            }

            seen[path] = line;
            faces.Add(face);
        }

        if (faces.Count == 0)
        {
            var first = skipped.FirstOrDefault();
            throw new DatasetException(manifest, first?.Line,
                $"no usable rows ({skipped.Count} skipped{(first is null ? "" : $"; first: {first.Reason}")})");
        }

        return DatasetReaderSupport.Finish(faces, skipped, [], [], limit);
    }

    private static LabeledFace? ParseLabels(string path, IReadOnlyDictionary<string, string> f, out string? reason)
    {
        reason = null;
        bool? male = null;
        if (Value(f, "gender") is { } g)
        {
            male = g.ToLowerInvariant() switch
            {
                "male" or "m" => true,
                "female" or "f" => false,
                _ => null,
            };
            if (male is null)
            {
                reason = $"gender '{g}' is not male or female";
                return null;
            }
        }

        int? age = null;
        if (Value(f, "age") is { } a)
        {
            if (!float.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var years) || years is < 0 or > 130)
            {
                reason = $"age '{a}' is not a number of years 0–130";
                return null;
            }

            age = (int)MathF.Round(years);
        }

        int? expression = null;
        if (Value(f, "expression") is { } e)
        {
            var index = Taxonomy.ExpressionIndex(e);
            if (index < 0)
            {
                reason = $"unknown expression '{e}'";
                return null;
            }

            expression = index;
        }

        int? eyewear = null;
        if (Value(f, "eyewear") is { } w)
        {
            var index = Taxonomy.Eyewear.ToList().IndexOf(w.ToLowerInvariant());
            if (index < 0)
            {
                reason = $"eyewear '{w}' is not one of {string.Join(", ", Taxonomy.Eyewear)}";
                return null;
            }

            eyewear = index;
        }

        var attributes = new Dictionary<string, bool>(StringComparer.Ordinal);
        var confidences = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (key, raw) in f)
        {
            var value = raw.Trim();
            if (value.Length == 0 || Known.Contains(key))
            {
                continue;
            }

            if (key.EndsWith("_confidence", StringComparison.Ordinal))
            {
                if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || c is < 0 or > 1)
                {
                    reason = $"{key} '{value}' is not a number 0–1";
                    return null;
                }

                confidences[key[..^"_confidence".Length]] = c;
                continue;
            }

            attributes[key] = value.ToLowerInvariant() switch
            {
                "1" or "true" or "yes" or "present" => true,
                "0" or "-1" or "false" or "no" or "absent" => false,
                _ => throw new FormatException($"{key} '{value}' is not 1/0/true/false"),
            };
        }

        if (male is null && age is null && expression is null && eyewear is null && attributes.Count == 0)
        {
            reason = "no label in the row";
            return null;
        }

        return new LabeledFace(path)
        {
            Male = male,
            AgeYears = age,
            Expression = expression,
            Eyewear = eyewear,
            Attributes = attributes,
            Confidences = confidences,
            Identity = Value(f, "identity"),
        };
    }

    private static string? Value(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && v.Trim() is { Length: > 0 } t ? t : null;

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> CsvRows(string manifest, string[] lines)
    {
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0]))
        {
            throw new DatasetException(manifest, 1, "missing header: expected column names such as 'file,gender,age,expression'");
        }

        var header = ExpressionsReader.SplitCsv(lines[0].TrimStart('\uFEFF'))
            ?? throw new DatasetException(manifest, 1, "header has an unterminated quoted field");
        var columns = header.Select(c => c.Trim().ToLowerInvariant()).ToList();
        if (!columns.Contains("file"))
        {
            throw new DatasetException(manifest, 1, $"header must name a 'file' column, found '{lines[0].Trim()}'");
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var fields = ExpressionsReader.SplitCsv(lines[i]);
            if (fields is null)
            {
                yield return (i + 1, null, "unterminated quoted field");
            }
            else if (fields.Count != columns.Count)
            {
                yield return (i + 1, null, $"expected {columns.Count} fields (as the header), found {fields.Count}");
            }
            else
            {
                yield return (i + 1, columns.Select((c, j) => (c, fields[j])).ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal), null);
            }
        }
    }

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> JsonRows(string manifest, string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            Dictionary<string, string>? fields = null;
            string? error = null;
            try
            {
                using var doc = JsonDocument.Parse(lines[i]);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = "not a JSON object";
                }
                else
                {
                    fields = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.Object && p.Name is "attributes" or "confidence")
                        {
                            foreach (var inner in p.Value.EnumerateObject())
                            {
                                fields[p.Name == "confidence" ? $"{inner.Name}_confidence" : inner.Name] = Text(inner.Value);
                            }
                        }
                        else
                        {
                            fields[p.Name.ToLowerInvariant()] = Text(p.Value);
                        }
                    }
                }
            }
            catch (JsonException ex)
            {
                error = $"invalid JSON: {ex.Message}";
            }

            yield return (i + 1, fields, error);
        }

        static string Text(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString() ?? "",
            JsonValueKind.Null => "",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => e.GetRawText(),
        };
    }
}
