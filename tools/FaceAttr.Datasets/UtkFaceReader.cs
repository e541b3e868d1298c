using System.Globalization;

namespace FaceAttr.Datasets;

/// <summary>
/// Reads UTKFace: the labels are in the file names, <c>{age}_{gender}_{race}_{timestamp}.jpg.chip.jpg</c>
/// (gender 0 = male, 1 = female; race 0–4). Images are looked for in the folder itself, then <c>images/</c>
/// and <c>UTKFace/</c>.
/// </summary>
/// <remarks>
/// A few published names lack a field (<c>{age}_{gender}_{timestamp}</c>): they are read as missing the race,
/// which the evaluation does not use. When that middle field is not a valid gender the face is kept for age only
/// and listed in <see cref="DatasetReadResult.Notes"/>. Names that do not parse are skipped with the reason.
/// </remarks>
public sealed class UtkFaceReader : ILabeledSetReader
{
    /// <summary>Oldest age accepted in a file name; above it the name is treated as unparsable.</summary>
    public const int MaxAgeYears = 130;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <inheritdoc/>
    public string Name => "utkface";

    /// <inheritdoc/>
    public DatasetReadResult Read(string folder, int? limit)
    {
        DatasetReaderSupport.RequireFolder(folder);
        DatasetReaderSupport.CheckLimit(limit);
        var images = FindImageFolder(folder);

        var faces = new List<LabeledFace>();
        var skipped = new List<DatasetIssue>();
        var notes = new List<DatasetIssue>();
        foreach (var path in ListFiles(images))
        {
            var name = Path.GetFileName(path);
            if (!HasImageExtension(name))
            {
                skipped.Add(new DatasetIssue(name, null, "not an image file name"));
                continue;
            }

            var parsed = Parse(name, out var reason);
            if (parsed is null)
            {
                skipped.Add(new DatasetIssue(name, null, reason!));
                continue;
            }

            if (reason is not null)
            {
                notes.Add(new DatasetIssue(name, null, reason));
            }

            faces.Add(parsed with { ImagePath = path });
        }

        return DatasetReaderSupport.Finish(faces, skipped, [], notes, limit);
    }

    /// <summary>
    /// Parses the labels of one UTKFace file name. Returns null with <paramref name="reason"/> when the name does not
    /// parse; returns a face with a non-null <paramref name="reason"/> when it was kept with a caveat.
    /// </summary>
    public static LabeledFace? Parse(string fileName, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var stem = fileName.Split('.')[0];
        var fields = stem.Split('_');
        reason = null;
        if (fields.Length is not (3 or 4))
        {
            reason = $"expected {{age}}_{{gender}}_{{race}}_{{timestamp}}, found {fields.Length} field(s)";
            return null;
        }

        if (!TryParseSmall(fields[0], out var age) || age > MaxAgeYears)
        {
            reason = $"age '{fields[0]}' is not a whole number 0–{MaxAgeYears}";
            return null;
        }

        if (!IsDigits(fields[^1]))
        {
            reason = $"timestamp '{fields[^1]}' is not a number";
            return null;
        }

        var genderValid = TryParseSmall(fields[1], out var gender) && gender is 0 or 1;
        if (fields.Length == 4)
        {
            if (!genderValid)
            {
                reason = $"gender '{fields[1]}' is not 0 (male) or 1 (female)";
                return null;
            }

            if (!TryParseSmall(fields[2], out var race) || race > 4)
            {
                reason = $"race '{fields[2]}' is not 0–4";
                return null;
            }

            return new LabeledFace(fileName) { AgeYears = age, Male = gender == 0 };
        }

        if (!genderValid)
        {
            reason = $"one field short and '{fields[1]}' is not a gender (0/1): kept for age only";
            return new LabeledFace(fileName) { AgeYears = age };
        }

        reason = "race field missing: age and gender kept";
        return new LabeledFace(fileName) { AgeYears = age, Male = gender == 0 };
    }

    private static string FindImageFolder(string folder)
    {
        string[] candidates = [folder, Path.Combine(folder, "images"), Path.Combine(folder, "UTKFace")];
        foreach (var dir in candidates.Where(Directory.Exists))
        {
            if (ListFiles(dir).Any(f => HasImageExtension(Path.GetFileName(f))))
            {
                return dir;
            }
        }

        throw new DatasetException(folder, null, $"no image files found; looked in {string.Join(", ", candidates)}");
    }

    private static string[] ListFiles(string dir)
    {
        try
        {
            return Directory.GetFiles(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(dir, null, $"cannot list the folder: {ex.Message}", ex);
        }
    }

    private static bool HasImageExtension(string name) =>
        ImageExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static bool TryParseSmall(string text, out int value)
    {
        value = 0;
        return IsDigits(text) && text.Length <= 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
