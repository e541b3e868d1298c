using System.Security.Cryptography;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Tests;

public sealed class SigningTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _archive;
    private readonly SigningKey _key = SigningKey.Generate();

    public SigningTests()
    {
        var folder = Fixtures.SmallBundle(_temp.Sub("bundle"));
        _archive = BundlePacker.Pack(folder, _temp.Sub("b.tar.gz")).ArchivePath;
    }

    public void Dispose()
    {
        _key.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void SignVerifyRoundTripThroughPemFilesAndSigFile()
    {
        _key.Save(_temp.Sub("k.pem"), _temp.Sub("k.pub.pem"));
        using var reloaded = SigningKey.Load(_temp.Sub("k.pem"));
        Assert.Equal(_key.KeyId, reloaded.KeyId);
        var sig = reloaded.Sign(_archive, "faceattr-test", "0.2.0");
        sig.Save(BundleSignature.PathFor(_archive));

        using var trust = TrustStore.Load([_temp.Sub("k.pub.pem")]);
        var check = trust.VerifyFile(_archive, BundleSignature.Load(BundleSignature.PathFor(_archive)));
        Assert.True(check.Ok, check.Reason);
        Assert.Contains(_key.KeyId, check.Reason, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Sub("k.pem")));
        }
    }

    [Fact]
    public void KeyIdIsTheFirst16HexOfTheSpkiSha256()
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(_key.ExportPublicPem());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16], _key.KeyId);
    }

    [Fact]
    public void RotationTrustsOldAndNewKeysUntilTheOldIsDropped()
    {
        using var newKey = SigningKey.Generate();
        var oldSig = _key.Sign(_archive, "faceattr-test", "0.2.0");
        var newSig = newKey.Sign(_archive, "faceattr-test", "0.2.0");
        using (var both = new TrustStore([_key.ToTrustedKey(), newKey.ToTrustedKey()]))
        {
            Assert.True(both.VerifyFile(_archive, oldSig).Ok);
            Assert.True(both.VerifyFile(_archive, newSig).Ok);
            Assert.Equal(2, both.KeyIds.Count);
        }

        using var rotated = new TrustStore([newKey.ToTrustedKey()]);
        Assert.True(rotated.VerifyFile(_archive, newSig).Ok);
        var old = rotated.VerifyFile(_archive, oldSig);
        Assert.Equal(UpdateFailure.UnknownKey, old.Failure);
        Assert.Contains($"key {_key.KeyId}, which this device does not trust", old.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyIsRefused()
    {
        using var stranger = SigningKey.Generate();
        using var trust = new TrustStore([_key.ToTrustedKey()]);
        var check = trust.VerifyFile(_archive, stranger.Sign(_archive, "faceattr-test", "0.2.0"));
        Assert.False(check.Ok);
        Assert.Equal(UpdateFailure.UnknownKey, check.Failure);
    }

    [Fact]
    public void WrongKeyClaimingATrustedKeyIdIsABadSignature()
    {
        using var forger = SigningKey.Generate();
        var forged = forger.Sign(_archive, "faceattr-test", "0.2.0") with { KeyId = _key.KeyId };
        using var trust = new TrustStore([_key.ToTrustedKey()]);
        var check = trust.VerifyFile(_archive, forged);
        Assert.Equal(UpdateFailure.BadSignature, check.Failure);
        Assert.Contains("does not verify", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EditedSignedFieldIsABadSignature()
    {
        var sig = _key.Sign(_archive, "faceattr-test", "0.2.0") with { Version = "9.9.9" };
        using var trust = new TrustStore([_key.ToTrustedKey()]);
        Assert.Equal(UpdateFailure.BadSignature, trust.VerifyFile(_archive, sig).Failure);
    }

    [Fact]
    public void TamperedArchiveIsAHashMismatch()
    {
        var sig = _key.Sign(_archive, "faceattr-test", "0.2.0");
        var bytes = File.ReadAllBytes(_archive);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(_archive, bytes);
        using var trust = new TrustStore([_key.ToTrustedKey()]);
        var check = trust.VerifyFile(_archive, sig);
        Assert.Equal(UpdateFailure.HashMismatch, check.Failure);
        Assert.Contains("archive altered or corrupt", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedArchiveIsReportedAsTruncated()
    {
        var sig = _key.Sign(_archive, "faceattr-test", "0.2.0");
        var bytes = File.ReadAllBytes(_archive);
        File.WriteAllBytes(_archive, bytes[..(bytes.Length - 100)]);
        using var trust = new TrustStore([_key.ToTrustedKey()]);
        Assert.Equal(UpdateFailure.Truncated, trust.VerifyFile(_archive, sig).Failure);
    }

    [Fact]
    public void MalformedSignatureFilesAreRefusedWithTheField()
    {
        var sig = _key.Sign(_archive, "faceattr-test", "0.2.0");
        Assert.Contains("algorithm 'ed25519'", Parse(sig.ToJson().Replace(SignatureAlgorithm.Name, "ed25519", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("not base64", Parse((sig with { Signature = "@@@" }).ToJson()), StringComparison.Ordinal);
        Assert.Contains("not a semantic version", Parse(sig.ToJson().Replace("\"0.2.0\"", "\"latest\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("not a valid signature file", Parse("{\"key_id\": 3}"), StringComparison.Ordinal);

        static string Parse(string json) =>
            Assert.Throws<UpdateException>(() => BundleSignature.Parse(json, "x.sig")).Message;
    }

    [Fact]
    public void KeysOtherThanP256PublicKeysAreRefused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Contains("only P-256", Assert.Throws<CryptographicException>(() => TrustedKey.FromPem(p384.ExportSubjectPublicKeyInfoPem())).Message,
            StringComparison.Ordinal);
        Assert.Contains("private key", Assert.Throws<CryptographicException>(() => TrustedKey.FromPem(_key.ExportPrivatePem())).Message,
            StringComparison.Ordinal);
        using var rsa = RSA.Create();
        Assert.Throws<CryptographicException>(() => TrustedKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<CryptographicException>(() => SigningKey.FromPem(_key.ExportPublicPem()));
    }
}
