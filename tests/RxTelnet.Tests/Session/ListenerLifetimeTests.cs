namespace RxTelnet.Tests.Session;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Session;

/// <summary>The listener's asynchronous disposal: stops accepting, completes Sessions, idempotent with Dispose. Loopback.</summary>
[TestFixture]
public sealed class ListenerLifetimeTests
{
    [Test]
    public async Task DisposeAsync_CompletesSessions_AndStopsAccepting()
    {
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var completed = listener.Sessions.LastOrDefaultAsync().ToTask();
        var port = listener.LocalEndPoint.Port;

        await listener.DisposeAsync();

        Assert.That(completed.Wait(TimeSpan.FromSeconds(10)), Is.True, "Sessions completes");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.That(async () => await client.ConnectAsync(IPAddress.Loopback, port), Throws.InstanceOf<SocketException>());
    }

    [Test]
    public async Task DisposeAsync_AndDispose_AreIdempotent_InEitherOrder()
    {
        var first = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        await first.DisposeAsync();
        Assert.That(() => first.Dispose(), Throws.Nothing);
        Assert.That(async () => await first.DisposeAsync(), Throws.Nothing);

        var second = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        second.Dispose();
        Assert.That(async () => await second.DisposeAsync(), Throws.Nothing);
    }

    [Test]
    public async Task AwaitUsing_LeavesAcceptedSessionsOpen()
    {
        TelnetSession? served = null;
        TelnetSession? client = null;
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        await using (listener.ConfigureAwait(false))
        {
            var accepted = listener.Sessions.FirstAsync().ToTask();
            client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port);
            served = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.That(served.CurrentState.IsClosed, Is.False, "an accepted session outlives its listener");
        await served.DisposeAsync();
        await client.DisposeAsync();
    }
}
