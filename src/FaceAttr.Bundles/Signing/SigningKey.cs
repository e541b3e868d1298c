using System.Security.Cryptography;
using FaceAttr.Bundles.IO;

namespace FaceAttr.Bundles.Signing;

/// <summary>
/// A private signing key (ECDSA P-256), kept on the host that builds bundles. Saved as an unencrypted
/// PKCS#8 PEM with mode 0600; keep it offline or in a secrets store. Owns its <see cref="ECDsa"/>; dispose it.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        KeyId = SignatureAlgorithm.KeyIdOf(key);
    }

    /// <summary>The key id devices know this key by.</summary>
    public string KeyId { get; }

    /// <summary>Creates a new random P-256 key.</summary>
    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a PKCS#8 (or SEC1 <c>EC PRIVATE KEY</c>) PEM.</summary>
    /// <exception cref="CryptographicException">Not a P-256 private key.</exception>
    public static SigningKey FromPem(string pem, string source = "private key")
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            SignatureAlgorithm.RequireP256(key, source);
            _ = key.ExportParameters(includePrivateParameters: true); // throws when the PEM held only a public key
            return new SigningKey(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CryptographicException($"{source}: not a P-256 private key PEM: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a private key PEM file.</summary>
    public static SigningKey Load(string path) => FromPem(File.ReadAllText(path), path);

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string ExportPrivatePem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as SubjectPublicKeyInfo PEM (what devices list as trusted).</summary>
    public string ExportPublicPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The public half as a <see cref="TrustedKey"/> (caller owns and disposes it).</summary>
    public TrustedKey ToTrustedKey() => TrustedKey.FromPem(ExportPublicPem(), $"public key of {KeyId}");

    /// <summary>
    /// Writes the private key (mode 0600 where the OS has Unix modes) and the public key (0644).
    /// Refuses to overwrite an existing private key.
    /// </summary>
    public void Save(string privateKeyPath, string publicKeyPath)
    {
        if (File.Exists(privateKeyPath))
        {
            throw new IOException($"{privateKeyPath} exists; refusing to overwrite a private key");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privateKeyPath, options))
        {
            writer.Write(ExportPrivatePem());
            writer.Write('\n');
        }

        File.WriteAllText(publicKeyPath, ExportPublicPem() + "\n");
    }

    /// <summary>Signs an archive file for bundle <paramref name="bundle"/> version <paramref name="version"/>.</summary>
    public BundleSignature Sign(string archivePath, string bundle, string version)
    {
        using var stream = File.OpenRead(archivePath);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return Sign(sha, stream.Length, bundle, version);
    }

    /// <summary>Signs the facts of an archive whose sha256 and length are already known.</summary>
    public BundleSignature Sign(string archiveSha256, long archiveBytes, string bundle, string version)
    {
        var unsigned = new BundleSignature
        {
            KeyId = KeyId,
            Bundle = bundle,
            Version = version,
            ArchiveSha256 = archiveSha256,
            ArchiveBytes = archiveBytes,
            Signature = string.Empty,
            SignedAt = DateTimeOffset.UtcNow,
        };
        var signature = _key.SignData(unsigned.Statement(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var signed = unsigned with { Signature = Convert.ToBase64String(signature) };
        signed.Validate("new signature");
        return signed;
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
