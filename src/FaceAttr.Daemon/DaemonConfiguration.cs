using Microsoft.Extensions.Configuration;

namespace FaceAttr.Daemon;

/// <summary>
/// Where settings come from, lowest to highest: <c>appsettings.json</c> beside the program, the config files named by
/// <c>$FACEATTR_CONFIG</c> (':'-separated) and by each <c>--config PATH</c> (a board profile from
/// <c>firmware-config/</c>, then the site's <c>/etc/faceattr/faceattrd.json</c>), then <c>FACEATTR__…</c> environment
/// variables, then <c>--FaceAttr:Key=value</c> arguments.
/// </summary>
public static class DaemonConfiguration
{
    /// <summary>Environment variable naming config files.</summary>
    public const string ConfigVariable = "FACEATTR_CONFIG";

    /// <summary>Adds the config files and then the environment and command line again, so those still win over the files.</summary>
    /// <exception cref="OptionsException">A named config file is missing or not valid JSON.</exception>
    public static void AddConfigFiles(IConfigurationBuilder configuration, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(args);
        var files = ConfigFiles(args, Environment.GetEnvironmentVariable(ConfigVariable));
        if (files.Count == 0)
        {
            return;
        }

        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new OptionsException($"config file '{full}' does not exist (from --config or ${ConfigVariable})");
            }

            configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    /// <summary>The config files named in <paramref name="environmentValue"/> and by <c>--config PATH</c> / <c>--config=PATH</c>, in order.</summary>
    public static IReadOnlyList<string> ConfigFiles(string[] args, string? environmentValue)
    {
        ArgumentNullException.ThrowIfNull(args);
        var files = new List<string>();
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            files.AddRange(environmentValue.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                files.Add(i + 1 < args.Length ? args[++i] : throw new OptionsException("--config needs a file path"));
            }
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                files.Add(args[i]["--config=".Length..]);
            }
        }

        return files;
    }

    /// <summary>The whole configuration as the daemon sees it, for tools and tests that check a profile.</summary>
    public static IConfigurationRoot Build(string[] args)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        AddConfigFiles(builder, args);
        return builder.Build();
    }
}
