namespace RxTelnet.Tests;

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>A self-signed server certificate for "localhost" and 127.0.0.1, generated once per test run.</summary>
internal static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(Create);

    /// <summary>Gets the shared certificate, with its private key. Do not dispose it.</summary>
    public static X509Certificate2 Value => Shared.Value;

    /// <summary>Creates a fresh certificate with its private key; the caller disposes it.</summary>
    /// <returns>The certificate.</returns>
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PFX so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Creates a copy of the shared certificate without its private key; the caller disposes it.</summary>
    /// <returns>The public part only.</returns>
    public static X509Certificate2 WithoutPrivateKey() => X509CertificateLoader.LoadCertificate(Value.RawData);
}
