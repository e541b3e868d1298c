using System.Text.Json.Serialization;

namespace FaceAttr.Core.Bundles;

/// <summary>
/// Compile-time JSON metadata of the manifest, so reading a bundle needs no reflection and the daemon can be trimmed.
/// The options mirror <see cref="ManifestSerializer.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(BundleManifest))]
public sealed partial class ManifestJsonContext : JsonSerializerContext;
