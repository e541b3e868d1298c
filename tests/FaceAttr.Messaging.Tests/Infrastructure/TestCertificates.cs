using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FaceAttr.Messaging.Tests;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1 signed by it, written as PEM files (generated, never committed).</summary>
public sealed record TestCertificates(string CaPath, string ServerCertPath, string ServerKeyPath)
{
    public static TestCertificates Create(string folder, string name = "ca")
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=FaceAttr test {name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));

        var certificates = new TestCertificates(
            Path.Combine(folder, $"{name}.pem"), Path.Combine(folder, $"{name}-server.pem"), Path.Combine(folder, $"{name}-server.key"));
        File.WriteAllText(certificates.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(certificates.ServerCertPath, server.ExportCertificatePem());
        File.WriteAllText(certificates.ServerKeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}
