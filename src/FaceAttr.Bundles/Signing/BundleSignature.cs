using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceAttr.Bundles.Updating;
using FaceAttr.Bundles.Versioning;

namespace FaceAttr.Bundles.Signing;

/// <summary>
/// The detached signature of a bundle archive (<c>&lt;archive&gt;.sig</c>, JSON). The signature covers a
/// statement of every field here except <see cref="Signature"/> and <see cref="SignedAt"/>: format, algorithm,
/// key id, bundle name and version, and the archive's sha256 and length. So a device can refuse an older
/// version or an oversized archive before downloading it, and after unpacking checks that the manifest
/// says the same name and version.
/// </summary>
public sealed record BundleSignature
{
    /// <summary>The format tag written and accepted.</summary>
    public const string CurrentFormat = "faceattr-bundle-signature/1";

    /// <summary>Suffix of a signature file beside its archive.</summary>
    public const string FileSuffix = ".sig";

    /// <summary>Format tag, <see cref="CurrentFormat"/>.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Key id of the signing key (see <see cref="SignatureAlgorithm.KeyIdOf"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>Signature algorithm, <see cref="SignatureAlgorithm.Name"/>.</summary>
    public string Algorithm { get; init; } = SignatureAlgorithm.Name;

    /// <summary>Bundle name as in the manifest.</summary>
    public required string Bundle { get; init; }

    /// <summary>Bundle version as in the manifest (semver).</summary>
    public required string Version { get; init; }

    /// <summary>Lower-case hex sha256 of the archive file.</summary>
    public required string ArchiveSha256 { get; init; }

    /// <summary>Length of the archive file in bytes.</summary>
    public required long ArchiveBytes { get; init; }

    /// <summary>Base64 IEEE P1363 ECDSA signature of the statement.</summary>
    public required string Signature { get; init; }

    /// <summary>When it was signed (informational, not covered by the signature).</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>The signature path beside an archive: <c>archive.tar.gz.sig</c>.</summary>
    public static string PathFor(string archivePath) => archivePath + FileSuffix;

    /// <summary>The exact bytes that are signed (UTF-8 lines, each field on its own line).</summary>
    public byte[] Statement() => Encoding.UTF8.GetBytes(
        $"{Format}\n{Algorithm}\n{KeyId}\n{Bundle}\n{Version}\n{ArchiveSha256}\n{ArchiveBytes}\n");

    /// <summary>Indented JSON of the signature file.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, UpdateJson.Info<BundleSignature>(IndentedOptions));

    /// <summary>Writes the signature file.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n");

    /// <summary>Reads and validates a signature file.</summary>
    /// <exception cref="UpdateException">Malformed (failure <see cref="UpdateFailure.BadSignatureFile"/>).</exception>
    public static BundleSignature Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new UpdateException(UpdateStage.Verify, UpdateFailure.BadSignatureFile, $"cannot read signature {path}: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates signature JSON; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="UpdateException">Malformed (failure <see cref="UpdateFailure.BadSignatureFile"/>).</exception>
    public static BundleSignature Parse(string json, string source)
    {
        BundleSignature? sig;
        try
        {
            sig = JsonSerializer.Deserialize(json, UpdateJson.Info<BundleSignature>(IndentedOptions));
        }
        catch (JsonException ex)
        {
            throw Bad(source, $"not a valid signature file: {ex.Message}", ex);
        }

        if (sig is null)
        {
            throw Bad(source, "signature file is empty (null)");
        }

        sig.Validate(source);
        return sig;
    }

    /// <summary>Checks every field's form (not the signature itself).</summary>
    /// <exception cref="UpdateException">A field is malformed.</exception>
    public void Validate(string source)
    {
        if (Format != CurrentFormat)
        {
            throw Bad(source, $"format '{Format}' is not supported (this runtime reads {CurrentFormat})");
        }

        if (Algorithm != SignatureAlgorithm.Name)
        {
            throw Bad(source, $"algorithm '{Algorithm}' is not accepted (only {SignatureAlgorithm.Name})");
        }

        if (KeyId is not { Length: SignatureAlgorithm.KeyIdLength } || !KeyId.All(char.IsAsciiHexDigitLower))
        {
            throw Bad(source, $"key_id '{KeyId}' is not {SignatureAlgorithm.KeyIdLength} lower-case hex digits");
        }

        if (string.IsNullOrWhiteSpace(Bundle) || Bundle.Any(char.IsControl))
        {
            throw Bad(source, "bundle name is empty or has control characters");
        }

        if (!BundleVersion.TryParse(Version, out _) || Version.Any(char.IsControl))
        {
            throw Bad(source, $"version '{Version}' is not a semantic version");
        }

        if (ArchiveSha256 is not { Length: 64 } || !ArchiveSha256.All(char.IsAsciiHexDigitLower))
        {
            throw Bad(source, "archive_sha256 is not 64 lower-case hex digits");
        }

        if (ArchiveBytes <= 0)
        {
            throw Bad(source, $"archive_bytes {ArchiveBytes} must be positive");
        }

        if (SignatureBytes() is null)
        {
            throw Bad(source, "signature is not base64");
        }
    }

    /// <summary>The decoded signature, or null when it is not base64.</summary>
    internal byte[]? SignatureBytes()
    {
        var buffer = new byte[((Signature?.Length ?? 0) * 3 / 4) + 3];
        return Convert.TryFromBase64String(Signature ?? string.Empty, buffer, out var written) ? buffer[..written] : null;
    }

    private static UpdateException Bad(string source, string message, Exception? inner = null) =>
        new(UpdateStage.Verify, UpdateFailure.BadSignatureFile, $"{source}: {message}", inner);

    private static readonly JsonSerializerOptions IndentedOptions = new(UpdateJson.Options)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
