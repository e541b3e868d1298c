using System.Security.Cryptography;

namespace FaceAttr.Bundles.Signing;

/// <summary>A public key a device trusts to sign bundles. Owns its <see cref="ECDsa"/>; dispose it.</summary>
public sealed class TrustedKey : IDisposable
{
    private readonly ECDsa _key;

    private TrustedKey(ECDsa key, string source)
    {
        _key = key;
        Source = source;
        KeyId = SignatureAlgorithm.KeyIdOf(key);
    }

    /// <summary>Key id (first 16 hex digits of the SPKI's sha256).</summary>
    public string KeyId { get; }

    /// <summary>Where the key came from (file path or config name), for messages.</summary>
    public string Source { get; }

    /// <summary>Reads a <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) PEM.</summary>
    /// <exception cref="CryptographicException">Not a P-256 public key.</exception>
    public static TrustedKey FromPem(string pem, string source = "public key")
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new CryptographicException($"{source}: holds a private key; give devices only the public key");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            SignatureAlgorithm.RequireP256(key, source);
            return new TrustedKey(key, source);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CryptographicException($"{source}: not a P-256 public key PEM: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a public key PEM file.</summary>
    public static TrustedKey Load(string path) => FromPem(File.ReadAllText(path), path);

    /// <summary>The public key as PEM.</summary>
    public string ExportPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Whether <paramref name="signature"/> (IEEE P1363) signs <paramref name="statement"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> statement, ReadOnlySpan<byte> signature) =>
        _key.VerifyData(statement, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
