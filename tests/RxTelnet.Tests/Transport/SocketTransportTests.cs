namespace RxTelnet.Tests.Transport;

using System.Net.Sockets;
using RxTelnet.Transport;

/// <summary><see cref="SocketTransport"/>'s argument checks, which run before any connection is tried.</summary>
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
}
