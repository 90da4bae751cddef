namespace RxTelnet.Tests.Session;

using System.Reactive;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The peer's end of stream is a half-close: reads see the end and State says RemoteClose, but queued replies and
/// later writes still go out until the application closes or a send fails. Virtual time over a scripted transport.
/// </summary>
[TestFixture]
public sealed class HalfCloseTests
{
    private static (TestScheduler Scheduler, ObservableTransport Transport, TelnetSession Session) Create(params Recorded<Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler });
        return (scheduler, transport, session);
    }

    [Test]
    public void PeerEndOfStream_ReadsSeeTheEnd_WritesStillGoOut()
    {
        var (scheduler, transport, session) = Create(
            ReactiveTest.OnNext(100, "output\r\n"u8.ToArray()),
            ReactiveTest.OnCompleted<byte[]>(200));
        session.Start();
        scheduler.AdvanceTo(200);

        Assert.That(session.IsEof, Is.True);
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
        Assert.That(transport.IsClosed, Is.False, "only the peer's side ended");

        var write = session.WriteTextAsync("last command\n");
        Assert.That(write.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.SentBytes, Is.EqualTo("last command\r\n"u8.ToArray()));
        Assert.That(session.ReadAllAsync().Result, Is.EqualTo("output\r\n"u8.ToArray()), "and what arrived is still read");
    }

    [Test]
    public void PeerEndOfStream_ReplyToANegotiationReceivedJustBefore_IsSent()
    {
        // DO TTYPE arrives together with the end of stream: the refusal we owe still goes out.
        var (scheduler, transport, session) = Create(
            ReactiveTest.OnNext(100, new byte[] { 255, (byte)TelnetVerb.Do, (byte)TelnetOption.TerminalType }),
            ReactiveTest.OnCompleted<byte[]>(100));
        session.Start();
        scheduler.AdvanceTo(100);

        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { 255, (byte)TelnetVerb.Wont, (byte)TelnetOption.TerminalType }));
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
    }

    [Test]
    public void HalfClosed_CloseEndsTheWritingSide()
    {
        var (scheduler, transport, session) = Create(ReactiveTest.OnCompleted<byte[]>(100));
        var sentCompleted = false;
        session.RawSent.Subscribe(_ => { }, () => sentCompleted = true);
        session.Start();
        scheduler.AdvanceTo(100);
        Assert.That(sentCompleted, Is.False, "the writing side is still open");

        session.Close();

        Assert.That(transport.IsClosed, Is.True);
        Assert.That(sentCompleted, Is.True);
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose), "the state keeps why reading ended");
        Assert.That(() => session.WriteAsync(new byte[] { 1 }).GetAwaiter().GetResult(), Throws.TypeOf<TelnetClosedException>());
    }

    [Test]
    public void HalfClosed_DeadPeerWatch_DoesNotCloseTheWritingSide()
    {
        var (scheduler, transport, session) = Create(ReactiveTest.OnCompleted<byte[]>(10));
        session.Start();
        using var watch = session.DetectDeadPeer(TimeSpan.FromTicks(50));
        scheduler.AdvanceTo(1000);

        Assert.That(transport.IsClosed, Is.False, "an ended peer is not a dead one: nothing more was ever going to arrive");
        Assert.That(session.WriteAsync(new byte[] { 1 }).IsCompletedSuccessfully, Is.True);
    }
}
