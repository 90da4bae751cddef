namespace RxTelnet.Tests.Reliability;

using System.Net;
using System.Net.Sockets;
using System.Reactive;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;
using static Hostile;

/// <summary>
/// Everything outbound is bounded: bytes waiting to be sent stay under <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>,
/// negotiation replies are coalesced to one per option and direction, and closing never waits for a stalled send.
/// The peer's bytes arrive in virtual time; the transport's sends stall until the test lets them go.
/// </summary>
[TestFixture]
public sealed class OutboundBoundTests : LeakCheckedTest
{
    private static readonly byte[] Flood = Repeat([Iac, (byte)TelnetVerb.Do, 1, Iac, (byte)TelnetVerb.Dont, 1, Iac, (byte)TelnetVerb.Will, 3, Iac, (byte)TelnetVerb.Wont, 3, Iac, (byte)TelnetVerb.Do, 99, Iac, (byte)TelnetVerb.Will, 99], 1000);

    private static (TestScheduler Scheduler, StalledTransport Transport, TelnetSession Session) Create(TelnetSessionOptions options, params byte[][] chunks)
    {
        var scheduler = new TestScheduler();
        var messages = chunks.Select((c, i) => new Recorded<Notification<byte[]>>(10 * (i + 1), Notification.CreateOnNext(c))).ToArray();
        var transport = new StalledTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, options with { Scheduler = scheduler });
        return (scheduler, transport, session);
    }

    [Test]
    public void NegotiationFlood_PeerNeverReads_OneReplyQueuedPerOptionAndDirection()
    {
        var (scheduler, transport, session) = Create(TelnetSessionOptions.Default, Flood, Flood, Flood);
        session.Start();
        scheduler.Start();

        // 6,000 DO/WILL refused; the first reply is stuck in the transport, the rest coalesce behind it.
        Assert.That(transport.Stalled, Has.Count.EqualTo(1), "one send is in flight");
        Assert.That(session.PendingSendBytes, Is.LessThanOrEqualTo(3 + (4 * 3)), "in flight + one reply each for WONT 1, DONT 3, WONT 99, DONT 99");
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));

        transport.ReleaseAll();
        WaitUntilSent(session);
        var sent = transport.SentNegotiations();
        Assert.That(sent, Is.EqualTo(new[] { "Wont:1", "Dont:3", "Wont:99", "Dont:99", "Wont:1" }), "the reply in flight, then the latest of each");
        Assert.That(session.PendingSendBytes, Is.Zero);
        session.Dispose();
    }

    [Test]
    public void QueuedReply_IsNotReplacedAheadOfASubnegotiationQueuedAfterIt()
    {
        // WONT 1 stalls in flight; WILL GMCP queues; the application's GMCP message queues behind it; then the peer
        // turns GMCP off. Replacing the queued WILL by the WONT would send WONT, then GMCP data for an option just
        // refused: the WONT must queue behind the data instead.
        var options = TelnetSessionOptions.Default with { Policy = RxTelnet.Negotiation.TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Gmcp) };
        var (scheduler, transport, session) = Create(
            options,
            [Iac, (byte)TelnetVerb.Do, 1],
            [Iac, (byte)TelnetVerb.Do, (byte)TelnetOption.Gmcp],
            [Iac, (byte)TelnetVerb.Dont, (byte)TelnetOption.Gmcp]);
        session.Start();
        Task? gmcp = null;
        scheduler.ScheduleAbsolute<object?>(null, 25, (_, _) =>
        {
            gmcp = session.SendGmcpAsync("Core.Hello");
            return System.Reactive.Disposables.Disposable.Empty;
        });
        scheduler.Start();

        transport.ReleaseAll();
        WaitUntilSent(session);
        Assert.That(gmcp!.IsCompletedSuccessfully, Is.True);
        var wire = transport.SentWire();
        var will = IndexOf(wire, [Iac, (byte)TelnetVerb.Will, (byte)TelnetOption.Gmcp]);
        var data = IndexOf(wire, [Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.Gmcp]);
        var wont = IndexOf(wire, [Iac, (byte)TelnetVerb.Wont, (byte)TelnetOption.Gmcp]);
        Assert.That((will, data, wont), Is.EqualTo((3, 6, wire.Length - 3)), "WONT 1, WILL GMCP, the message, WONT GMCP");
        session.Dispose();

        static int IndexOf(byte[] wire, byte[] what) => wire.AsSpan().IndexOf(what);
    }

    [Test]
    public void QueuedReplies_ASubnegotiationBetweenThem_BothGoOut()
    {
        // All sends stall behind WONT 1. WILL GMCP, the message, WONT GMCP queue; a raw GMCP subnegotiation queues
        // behind the WONT; the peer asks again (WILL queues behind the data) and refuses again (that WILL becomes a
        // WONT). Two WONT GMCP are then queued at once, each the latest answer at its place around the data: one
        // reply per option and direction holds between subnegotiations of the option, not across them.
        var options = TelnetSessionOptions.Default with { Policy = RxTelnet.Negotiation.TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Gmcp) };
        var (scheduler, transport, session) = Create(
            options,
            [Iac, (byte)TelnetVerb.Do, 1],
            [Iac, (byte)TelnetVerb.Do, (byte)TelnetOption.Gmcp],
            [Iac, (byte)TelnetVerb.Dont, (byte)TelnetOption.Gmcp],
            [Iac, (byte)TelnetVerb.Do, (byte)TelnetOption.Gmcp],
            [Iac, (byte)TelnetVerb.Dont, (byte)TelnetOption.Gmcp]);
        session.Start();
        byte[] raw = [Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.Gmcp, (byte)'B', Iac, (byte)TelnetVerb.Se];
        Task? first = null;
        Task? second = null;
        scheduler.ScheduleAbsolute<object?>(null, 25, (_, _) =>
        {
            first = session.SendGmcpAsync("A");
            return System.Reactive.Disposables.Disposable.Empty;
        });
        scheduler.ScheduleAbsolute<object?>(null, 35, (_, _) =>
        {
            second = session.WriteRawAsync(raw);
            return System.Reactive.Disposables.Disposable.Empty;
        });
        scheduler.Start();

        transport.ReleaseAll();
        WaitUntilSent(session);
        Assert.That(first!.IsCompletedSuccessfully && second!.IsCompletedSuccessfully, Is.True);
        byte[] wont = [Iac, (byte)TelnetVerb.Wont, (byte)TelnetOption.Gmcp];
        byte[] expected =
        [
            Iac, (byte)TelnetVerb.Wont, 1,
            Iac, (byte)TelnetVerb.Will, (byte)TelnetOption.Gmcp,
            Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.Gmcp, (byte)'A', Iac, (byte)TelnetVerb.Se,
            .. wont,
            .. raw,
            .. wont,
        ];
        Assert.That(transport.SentWire(), Is.EqualTo(expected), "WONT 1, WILL, A, WONT, B, WONT: the second WONT replaced the renewed WILL");
        session.Dispose();
    }

    [Test]
    public void NegotiationFlood_TelnetlibRefusals_StillOneReplyQueuedPerOptionAndDirection()
    {
        var (scheduler, transport, session) = Create(TelnetSessionOptions.Default with { TelnetlibRefusals = true }, Flood, Flood);
        session.Start();
        scheduler.Start();

        Assert.That(session.PendingSendBytes, Is.LessThanOrEqualTo(3 + (4 * 3)));
        transport.ReleaseAll();
        WaitUntilSent(session);
        Assert.That(transport.SentNegotiations(), Has.Count.LessThanOrEqualTo(5));
        session.Dispose();
    }

    [Test]
    public void Writes_PeerNeverReads_CloseWithSendLimitExceededAtTheBound()
    {
        const int limit = 10_000;
        var (scheduler, transport, session) = Create(TelnetSessionOptions.Default with { MaxPendingSendBytes = limit });
        session.Start();

        var writes = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            writes.Add(session.WriteAsync(new byte[1000]));
            Assert.That(session.PendingSendBytes, Is.LessThanOrEqualTo(limit), $"after write {i}");
        }

        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.SendLimitExceeded));
        var error = session.CurrentState.Error;
        Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo(nameof(TelnetSessionOptions.MaxPendingSendBytes))
            .And.Property(nameof(TelnetBufferLimitExceededException.Limit)).EqualTo(limit)
            .And.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(limit + 1000));
        Assert.That(error!.Message, Does.Contain("10000").And.Contain("11000"), "the message names the limit and the size");
        Assert.That(writes[10].Exception?.InnerException, Is.SameAs(error), "the write that went past the bound fails with it");
        Assert.That(writes.Skip(11).Select(static w => w.Exception?.InnerException), Has.All.TypeOf<TelnetClosedException>(), "later writes see a closed session");
        // The stalled send fails when the transport closes; its writer may resume on another thread.
        Assert.That(SpinWait.SpinUntil(() => writes.Take(10).All(static w => w.IsCompleted), TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(writes.Take(10).Select(static w => w.Exception?.InnerException), Has.All.InstanceOf<TelnetException>(), "the queued writes fail too: nothing is left waiting");
        Assert.That(session.PendingSendBytes, Is.LessThanOrEqualTo(1000), "only the stalled send is still counted");
        Assert.That(transport.IsClosed, Is.True);
        scheduler.Start();
        session.Dispose();
    }

    [Test]
    public void Write_LargerThanTheBound_FailsAtOnceAndSessionStaysOpen()
    {
        var (_, transport, session) = Create(TelnetSessionOptions.Default with { MaxPendingSendBytes = 100 });
        session.Start();

        var big = session.WriteAsync(new byte[101]);

        Assert.That(big.IsFaulted, Is.True);
        Assert.That(big.Exception!.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(101));
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
        var small = session.WriteAsync(new byte[100]);
        transport.ReleaseAll();
        Assert.That(small.Wait(TimeSpan.FromSeconds(10)), Is.True);
        session.Dispose();
    }

    [Test]
    public void Write_EscapedPastTheBound_CountsWireBytes()
    {
        // 60 IAC bytes are 120 on the wire: the bound is on what would be held, after escaping.
        var (_, _, session) = Create(TelnetSessionOptions.Default with { MaxPendingSendBytes = 100 });
        session.Start();

        var write = session.WriteAsync(Enumerable.Repeat((byte)255, 60).ToArray());

        Assert.That(write.Exception?.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(120));
        session.Dispose();
    }

    [Test]
    public void PendingSendBytes_SentAndCancelledWrites_CountedOut()
    {
        var (_, transport, session) = Create(TelnetSessionOptions.Default);
        session.Start();
        using var cts = new CancellationTokenSource();

        var first = session.WriteAsync(new byte[10]);
        var cancelled = session.WriteAsync(new byte[20], cts.Token);
        var third = session.WriteAsync(new byte[30]);
        Assert.That(session.PendingSendBytes, Is.EqualTo(60));

        cts.Cancel();
        transport.ReleaseAll();

        Assert.That(Task.WhenAll(first, third).Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(() => cancelled.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>());
        Assert.That(cancelled.IsCanceled, Is.True);
        Assert.That(session.PendingSendBytes, Is.Zero);
        Assert.That(transport.SentBytes, Is.EqualTo(40));
        session.Dispose();
    }

    [Test]
    public void Dispose_SendStalled_FinishesAndFailsTheWrites()
    {
        var (_, _, session) = Create(TelnetSessionOptions.Default);
        session.Start();
        var stalled = session.WriteAsync(new byte[10]);
        var queued = session.WriteAsync(new byte[10]);

        // The transport never completes the send on its own: only closing it ends the wait.
        var dispose = Task.Run(session.Dispose);

        Assert.That(dispose.Wait(TimeSpan.FromSeconds(10)), Is.True, "Dispose returned");
        Assert.That(queued.Exception?.InnerException, Is.TypeOf<TelnetClosedException>());
        Assert.That(() => stalled.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>().With.InnerException.TypeOf<TelnetClosedException>(), "the stalled send ends when the transport closes");
        Assert.That(session.PendingSendBytes, Is.Zero);
    }

    /// <summary>Waits, bounded, for the writer to hand everything to the transport (released sends may continue on another thread).</summary>
    private static void WaitUntilSent(TelnetSession session) =>
        Assert.That(SpinWait.SpinUntil(() => session.PendingSendBytes == 0, TimeSpan.FromSeconds(10)), Is.True, "everything queued was sent");

    /// <summary>A transport whose sends wait until released; closing it fails the waiting sends, as a closed socket does.</summary>
    private sealed class StalledTransport(IObservable<byte[]> incoming) : ITelnetTransport
    {
        private readonly object _gate = new();
        private readonly List<(byte[] Data, TaskCompletionSource Done)> _stalled = [];
        private readonly List<byte[]> _sent = [];
        private bool _released;

        public IObservable<byte[]> Received { get; } = incoming;

        public Socket? Socket => null;

        public EndPoint? RemoteEndPoint => null;

        public EndPoint? LocalEndPoint => null;

        public bool IsClosed { get; private set; }

        public IReadOnlyList<byte[]> Stalled
        {
            get
            {
                lock (_gate)
                {
                    return [.. _stalled.Select(static s => s.Data)];
                }
            }
        }

        public int SentBytes
        {
            get
            {
                lock (_gate)
                {
                    return _sent.Sum(static s => s.Length);
                }
            }
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(IsClosed, this);
                if (_released)
                {
                    _sent.Add(data.ToArray());
                    return ValueTask.CompletedTask;
                }

                var done = new TaskCompletionSource();
                _stalled.Add((data.ToArray(), done));
                return new ValueTask(done.Task);
            }
        }

        /// <summary>Completes every stalled send, and every later one at once.</summary>
        public void ReleaseAll()
        {
            while (true)
            {
                (byte[] Data, TaskCompletionSource Done) next;
                lock (_gate)
                {
                    _released = true;
                    if (_stalled.Count == 0)
                    {
                        return;
                    }

                    next = _stalled[0];
                    _stalled.RemoveAt(0);
                    _sent.Add(next.Data);
                }

                next.Done.SetResult();
            }
        }

        public byte[] SentWire()
        {
            lock (_gate)
            {
                return [.. _sent.SelectMany(static s => s)];
            }
        }

        public List<string> SentNegotiations()
        {
            lock (_gate)
            {
                var wire = _sent.SelectMany(static s => s).ToArray();
                var result = new List<string>();
                for (var i = 0; i + 2 < wire.Length; i += 3)
                {
                    result.Add($"{(TelnetVerb)wire[i + 1]}:{wire[i + 2]}");
                }

                return result;
            }
        }

        public void Close()
        {
            List<TaskCompletionSource> waiting;
            lock (_gate)
            {
                IsClosed = true;
                waiting = [.. _stalled.Select(static s => s.Done)];
                _stalled.Clear();
            }

            foreach (var done in waiting)
            {
                done.TrySetException(new ObjectDisposedException(nameof(StalledTransport)));
            }
        }

        public void Dispose() => Close();

        public ValueTask DisposeAsync()
        {
            Close();
            return ValueTask.CompletedTask;
        }
    }
}
