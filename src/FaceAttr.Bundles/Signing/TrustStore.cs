using System.Security.Cryptography;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Signing;

/// <summary>The result of checking a signature: ok, or the failure code and a reason naming the key or hash.</summary>
/// <param name="Ok">Whether the archive is signed by a trusted key and matches the signed hash and length.</param>
/// <param name="Failure">Why not, as a code.</param>
/// <param name="Reason">Why not (or which key signed), for people.</param>
public sealed record SignatureCheck(bool Ok, UpdateFailure Failure, string Reason)
{
    /// <summary>Throws an <see cref="UpdateException"/> (stage verify) unless <see cref="Ok"/>.</summary>
    public void ThrowIfFailed()
    {
        if (!Ok)
        {
            throw new UpdateException(UpdateStage.Verify, Failure, Reason);
        }
    }
}

/// <summary>
/// The public keys a device accepts bundles from. Several keys may be trusted at once so that keys can be
/// rotated: add the new key to every device, sign with it, then drop the old one. Owns its keys.
/// </summary>
public sealed class TrustStore : IDisposable
{
    private readonly Dictionary<string, TrustedKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a store from keys (the store takes ownership). Duplicate keys are kept once.</summary>
    public TrustStore(IEnumerable<TrustedKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (!_keys.TryAdd(key.KeyId, key))
            {
                key.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads every path: a <c>.pem</c> file, or a folder whose <c>*.pem</c> files are each one public key.
    /// </summary>
    /// <exception cref="CryptographicException">A file is not a P-256 public key.</exception>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    public static TrustStore Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var keys = new List<TrustedKey>();
        try
        {
            foreach (var path in paths)
            {
                if (Directory.Exists(path))
                {
                    keys.AddRange(Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal).Select(TrustedKey.Load));
                }
                else if (File.Exists(path))
                {
                    keys.Add(TrustedKey.Load(path));
                }
                else
                {
                    throw new FileNotFoundException($"trusted key {path} does not exist", path);
                }
            }
        }
        catch
        {
            keys.ForEach(k => k.Dispose());
            throw;
        }

        return new TrustStore(keys);
    }

    /// <summary>Ids of the trusted keys, sorted.</summary>
    public IReadOnlyList<string> KeyIds => [.. _keys.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Checks that <paramref name="signature"/> is well formed, names a trusted key and verifies with it
    /// (so its fields are authentic), then that the archive's actual sha256 and length equal the signed ones.
    /// </summary>
    public SignatureCheck Verify(BundleSignature signature, string archiveSha256, long archiveBytes)
    {
        ArgumentNullException.ThrowIfNull(signature);
        try
        {
            signature.Validate("signature");
        }
        catch (UpdateException ex)
        {
            return new SignatureCheck(false, ex.Failure, ex.Message);
        }

        var check = VerifyStatement(signature);
        if (!check.Ok)
        {
            return check;
        }

        if (archiveBytes != signature.ArchiveBytes)
        {
            return new SignatureCheck(false, archiveBytes < signature.ArchiveBytes ? UpdateFailure.Truncated : UpdateFailure.HashMismatch,
                $"archive is {archiveBytes} bytes, the signature says {signature.ArchiveBytes}");
        }

        if (!string.Equals(archiveSha256, signature.ArchiveSha256, StringComparison.OrdinalIgnoreCase))
        {
            return new SignatureCheck(false, UpdateFailure.HashMismatch,
                $"archive sha256 is {archiveSha256}, the signature says {signature.ArchiveSha256} (archive altered or corrupt)");
        }

        return check;
    }

    /// <summary>
    /// Checks only that the signature's fields are signed by a trusted key, before anything is downloaded:
    /// then its name, version and length can be trusted for the downgrade and size checks.
    /// </summary>
    public SignatureCheck VerifyStatement(BundleSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!_keys.TryGetValue(signature.KeyId, out var key))
        {
            return new SignatureCheck(false, UpdateFailure.UnknownKey,
                $"signed by key {signature.KeyId}, which this device does not trust (trusted: {string.Join(", ", KeyIds)})");
        }

        if (signature.SignatureBytes() is not { } bytes || !key.Verifies(signature.Statement(), bytes))
        {
            return new SignatureCheck(false, UpdateFailure.BadSignature,
                $"signature does not verify with key {signature.KeyId} ({key.Source}): signature or signed fields altered");
        }

        return new SignatureCheck(true, UpdateFailure.None, $"signed by trusted key {signature.KeyId}");
    }

    /// <summary>Hashes the archive file and verifies it (see <see cref="Verify(BundleSignature, string, long)"/>).</summary>
    public SignatureCheck VerifyFile(string archivePath, BundleSignature signature)
    {
        using var stream = File.OpenRead(archivePath);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return Verify(signature, sha, stream.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
    }
}
