using System.Security.Cryptography;
using FaceAttr.Core.Bundles;
using FaceAttr.Training.Export;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Bundling;

/// <summary>
/// Writes a bundle folder the daemon loads unchanged: the base bundle's detector/landmark models plus exported networks,
/// a manifest whose heads point at the new networks, every model opened by ONNX Runtime and checked against its entry
/// before the folder appears. Built in a temp folder beside the output and renamed into place, so a failure leaves nothing.
/// </summary>
public static class BundleComposer
{
    /// <summary>Composes the bundle and returns its manifest.</summary>
    /// <exception cref="IOException">The output exists, or a file is missing.</exception>
    /// <exception cref="BundleFormatException">An entry or file breaks the bundle contract.</exception>
    /// <exception cref="ModelContractException">ONNX Runtime's view of a model disagrees with its entry.</exception>
    public static BundleManifest Compose(BundleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var output = Path.GetFullPath(request.Output);
        if (Directory.Exists(output) || File.Exists(output))
        {
            throw new IOException($"{output} already exists; choose a new output folder (nothing was written)");
        }

        var baseManifest = ManifestSerializer.ReadFromFolder(request.BaseBundle);
        foreach (var id in request.KeepModels.Where(id => baseManifest.Models.All(m => m.Id != id)))
        {
            throw new BundleFormatException($"{request.BaseBundle}: has no model '{id}' to keep (it has: {string.Join(", ", baseManifest.Models.Select(m => m.Id))})");
        }

        var kept = baseManifest.Models.Where(m => request.KeepRoles.Contains(m.Role) || request.KeepModels.Contains(m.Id)).ToList();
        var added = request.Models.Select(ReadExported).ToList();
        var models = kept.Concat(added.Select(a => a.Entry)).ToList();
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (head, id) in baseManifest.Heads ?? new Dictionary<string, string>())
        {
            if (kept.Any(m => m.Id == id))
            {
                heads[head] = id;
            }
        }

        // The new networks serve every head they output; the first one added wins a head two of them share.
        foreach (var (entry, _) in Enumerable.Reverse(added))
        {
            foreach (var head in entry.Outputs.Select(o => o.Head).OfType<string>())
            {
                heads[head] = entry.Id;
            }
        }

        var manifest = new BundleManifest
        {
            Name = request.Name,
            Version = request.Version,
            MinRuntimeVersion = baseManifest.MinRuntimeVersion,
            Models = models,
            Heads = heads,
        };
        ManifestSerializer.Validate(manifest, output);
        var duplicateFile = models.GroupBy(m => m.File, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateFile is not null)
        {
            throw new BundleFormatException($"two models would share the file '{duplicateFile.Key}': {string.Join(", ", duplicateFile.Select(m => m.Id))}");
        }

        var temp = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        try
        {
            foreach (var m in kept)
            {
                File.Copy(Path.Combine(request.BaseBundle, m.File), Path.Combine(temp, m.File));
            }

            foreach (var (entry, path) in added)
            {
                File.Copy(path, Path.Combine(temp, entry.File));
            }

            File.WriteAllText(Path.Combine(temp, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest));
            foreach (var (entry, _) in added)
            {
                // Opens the session and checks input/output names and shapes against the entry: fail here, not on a device.
                using var session = SessionFactory.Open(temp, entry, new SessionSettings());
            }

            Directory.Move(temp, output);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }

        return manifest;
    }

    private static (ModelEntry Entry, string Path) ReadExported(string onnxPath)
    {
        var full = Path.GetFullPath(onnxPath);
        if (!File.Exists(full))
        {
            throw new IOException($"{full}: no such model file");
        }

        var entryPath = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ExportWriter.EntrySuffix);
        if (!File.Exists(entryPath))
        {
            throw new IOException($"{entryPath}: missing; 'faceattr export' writes it beside the .onnx file");
        }

        var entry = ExportWriter.ReadEntry(entryPath);
        using var stream = File.OpenRead(full);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BundleFormatException($"{full}: sha256 {sha} does not match its entry's {entry.Sha256} (the file changed after export)");
        }

        return (entry with { File = Path.GetFileName(full) }, full);
    }
}
