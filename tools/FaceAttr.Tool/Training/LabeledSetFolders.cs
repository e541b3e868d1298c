using FaceAttr.Datasets;
using FaceAttr.Training.Training;

namespace FaceAttr.Tool.Training;

/// <summary>
/// The labeled sets under one data folder (<c>../shared/data</c>): each known set in the subfolder of its name, read the
/// way <c>faceattr train</c> reads them, so a command given <c>--data</c> sees the same faces (and the same validation
/// split) as the training run did.
/// </summary>
internal static class LabeledSetFolders
{
    private static readonly (string Name, Func<ILabeledSetReader> Reader)[] Known =
    [
        ("celeba", () => new CelebAReader()),
        ("utkface", () => new UtkFaceReader()),
        ("expressions", () => new ExpressionsReader()),
        ("rafdb", () => new RafDbReader()),
    ];

    /// <summary>A new reader for the set called <paramref name="name"/> (<c>celeba</c>, <c>utkface</c>, …), or null for an unknown name.</summary>
    public static ILabeledSetReader? ReaderFor(string name) => Known.FirstOrDefault(k => k.Name == name).Reader?.Invoke();

    /// <summary>The known sets present under <paramref name="dataFolder"/>, in training order.</summary>
    public static IReadOnlyList<(ILabeledSetReader Reader, string Name, string Path)> Find(string dataFolder) =>
        [.. Known.Where(k => Directory.Exists(Path.Combine(dataFolder, k.Name)))
            .Select(k => (k.Reader(), k.Name, Path.Combine(dataFolder, k.Name)))];

    /// <summary>Reads every set, logging counts and up to 20 skipped entries per set to <paramref name="log"/>.</summary>
    /// <exception cref="DatasetException">A set cannot be read.</exception>
    public static List<DatasetInput> Read(IReadOnlyList<(ILabeledSetReader Reader, string Name, string Path)> sets, string command, TextWriter log)
    {
        var inputs = new List<DatasetInput>();
        foreach (var (reader, name, path) in sets)
        {
            var set = reader.Read(path, null);
            inputs.Add(new DatasetInput(name, path, set));
            log.WriteLine($"{command}: {name}: {set.Faces.Count} faces, {set.Skipped.Count} skipped, {set.Excluded.Count} excluded");
            foreach (var issue in set.Skipped.Take(20))
            {
                log.WriteLine($"  skipped {issue}");
            }

            if (set.Skipped.Count > 20)
            {
                log.WriteLine($"  … and {set.Skipped.Count - 20} more skipped");
            }
        }

        return inputs;
    }
}
