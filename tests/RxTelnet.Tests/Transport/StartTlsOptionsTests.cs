namespace RxTelnet.Tests.Transport;

using System.Net.Security;
using RxTelnet.Transport;

/// <summary>What each <see cref="StartTlsOptions"/> factory builds, and the handshake timeout's bounds.</summary>
[TestFixture]
public sealed class StartTlsOptionsTests
{
    [Test]
    public void Client_ByHostName_BuildsClientOptionsWithTheDefaultTimeout()
    {
        RemoteCertificateValidationCallback validation = (_, _, _, _) => true;

        var options = StartTlsOptions.Client("example.org", validation);

        Assert.That(options.IsServer, Is.False);
        Assert.That(options.ServerOptions, Is.Null);
        Assert.That(options.ClientOptions!.TargetHost, Is.EqualTo("example.org"));
        Assert.That(options.ClientOptions.RemoteCertificateValidationCallback, Is.SameAs(validation));
        Assert.That(options.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(StartTlsOptions.DefaultHandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Server_ByCertificate_BuildsServerOptions()
    {
        var options = StartTlsOptions.Server(TestCertificate.Value, TimeSpan.FromSeconds(5));

        Assert.That(options.IsServer, Is.True);
        Assert.That(options.ClientOptions, Is.Null);
        Assert.That(options.ServerOptions!.ServerCertificate, Is.SameAs(TestCertificate.Value));
        Assert.That(options.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void HandshakeTimeout_PositiveOrInfinite_IsKept()
    {
        Assert.That(StartTlsOptions.Client("h", handshakeTimeout: TimeSpan.FromTicks(1)).HandshakeTimeout, Is.EqualTo(TimeSpan.FromTicks(1)));
        Assert.That(StartTlsOptions.Client("h", handshakeTimeout: Timeout.InfiniteTimeSpan).HandshakeTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(StartTlsOptions.Server(new SslServerAuthenticationOptions(), Timeout.InfiniteTimeSpan).HandshakeTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(-20_000_000L)]
    public void HandshakeTimeout_ZeroOrNegative_IsRejectedNamingIt(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        Assert.That(
            () => StartTlsOptions.Client(new SslClientAuthenticationOptions(), timeout),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout")
                .And.Property("ActualValue").EqualTo(timeout)
                .And.Message.Contains("positive or infinite"));
        Assert.That(() => StartTlsOptions.Server(new SslServerAuthenticationOptions(), timeout), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Factories_NullArguments_AreRejectedByName()
    {
        Assert.That(() => StartTlsOptions.Client((SslClientAuthenticationOptions)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => StartTlsOptions.Server((SslServerAuthenticationOptions)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => StartTlsOptions.Server((System.Security.Cryptography.X509Certificates.X509Certificate2)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("certificate"));
        Assert.That(() => StartTlsOptions.Client((string)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("targetHost"));
    }

    [Test]
    public void Server_CertificateWithoutPrivateKey_IsRejectedNamingIt()
    {
        using var noKey = TestCertificate.WithoutPrivateKey();

        Assert.That(
            () => StartTlsOptions.Server(noKey),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("certificate").And.Message.Contains(noKey.Subject));
    }
}
