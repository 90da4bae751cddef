namespace RxTelnet.Tests.Transport;

using System.Net.Sockets;
using RxTelnet.Transport;

/// <summary><see cref="TlsTransport"/>'s argument checks, which throw before any connection or handshake.</summary>
[TestFixture]
public sealed class TlsTransportTests
{
    [Test]
    public void AcceptAsync_NullArguments_ThrowAtOnceNamingThem()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

        Assert.That(() => { _ = TlsTransport.AcceptAsync(null!, TestCertificate.Value); }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("socket"));
        Assert.That(() => { _ = TlsTransport.AcceptAsync(socket, null!); }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("certificate"));
    }

    [Test]
    public void ConnectAsync_BadArguments_ThrowAtOnceNamingThem()
    {
        Assert.That(() => { _ = TlsTransport.ConnectAsync(""); }, Throws.ArgumentException.With.Property("ParamName").EqualTo("host"));
        Assert.That(() => { _ = TlsTransport.ConnectAsync("h", 70_000); }, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("port"));
        Assert.That(() => { _ = TlsTransport.ConnectAsync("h", timeout: TimeSpan.FromTicks(-1)); }, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
        Assert.That(TlsTransport.DefaultPort, Is.EqualTo(992), "telnets");
    }
}
