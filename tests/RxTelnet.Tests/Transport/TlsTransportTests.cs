namespace RxTelnet.Tests.Transport;

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RxTelnet.Transport;

/// <summary>
/// <see cref="TlsTransport"/>'s argument checks, which throw before any connection or handshake, and both ends of a
/// loopback TLS connection: what they carry, what closing releases, and how a handshake that fails, stalls or is
/// cancelled ends.
/// </summary>
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

    [Test]
    public async Task ConnectAndAccept_OverLoopback_CarryBytesBothWays_AndTheClientNamesTheHost()
    {
        var (client, server) = await ConnectPairAsync();
        using var _ = client;
        using var __ = server;

        Assert.That(server.SslStream.TargetHostName, Is.EqualTo("localhost"), "the client sent the host it was given (SNI)");
        Assert.That(client.SslStream.IsAuthenticated && server.SslStream.IsAuthenticated, Is.True);
        Assert.That(client.IsSecure && server.IsSecure, Is.True);
        Assert.That(client.Socket, Is.Not.Null);
        Assert.That(client.Socket!.Connected, Is.True);
        Assert.That(V4(client.RemoteEndPoint), Is.EqualTo(V4(server.LocalEndPoint)).And.Not.Null);
        Assert.That(V4(client.LocalEndPoint), Is.EqualTo(V4(server.RemoteEndPoint)).And.Not.Null);

        var atServer = Collect(server, 4);
        await client.SendAsync(Encoding.ASCII.GetBytes("ping"));
        Assert.That(await atServer.WaitAsync(Patience), Is.EqualTo("ping"));
        var atClient = Collect(client, 4);
        await server.SendAsync(Encoding.ASCII.GetBytes("pong"));
        Assert.That(await atClient.WaitAsync(Patience), Is.EqualTo("pong"));
    }

    [Test]
    public async Task Close_ReleasesTheSocket_ThePeerSeesTheEnd_AndTheEndPointsAreNoLongerKnown()
    {
        var (client, server) = await ConnectPairAsync();
        var clientSocket = client.Socket!;
        var serverSocket = server.Socket!;
        var serverEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = server.Received.Subscribe(_ => { }, _ => serverEnded.TrySetResult(), () => serverEnded.TrySetResult());

        client.Close();

        Assert.That(() => _ = clientSocket.Available, Throws.InstanceOf<ObjectDisposedException>(), "the client's socket was disposed");
        Assert.That(client.RemoteEndPoint, Is.Null);
        Assert.That(client.LocalEndPoint, Is.Null);
        await serverEnded.Task.WaitAsync(Patience);

        server.Close();
        Assert.That(() => _ = serverSocket.Available, Throws.InstanceOf<ObjectDisposedException>(), "the accepted socket was disposed");
    }

    [Test]
    public async Task ConnectAsync_ServerNeverAnswersTheHandshake_TimesOutNamingHostAndPort_AndHangsUp()
    {
        using var listener = Loopback.Listen();
        var port = Loopback.PortOf(listener);
        var connecting = TlsTransport.ConnectAsync("127.0.0.1", port, TrustTestCertificate, TimeSpan.FromMilliseconds(500));
        using var silent = await listener.AcceptAsync().WaitAsync(Patience);
        var hungUp = Loopback.DrainUntilClosedAsync(silent);

        Assert.That(
            async () => await connecting.WaitAsync(Patience),
            Throws.TypeOf<TimeoutException>().With.Message.Contains("TLS handshake").And.Message.Contains($"127.0.0.1:{port}"));
        Assert.That(await hungUp, Is.GreaterThan(0), "the ClientHello went out, then the connection was closed");
    }

    [Test]
    public async Task ConnectAsync_CancelledDuringTheHandshake_ThrowsOperationCanceled_AndHangsUp()
    {
        using var listener = Loopback.Listen();
        using var cancel = new CancellationTokenSource();
        var connecting = TlsTransport.ConnectAsync("127.0.0.1", Loopback.PortOf(listener), TrustTestCertificate, cancellationToken: cancel.Token);
        using var silent = await listener.AcceptAsync().WaitAsync(Patience);

        // The first bytes of the ClientHello: the handshake is under way.
        var hello = new byte[1];
        await silent.ReceiveAsync(hello, SocketFlags.None).WaitAsync(Patience);
        cancel.Cancel();

        Assert.That(async () => await connecting.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await Loopback.DrainUntilClosedAsync(silent), Is.GreaterThanOrEqualTo(0), "the connection was closed");
    }

    [Test]
    public async Task AcceptAsync_ClientThatSpeaksNoTls_Fails_AndHangsUp()
    {
        var (client, server) = await Loopback.ConnectPairAsync();
        using var raw = client;
        var accepting = TlsTransport.AcceptAsync(server, TestCertificate.Value);

        await raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
        raw.Shutdown(SocketShutdown.Send);

        Assert.That(async () => await accepting.WaitAsync(Patience), Throws.InstanceOf<AuthenticationException>().Or.InstanceOf<IOException>());
        Assert.That(await Loopback.DrainUntilClosedAsync(raw), Is.GreaterThanOrEqualTo(0), "the accepted socket was closed");
    }

    private static readonly TimeSpan Patience = Loopback.Patience;

    private static bool TrustTestCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificate.Value.GetCertHashString();

    private static IPEndPoint? V4(EndPoint? endPoint) =>
        endPoint is IPEndPoint ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : null;

    private static async Task<(TlsTransport Client, TlsTransport Server)> ConnectPairAsync()
    {
        using var listener = Loopback.Listen();
        var connecting = TlsTransport.ConnectAsync("localhost", Loopback.PortOf(listener), TrustTestCertificate, Patience);
        var accepted = await listener.AcceptAsync().WaitAsync(Patience);
        var server = await TlsTransport.AcceptAsync(accepted, TestCertificate.Value).WaitAsync(Patience);
        var client = await connecting.WaitAsync(Patience);
        return (client, server);
    }

    /// <summary>Subscribes and completes with the first <paramref name="count"/> bytes received, as ASCII.</summary>
    private static Task<string> Collect(ITelnetTransport transport, int count)
    {
        var bytes = new List<byte>();
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Received.Subscribe(
            chunk =>
            {
                bytes.AddRange(chunk);
                if (bytes.Count >= count)
                {
                    done.TrySetResult(Encoding.ASCII.GetString([.. bytes]));
                }
            },
            e => done.TrySetException(e),
            () => done.TrySetException(new EndOfStreamException()));
        return done.Task;
    }
}
