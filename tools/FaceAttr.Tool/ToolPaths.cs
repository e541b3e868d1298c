namespace FaceAttr.Tool;

/// <summary>Default locations: the repository root (found from the working folder), the bundle and the package cache.</summary>
public static class ToolPaths
{
    /// <summary>The nearest folder upwards holding <c>FaceAttr.sln</c>, else the working folder.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where <c>faceattr import</c> writes the default bundle: <c>$FACEATTR_MODELS</c> or <c>artifacts/models/default</c>.</summary>
    public static string DefaultBundle =>
        Environment.GetEnvironmentVariable("FACEATTR_MODELS") is { Length: > 0 } m
            ? m
            : Path.Combine(RepoRoot, "artifacts", "models", "default");

    /// <summary>Package tarball cache: <c>$FACEATTR_CACHE</c> or <c>~/.cache/faceattr/npm</c>.</summary>
    public static string PackageCache =>
        Environment.GetEnvironmentVariable("FACEATTR_CACHE") is { Length: > 0 } c
            ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "faceattr", "npm");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceAttr.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
