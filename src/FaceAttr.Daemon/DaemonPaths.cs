namespace FaceAttr.Daemon;

/// <summary>Resolves the bundle folder from options, environment and the working folder.</summary>
public static class DaemonPaths
{
    /// <summary><see cref="DaemonOptions.Bundle"/>, else <c>$FACEATTR_MODELS</c>, else <c>artifacts/models/default</c> in the nearest folder above holding it.</summary>
    /// <exception cref="OptionsException">No bundle folder with a manifest was found.</exception>
    public static string ResolveBundle(DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Bundle.Length > 0)
        {
            return RequireManifest(options.Bundle, $"{DaemonOptions.Section}:Bundle");
        }

        if (Environment.GetEnvironmentVariable("FACEATTR_MODELS") is { Length: > 0 } env)
        {
            return RequireManifest(env, "FACEATTR_MODELS");
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "models", "default");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new OptionsException(
            $"{DaemonOptions.Section}:Bundle is not set and no artifacts/models/default was found; run ./setup.sh or set the key");
    }

    private static string RequireManifest(string folder, string key) =>
        File.Exists(Path.Combine(folder, "manifest.json"))
            ? folder
            : throw new OptionsException($"{key} '{folder}' has no manifest.json");
}
