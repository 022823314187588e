using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// What <c>salt-call tls.create_self_signed_cert</c> gives a salt-api: a self-signed certificate for localhost, as
/// PEM files (<c>ssl_crt</c>, <c>ssl_key</c>), trusted by nobody.
/// </summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create(string directory, out string certificatePath)
    {
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        certificatePath = Path.Combine(directory, "salt-api.crt");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "salt-api.key"), key.ExportPkcs8PrivateKeyPem());

        // SslStream needs the private key in a form the platform can use for the handshake: a PFX round trip.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
