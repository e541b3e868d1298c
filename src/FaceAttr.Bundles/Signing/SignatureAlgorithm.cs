using System.Security.Cryptography;

namespace FaceAttr.Bundles.Signing;

/// <summary>
/// The one signature algorithm FaceAttr accepts: ECDSA on NIST P-256 with SHA-256, signatures in IEEE P1363
/// form (r‖s, 64 bytes). Chosen over Ed25519 because it is in the BCL
/// (<see cref="ECDsa"/>, backed by OpenSSL on the Pi/Jetson), so the daemon carries no extra native library
/// or package (NSec needs libsodium per RID; BouncyCastle is a large managed dependency) and keys are plain
/// PEM (PKCS#8 / SubjectPublicKeyInfo) that openssl and HSMs/KMSs read. Ed25519's advantages (deterministic
/// nonces, speed) matter little for one signature per bundle: .NET's ECDSA uses a CSPRNG nonce via OpenSSL.
/// </summary>
public static class SignatureAlgorithm
{
    /// <summary>The algorithm name written into signature files.</summary>
    public const string Name = "ecdsa-p256-sha256";

    /// <summary>The OID of the P-256 (secp256r1 / prime256v1) curve.</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Number of hex characters of a key id (the first 8 bytes of the SPKI's sha256).</summary>
    public const int KeyIdLength = 16;

    /// <summary>Key id: the first 16 hex digits of the sha256 of the DER SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..KeyIdLength];
    }

    /// <summary>Throws unless <paramref name="key"/> is on P-256.</summary>
    internal static void RequireP256(ECDsa key, string source)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1"))
        {
            throw new CryptographicException($"{source}: key is on curve {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "?"}, FaceAttr accepts only P-256");
        }
    }
}
