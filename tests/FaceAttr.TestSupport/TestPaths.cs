namespace FaceAttr.TestSupport;

/// <summary>
/// Where tests find the repository, the imported model bundle (built by <c>./setup.sh</c>) and the real
/// labeled faces (<c>$FACEATTR_DATA</c>, default <c>../shared/data</c> beside the checkout).
/// </summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding FaceAttr.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The default bundle folder: <c>$FACEATTR_MODELS</c> or <c>artifacts/models/default</c>.</summary>
    public static string Bundle =>
        Environment.GetEnvironmentVariable("FACEATTR_MODELS") is { Length: > 0 } m
            ? m
            : Path.Combine(RepoRoot, "artifacts", "models", "default");

    /// <summary>The shared real-face data folder.</summary>
    public static string Data =>
        Environment.GetEnvironmentVariable("FACEATTR_DATA") is { Length: > 0 } d
            ? d
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>The bundle folder; fails the test with set-up instructions when the models were never imported.</summary>
    public static string RequireBundle()
    {
        if (!File.Exists(Path.Combine(Bundle, "manifest.json")))
        {
            throw new InvalidOperationException(
                $"The model bundle is missing at {Bundle}. Run ./setup.sh (or: dotnet run --project tools/FaceAttr.Tool -- import) first.");
        }

        return Bundle;
    }

    /// <summary>
    /// A folder of the real-face data, or null when it is absent on this machine. Tests that get null
    /// say so in their output; CI always has the data.
    /// </summary>
    public static string? TryData(string subfolder)
    {
        var path = Path.Combine(Data, subfolder);
        return Directory.Exists(path) ? path : null;
    }

    /// <summary>Whether the tests run in CI, where the real data must be present.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is "true" or "1";

    /// <summary>The real-data folder; in CI its absence fails the test, elsewhere the caller is told to skip its real-data part.</summary>
    public static string? DataOrFailInCi(string subfolder)
    {
        var path = TryData(subfolder);
        if (path is null && InCi)
        {
            throw new InvalidOperationException($"CI must have the real face data, but {Path.Combine(Data, subfolder)} is missing");
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceAttr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FaceAttr.sln not found above {AppContext.BaseDirectory}");
    }
}
