namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

[TestFixture]
public sealed class TlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static TelnetListener StartTlsGreeter(X509Certificate2 certificate)
    {
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), certificate: certificate);
        listener.Sessions.Subscribe(session => _ = GreetAsync(session));
        return listener;
    }

    private static async Task GreetAsync(TelnetSession session)
    {
        using (session)
        {
            try
            {
                await session.WriteTextAsync("secret hello\n$ ");
                var line = await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
                await session.WriteRawAsync(line);
            }
            catch (TelnetException)
            {
                // The client of the rejection test hangs up during the handshake: nothing to greet.
            }
        }
    }

    [Test]
    public async Task Tls_CustomValidationTrustingTheCertificate_TalksTelnet()
    {
        using var certificate = TestCertificate.Create();
        using var listener = StartTlsGreeter(certificate);

        var transport = await TlsTransport.ConnectAsync(
            "localhost",
            listener.LocalEndPoint.Port,
            (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
            Timeout);
        Assert.That(transport.SslStream.IsAuthenticated && transport.SslStream.IsEncrypted, Is.True, "the handshake completed");
        await using var session = new TelnetSession(transport).Start();

        var banner = await session.ReadUntilAsync("$ "u8.ToArray(), Timeout);
        await session.WriteTextAsync("ping\n");
        var rest = await session.ReadAllAsync().WaitAsync(Timeout);

        Assert.That(Encoding.ASCII.GetString(banner), Is.EqualTo("secret hello\r\n$ "));
        Assert.That(Encoding.ASCII.GetString(rest), Is.EqualTo("ping\r\n"));
    }

    [Test]
    public async Task Tls_DefaultValidation_RejectsSelfSignedCertificate()
    {
        using var certificate = TestCertificate.Create();
        using var listener = StartTlsGreeter(certificate);

        Assert.ThrowsAsync<AuthenticationException>(() => TlsTransport.ConnectAsync("localhost", listener.LocalEndPoint.Port, timeout: Timeout));
        await Task.CompletedTask;
    }
}
