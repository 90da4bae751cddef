namespace RxTelnet.Tests.Transport;

using System.Net;
using System.Net.Sockets;
using RxTelnet.Transport;

/// <summary>
/// <see cref="SocketTransport"/>'s argument checks, which run before any connection is tried, and over loopback: the
/// socket it connects, what closing releases, and the connect timeout.
/// </summary>
[TestFixture]
public sealed class SocketTransportTests
{
    [TestCase(0)]
    [TestCase(23)]
    [TestCase(65535)]
    public void ValidateConnectArguments_PortsInRange_AreAccepted(int port)
    {
        Assert.That(SocketTransport.ValidateConnectArguments("h", port, null), Is.EqualTo(Timeout.InfiniteTimeSpan), "no timeout means wait for ever");
    }

    [TestCase(-1)]
    [TestCase(65536)]
    public void ValidateConnectArguments_PortsOutOfRange_AreRejectedNamingThePort(int port)
    {
        Assert.That(
            () => SocketTransport.ValidateConnectArguments("h", port, null),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("port")
                .And.Property("ActualValue").EqualTo(port)
                .And.Message.Contains("between 0 and 65535"));
    }

    [TestCase(0L)]
    [TestCase(1L)]
    public void ValidateConnectArguments_ZeroOrPositiveTimeout_IsReturned(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        Assert.That(SocketTransport.ValidateConnectArguments("h", 23, timeout), Is.EqualTo(timeout));
    }

    [Test]
    public void ValidateConnectArguments_InfiniteTimeout_IsReturned()
    {
        Assert.That(SocketTransport.ValidateConnectArguments("h", 23, Timeout.InfiniteTimeSpan), Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [TestCase(-1L)]
    [TestCase(-20_000_000L)]
    public void ValidateConnectArguments_NegativeTimeout_IsRejectedNamingIt(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        Assert.That(
            () => SocketTransport.ValidateConnectArguments("h", 23, timeout),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout")
                .And.Property("ActualValue").EqualTo(timeout)
                .And.Message.Contains("must not be negative"));
    }

    [Test]
    public void ConnectAsync_BadArguments_ThrowAtOnceRatherThanFaultingTheTask()
    {
        Assert.That(() => { _ = SocketTransport.ConnectAsync(""); }, Throws.ArgumentException.With.Property("ParamName").EqualTo("host"));
        Assert.That(() => { _ = SocketTransport.ConnectAsync(null!); }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("host"));
        Assert.That(() => { _ = SocketTransport.ConnectAsync("h", -1); }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(SocketTransport.DefaultPort, Is.EqualTo(23));
    }

    [Test]
    public void Constructor_SocketNotConnected_IsRejectedNamingIt()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

        Assert.That(() => new SocketTransport(socket), Throws.ArgumentException.With.Property("ParamName").EqualTo("socket").And.Message.Contains("must be connected"));
        Assert.That(() => new SocketTransport(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("socket"));
    }

    [Test]
    public async Task ConnectAsync_ToALoopbackListener_DisablesNagleAndKnowsBothEndPoints()
    {
        using var listener = Loopback.Listen();
        var connecting = SocketTransport.ConnectAsync("127.0.0.1", Loopback.PortOf(listener), Loopback.Patience);
        using var accepted = await listener.AcceptAsync().WaitAsync(Loopback.Patience);
        using var transport = await connecting.WaitAsync(Loopback.Patience);

        Assert.That(transport.Socket!.NoDelay, Is.True, "Telnet's small writes (a keystroke, a negotiation) go out at once");
        Assert.That(V4(transport.RemoteEndPoint), Is.EqualTo(V4(accepted.LocalEndPoint)));
        Assert.That(V4(transport.LocalEndPoint), Is.EqualTo(V4(accepted.RemoteEndPoint)));
    }

    [Test]
    public async Task Close_DisposesTheSocket_ThePeerSeesTheEnd_AndTheEndPointsAreNoLongerKnown()
    {
        var (client, server) = await Loopback.ConnectPairAsync();
        using var peer = client;
        var transport = new SocketTransport(server);

        transport.Close();

        Assert.That(() => _ = server.Available, Throws.InstanceOf<ObjectDisposedException>(), "the socket was disposed, not only shut down");
        Assert.That(transport.RemoteEndPoint, Is.Null);
        Assert.That(transport.LocalEndPoint, Is.Null);
        Assert.That(await Loopback.DrainUntilClosedAsync(peer), Is.Zero);
    }

    [Test]
    public async Task Close_WhileReceiving_ThePeerSeesAnOrderlyEnd()
    {
        var (client, server) = await Loopback.ConnectPairAsync();
        using var peer = client;
        var transport = new SocketTransport(server);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = transport.Received.Subscribe(_ => first.TrySetResult());
        await peer.SendAsync(new byte[] { 1 });
        await first.Task.WaitAsync(Loopback.Patience);

        // The receive loop has its next read pending now.
        transport.Close();

        using var patience = new CancellationTokenSource(Loopback.Patience);
        Assert.That(await peer.ReceiveAsync(new byte[16], SocketFlags.None, patience.Token), Is.Zero, "an end of stream, not a reset");
    }

    [Test]
    [Platform(Include = "Linux", Reason = "Linux drops a SYN when the listener's accept queue is full, so the connect hangs; others refuse it")]
    public async Task ConnectAsync_ListenerThatDoesNotAnswer_TimesOutNamingHostAndPort()
    {
        // A listener with no room in its accept queue: once one connection waits there, further SYNs go unanswered.
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = Loopback.PortOf(listener);
        using var queued = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await queued.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Loopback.Patience);

        var connecting = SocketTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromMilliseconds(300));

        Assert.That(
            async () => await connecting.WaitAsync(Loopback.Patience),
            Throws.TypeOf<TimeoutException>().With.Message.Contains($"127.0.0.1:{port}").And.Message.Contains("took longer than"));
    }

    private static IPEndPoint? V4(EndPoint? endPoint) =>
        endPoint is IPEndPoint ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : null;
}
