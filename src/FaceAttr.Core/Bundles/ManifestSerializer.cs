using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FaceAttr.Core.Bundles;

/// <summary>Reads and writes <c>manifest.json</c>, validating what it reads.</summary>
public static class ManifestSerializer
{
    /// <summary>The file name of a manifest inside a bundle folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>
    /// JSON options used for manifests: snake_case, indented, enums as their contract strings; compile-time metadata
    /// (<see cref="ManifestJsonContext"/>) in the trimmed daemon (<see cref="JsonResolvers.ReflectionElse"/>).
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        TypeInfoResolver = FaceAttr.Core.JsonResolvers.ReflectionElse(ManifestJsonContext.Default),
    };

    private static JsonTypeInfo<BundleManifest> ManifestInfo => (JsonTypeInfo<BundleManifest>)Options.GetTypeInfo(typeof(BundleManifest));

    /// <summary>Serializes a manifest to indented JSON.</summary>
    public static string ToJson(BundleManifest manifest) => JsonSerializer.Serialize(manifest, ManifestInfo);

    /// <summary>Parses and validates a manifest.</summary>
    /// <exception cref="BundleFormatException">The JSON is malformed or breaks the contract.</exception>
    public static BundleManifest Parse(string json, string source)
    {
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, ManifestInfo);
        }
        catch (JsonException ex)
        {
            throw new BundleFormatException($"{source}: not a valid manifest: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new BundleFormatException($"{source}: manifest is empty (null)");
        }

        Validate(manifest, source);
        return manifest;
    }

    /// <summary>Reads and validates <c>manifest.json</c> from a bundle folder.</summary>
    public static BundleManifest ReadFromFolder(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new BundleFormatException($"{folder}: no {FileName} in the bundle folder");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Checks the rules JSON typing alone cannot express.</summary>
    public static void Validate(BundleManifest manifest, string source)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.SchemaVersion != BundleManifest.CurrentSchemaVersion)
        {
            throw new BundleFormatException(
                $"{source}: schema_version {manifest.SchemaVersion} is not supported (this runtime reads {BundleManifest.CurrentSchemaVersion})");
        }

        if (manifest.TaxonomyVersion > Taxonomy.Version)
        {
            throw new BundleFormatException(
                $"{source}: taxonomy_version {manifest.TaxonomyVersion} is newer than this runtime's {Taxonomy.Version}");
        }

        if (string.IsNullOrWhiteSpace(manifest.MinRuntimeVersion))
        {
            throw new BundleFormatException($"{source}: min_runtime_version must be set (e.g. \"0.1.0\")");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in manifest.Models)
        {
            var where = $"{source}: model '{model.Id}'";
            if (!ids.Add(model.Id))
            {
                throw new BundleFormatException($"{where}: duplicate model id");
            }

            if (model.File.Contains('/') || model.File.Contains('\\') || model.File.StartsWith('.'))
            {
                throw new BundleFormatException($"{where}: file '{model.File}' must be a plain file name inside the bundle");
            }

            if (model.Sha256.Length != 64 || !model.Sha256.All(Uri.IsHexDigit))
            {
                throw new BundleFormatException($"{where}: sha256 '{model.Sha256}' is not 64 hex digits");
            }

            ValidateInput(model.Input, where);
            if (model.Outputs.Count == 0)
            {
                throw new BundleFormatException($"{where}: no outputs declared");
            }

            foreach (var output in model.Outputs)
            {
                if (output.Size <= 0)
                {
                    throw new BundleFormatException($"{where}: output '{output.Name}' size must be positive");
                }

                if (output.Labels is { } labels && output.Kind == OutputKind.Softmax && labels.Length != output.Size)
                {
                    throw new BundleFormatException(
                        $"{where}: output '{output.Name}' has {labels.Length} labels but size {output.Size}");
                }
            }

            if (model.Role == ModelRole.Detector && model.Anchors is null)
            {
                throw new BundleFormatException($"{where}: a detector needs an anchors section");
            }
        }

        foreach (var (head, modelId) in manifest.Heads ?? new Dictionary<string, string>())
        {
            var model = manifest.Models.FirstOrDefault(m => m.Id == modelId)
                ?? throw new BundleFormatException($"{source}: head '{head}' names model '{modelId}', which the bundle lacks");
            if (!model.Outputs.Any(o => o.Head == head))
            {
                throw new BundleFormatException($"{source}: head '{head}' names model '{modelId}', which has no output for it");
            }
        }
    }

    private static void ValidateInput(ModelInput input, string where)
    {
        if (input.Width is < 8 or > 4096 || input.Height is < 8 or > 4096)
        {
            throw new BundleFormatException($"{where}: input size {input.Width}x{input.Height} is outside 8..4096");
        }

        if (!float.IsFinite(input.Scale) || input.Scale <= 0)
        {
            throw new BundleFormatException($"{where}: input scale {input.Scale} must be a positive number");
        }

        CheckPerChannel(input.Mean, "mean", input.Channels, where);
        CheckPerChannel(input.Std, "std", input.Channels, where);
        if (input.Std.Any(s => s == 0 || !float.IsFinite(s)))
        {
            throw new BundleFormatException($"{where}: input std must be finite and non-zero");
        }
    }

    private static void CheckPerChannel(float[] values, string name, int channels, string where)
    {
        if (values.Length != 1 && values.Length != channels)
        {
            throw new BundleFormatException(
                $"{where}: input {name} has {values.Length} values; give 1 or {channels} (one per channel)");
        }
    }
}
