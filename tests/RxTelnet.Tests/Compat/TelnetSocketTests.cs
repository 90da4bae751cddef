namespace RxTelnet.Tests.Compat;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Transport;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>
/// What telnetlib's socket is to the facade, over a transport (<c>TelnetSocket</c>): the receive buffer a <c>recv</c>
/// takes from, its bounds and flow control, <c>select</c>, the ordered and bounded <c>sendall</c>, and close.
/// Virtual time; the transports are driven by hand.
/// </summary>
[TestFixture]
public sealed class TelnetSocketTests
{
    private const int NoBound = 1 << 30;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public void Receive_TakesAtMostWhatIsAskedAcrossChunks()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        transport.Incoming.OnNext(B("abc"));
        transport.Incoming.OnNext(B("defg"));

        Assert.That(S(sock.Receive(5)), Is.EqualTo("abcde"));
        Assert.That(S(sock.Receive(5)), Is.EqualTo("fg"));
        Assert.That(sock.Readable, Is.False);
        Assert.Throws<InvalidOperationException>(() => sock.Receive(5), "a recv that would block is the caller's error");
    }

    [Test]
    public void Receive_EmptyChunk_IsNotData()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);

        transport.Incoming.OnNext([]);

        Assert.That(sock.Readable, Is.False, "an empty chunk is not the end of the stream either");
    }

    [Test]
    public void Receive_AtTheEnd_DataFirst_ThenEmptyEveryTime()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        transport.Incoming.OnNext(B("x"));
        transport.Incoming.OnCompleted();

        Assert.That(S(sock.Receive(50)), Is.EqualTo("x"));
        Assert.That(sock.Readable, Is.True);
        Assert.That(sock.Receive(50), Is.Empty);
        Assert.That(sock.Receive(50), Is.Empty);
    }

    [Test]
    public void Receive_TransportError_ThrowsOnce_ThenReadsAsTheEnd()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        transport.Incoming.OnError(new IOException("Connection reset by peer"));

        Assert.That(sock.Readable, Is.True);
        var error = Assert.Throws<TelnetException>(() => sock.Receive(50));
        Assert.That(error!.InnerException, Is.TypeOf<IOException>());
        Assert.That(error.Message, Does.Contain("Connection reset by peer"));
        Assert.That(sock.Receive(50), Is.Empty);
    }

    [Test]
    public void Received_WithoutFlowControl_UpToTheBoundIsKept_PastItIsReportedAfterTheDataBefore()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport, maxReceived: 10);
        transport.Incoming.OnNext(B("123456"));
        transport.Incoming.OnNext(B("7890"));
        transport.Incoming.OnNext(B("a"));
        transport.Incoming.OnNext(B("b"));

        Assert.That(S(sock.Receive(50)), Is.EqualTo("1234567890"), "exactly the bound fits");
        Assert.That(sock.Readable, Is.True);
        Assert.That(() => sock.Receive(50), Throws.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo("MaxBufferedBytes")
            .And.Property(nameof(TelnetBufferLimitExceededException.Limit)).EqualTo(10));
        Assert.That(sock.Receive(50), Is.Empty, "nothing after the gap: it reads as the end");
    }

    [Test]
    public void Received_WithFlowControl_PausesAt64KiB_ResumesAt16KiB_NeverOverflows()
    {
        var transport = new PausableTransport();
        using var sock = Create(transport, maxReceived: 100);

        transport.Incoming.OnNext(new byte[(64 * 1024) - 1]);
        Assert.That(transport.Pauses, Is.Zero);
        transport.Incoming.OnNext(new byte[1]);
        Assert.That(transport.Pauses, Is.EqualTo(1), "paused at 64 KiB held");
        transport.Incoming.OnNext(new byte[1]);
        Assert.That(transport.Pauses, Is.EqualTo(1), "paused once");

        Assert.That(sock.Receive(48 * 1024), Has.Length.EqualTo(48 * 1024));
        Assert.That(transport.Resumes, Is.Zero, "16 KiB + 1 still held");
        Assert.That(sock.Receive(1), Has.Length.EqualTo(1));
        Assert.That(transport.Resumes, Is.EqualTo(1), "resumed at 16 KiB held");
        Assert.That(sock.Receive(1), Has.Length.EqualTo(1));
        Assert.That(transport.Resumes, Is.EqualTo(1), "resumed once");
        Assert.That(sock.Receive(NoBound), Has.Length.EqualTo((16 * 1024) - 1), "the bound does not apply when the transport can pause");
    }

    [Test]
    public void WaitReadable_AlreadyReadable_CompletesAtOnce()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        transport.Incoming.OnNext(B("x"));

        var wait = sock.WaitReadableAsync(null, CancellationToken.None);

        Assert.That(wait.IsCompletedSuccessfully && wait.Result, Is.True);
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void WaitReadable_ZeroOrNegativeTimeout_OnlyLooks(long ticks)
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);

        var wait = sock.WaitReadableAsync(TimeSpan.FromTicks(ticks), CancellationToken.None);

        Assert.That(wait.IsCompletedSuccessfully, Is.True);
        Assert.That(wait.Result, Is.False);
    }

    [Test]
    public void WaitReadable_Timeout_CompletesFalseAtThatVirtualTime_ThenAnotherWaitMayStart()
    {
        var scheduler = new TestScheduler();
        var transport = new ManualTransport();
        using var sock = Create(transport, scheduler);

        var wait = sock.WaitReadableAsync(TimeSpan.FromTicks(100), CancellationToken.None);
        scheduler.AdvanceTo(99);
        Assert.That(wait.IsCompleted, Is.False);
        scheduler.AdvanceTo(100);

        Assert.That(wait.IsCompletedSuccessfully, Is.True);
        Assert.That(wait.Result, Is.False);
        var next = sock.WaitReadableAsync(null, CancellationToken.None);
        transport.Incoming.OnNext(B("x"));
        Assert.That(next.IsCompletedSuccessfully && next.Result, Is.True);
    }

    [Test]
    public void WaitReadable_DataBeforeTheTimeout_CompletesTrueThen()
    {
        var scheduler = new TestScheduler();
        var transport = new ManualTransport();
        using var sock = Create(transport, scheduler);
        var wait = sock.WaitReadableAsync(TimeSpan.FromTicks(100), CancellationToken.None);
        scheduler.AdvanceTo(40);

        transport.Incoming.OnNext(B("x"));

        Assert.That(wait.IsCompletedSuccessfully && wait.Result, Is.True);
        scheduler.AdvanceTo(200);
        Assert.That(S(sock.Receive(50)), Is.EqualTo("x"));
    }

    [Test]
    public void WaitReadable_NoTimeout_WaitsUntilTheEnd()
    {
        var scheduler = new TestScheduler();
        var transport = new ManualTransport();
        using var sock = Create(transport, scheduler);
        var wait = sock.WaitReadableAsync(null, CancellationToken.None);

        scheduler.AdvanceTo(1_000_000);
        Assert.That(wait.IsCompleted, Is.False);
        transport.Incoming.OnCompleted();

        Assert.That(wait.IsCompletedSuccessfully && wait.Result, Is.True);
    }

    [Test]
    public void WaitReadable_SecondWaiter_Throws()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        _ = sock.WaitReadableAsync(null, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => sock.WaitReadableAsync(null, CancellationToken.None));
    }

    [Test]
    public void WaitReadable_Cancelled_EndsCancelled_AndFreesTheSlot()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);
        using var cts = new CancellationTokenSource();
        var wait = sock.WaitReadableAsync(null, cts.Token);

        cts.Cancel();

        Assert.That(wait.IsCanceled, Is.True);
        var next = sock.WaitReadableAsync(null, CancellationToken.None);
        transport.Incoming.OnNext(B("x"));
        Assert.That(next.IsCompletedSuccessfully && next.Result, Is.True);
    }

    [Test]
    public void WaitReadable_AlreadyCancelled_EndsCancelledAtOnce()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport);

        var wait = sock.WaitReadableAsync(null, new CancellationToken(canceled: true));

        Assert.That(wait.IsCanceled, Is.True);
        Assert.DoesNotThrow(() => _ = sock.WaitReadableAsync(null, CancellationToken.None), "no waiter was left behind");
    }

    [Test]
    public void Send_GoesOutInOrder_EachCompletingWhenTheTransportTookIt()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport);

        var first = sock.SendAsync(B("one"), CancellationToken.None);
        var second = sock.SendAsync(B("two"), CancellationToken.None);

        Assert.That(first.IsCompleted || second.IsCompleted, Is.False);
        Assert.That(sock.PendingSend, Is.EqualTo((3 + 64) * 2), "each send counted with its overhead");
        Inline(() => gate.SetResult());

        Assert.That(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.Sent.Select(S), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(sock.PendingSend, Is.Zero);
    }

    [Test]
    public void Send_OneSendLargerThanTheBound_Fails_OneOfExactlyTheBoundGoes()
    {
        var transport = new ManualTransport();
        using var sock = Create(transport, maxPendingSend: 100);

        var tooLarge = sock.SendAsync(new byte[37], CancellationToken.None);
        var fits = sock.SendAsync(new byte[36], CancellationToken.None);

        Assert.That(tooLarge.Exception?.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo("MaxPendingSendBytes")
            .And.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(101));
        Assert.That(fits.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public void Send_PastTheBoundWhileOthersWait_Fails_UpToItQueues()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport, maxPendingSend: 200);
        var first = sock.SendAsync(new byte[36], CancellationToken.None);

        var fits = sock.SendAsync(new byte[36], CancellationToken.None);
        var tooMuch = sock.SendAsync(new byte[1], CancellationToken.None);

        Assert.That(tooMuch.Exception?.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(200 + 65));
        Inline(() => gate.SetResult());
        Assert.That(first.IsCompletedSuccessfully && fits.IsCompletedSuccessfully, Is.True, "exactly the bound is allowed");
        Assert.That(transport.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public void Send_CancelledBeforeItsTurn_IsNotSent_TheNextOneIs()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport);
        using var cts = new CancellationTokenSource();
        var first = sock.SendAsync(B("one"), CancellationToken.None);
        var cancelled = sock.SendAsync(B("two"), cts.Token);
        var third = sock.SendAsync(B("three"), CancellationToken.None);

        cts.Cancel();
        Inline(() => gate.SetResult());

        Assert.That(cancelled.IsCanceled, Is.True);
        Assert.That(first.IsCompletedSuccessfully && third.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.Sent.Select(S), Is.EqualTo(new[] { "one", "three" }));
        Assert.That(sock.PendingSend, Is.Zero);
    }

    [Test]
    public void Send_TransportFails_ThatAndTheQueuedSendsFail_LaterSendsSayWhy()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport);
        var first = sock.SendAsync(B("one"), CancellationToken.None);
        var queued = sock.SendAsync(B("two"), CancellationToken.None);

        Inline(() => gate.SetException(new IOException("Broken pipe")));

        Assert.That(first.Exception?.InnerException, Is.TypeOf<TelnetException>().With.Message.EqualTo("Sending failed: Broken pipe"));
        Assert.That(queued.Exception?.InnerException, Is.SameAs(first.Exception!.InnerException));
        Assert.That(sock.PendingSend, Is.Zero);
        var later = sock.SendAsync(B("three"), CancellationToken.None);
        Assert.That(later.Exception?.InnerException, Is.TypeOf<TelnetException>().With.Message.EqualTo("An earlier send failed: Broken pipe"));
        Assert.That(transport.Sent.Select(S), Is.EqualTo(new[] { "one" }));
    }

    [Test]
    public void Send_TransportDisposed_FailsAsClosed()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport);
        var send = sock.SendAsync(B("one"), CancellationToken.None);

        Inline(() => gate.SetException(new ObjectDisposedException("socket")));

        Assert.That(send.Exception?.InnerException, Is.TypeOf<TelnetClosedException>());
    }

    [Test]
    public void Send_InFlightWhenClosed_FailsAsClosedWhateverTheTransportSays()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport);
        var send = sock.SendAsync(B("one"), CancellationToken.None);

        sock.Close();
        Inline(() => gate.SetException(new IOException("Operation canceled")));

        Assert.That(send.Exception?.InnerException, Is.TypeOf<TelnetClosedException>().With.InnerException.TypeOf<IOException>());
    }

    [Test]
    public async Task WaitForSendRoom_AtOrBelowTheMark_ReturnsAtOnce_AboveWaitsForTheTransport()
    {
        // The mark is half the bound when that is below 64 KiB: 500 here, each send counted with 64 bytes of overhead.
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport, maxPendingSend: 1000);
        _ = sock.SendAsync(new byte[436], CancellationToken.None);
        Assert.That(sock.WaitForSendRoomAsync(null, CancellationToken.None).IsCompletedSuccessfully, Is.True, "500 waiting: at the mark");

        _ = sock.SendAsync(new byte[1], CancellationToken.None);
        var room = sock.WaitForSendRoomAsync(null, CancellationToken.None);
        Assert.That(room.IsCompleted, Is.False, "565 waiting: above the mark");
        Inline(() => gate.SetResult());

        await room.WaitAsync(Patience);
        Assert.That(sock.PendingSend, Is.Zero);
    }

    [Test]
    public void WaitForSendRoom_LargeBound_MarkIs64KiB()
    {
        var transport = new ManualTransport();
        _ = transport.HoldSends();
        using var sock = Create(transport);
        _ = sock.SendAsync(new byte[(64 * 1024) - 64], CancellationToken.None);
        Assert.That(sock.WaitForSendRoomAsync(null, CancellationToken.None).IsCompletedSuccessfully, Is.True, "64 KiB waiting: at the mark");

        _ = sock.SendAsync([1], CancellationToken.None);

        Assert.That(sock.WaitForSendRoomAsync(null, CancellationToken.None).IsCompleted, Is.False);
    }

    [Test]
    public void WaitForSendRoom_Timeout_ThrowsTimedOutAtThatVirtualTime()
    {
        var scheduler = new TestScheduler();
        var transport = new ManualTransport();
        _ = transport.HoldSends();
        using var sock = Create(transport, scheduler, maxPendingSend: 1000);
        _ = sock.SendAsync(new byte[600], CancellationToken.None);

        var room = sock.WaitForSendRoomAsync(TimeSpan.FromTicks(100), CancellationToken.None);
        scheduler.AdvanceTo(99);
        Assert.That(room.IsCompleted, Is.False);
        scheduler.AdvanceTo(100);

        var error = Assert.ThrowsAsync<TimeoutException>(() => room.WaitAsync(Patience));
        Assert.That(error!.Message, Is.EqualTo("timed out"));
    }

    [Test]
    public async Task WaitForSendRoom_TimeoutNotReached_ReturnsWhenTheTransportTakesTheBytes()
    {
        var scheduler = new TestScheduler();
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport, scheduler, maxPendingSend: 1000);
        _ = sock.SendAsync(new byte[600], CancellationToken.None);
        var room = sock.WaitForSendRoomAsync(TimeSpan.FromTicks(100), CancellationToken.None);
        scheduler.AdvanceTo(50);

        Inline(() => gate.SetResult());

        await room.WaitAsync(Patience);
        scheduler.AdvanceTo(200);
        Assert.That(room.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task WaitForSendRoom_ReleasedByAFailedSend()
    {
        var transport = new ManualTransport();
        var gate = transport.HoldSends();
        using var sock = Create(transport, maxPendingSend: 1000);
        var send = sock.SendAsync(new byte[600], CancellationToken.None);
        var room = sock.WaitForSendRoomAsync(null, CancellationToken.None);

        Inline(() => gate.SetException(new IOException("Broken pipe")));

        await room.WaitAsync(Patience);
        Assert.That(send.IsFaulted, Is.True);
        Assert.That(sock.WaitForSendRoomAsync(null, CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Close_WakesTheWaiter_FailsQueuedSends_ReleasesRoom_ClosesTheTransportOnce()
    {
        var transport = new ManualTransport();
        _ = transport.HoldSends();
        using var sock = Create(transport, maxPendingSend: 1000);
        var wait = sock.WaitReadableAsync(null, CancellationToken.None);
        _ = sock.SendAsync(new byte[600], CancellationToken.None);
        var queued = sock.SendAsync(B("queued"), CancellationToken.None);
        var room = sock.WaitForSendRoomAsync(null, CancellationToken.None);

        sock.Close();
        sock.Close();

        Assert.That(wait.IsCompletedSuccessfully && wait.Result, Is.True, "select says readable; the read then sees the close");
        Assert.That(queued.Exception?.InnerException, Is.TypeOf<TelnetClosedException>());
        await room.WaitAsync(Patience);
        Assert.That(transport.CloseCalls, Is.EqualTo(1));
        Assert.That(transport.Incoming.HasObservers, Is.False, "nothing more is received");
        Assert.That(sock.Readable, Is.True);
        Assert.Throws<TelnetClosedException>(() => sock.Receive(50));
        Assert.That(sock.SendAsync(B("late"), CancellationToken.None).Exception?.InnerException, Is.TypeOf<TelnetClosedException>());
        Assert.That(sock.WaitForSendRoomAsync(null, CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void Dispose_ClosesAndDisposesTheTransport()
    {
        var transport = new ManualTransport();
        var sock = Create(transport);

        sock.Dispose();

        Assert.That(transport.CloseCalls, Is.EqualTo(1));
        Assert.That(transport.DisposeCalls, Is.EqualTo(1));
    }

    /// <summary>
    /// Completes a held send with no synchronization context installed, so that the send loop's continuation runs
    /// inline, as it does on a transport's own thread (the test runner installs a context that would post it).
    /// </summary>
    private static void Inline(Action complete)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private static TelnetSocket Create(ManualTransport transport, TestScheduler? scheduler = null, int maxReceived = NoBound, int maxPendingSend = NoBound) =>
        new(transport, scheduler ?? new TestScheduler(), maxReceived, maxPendingSend);

    /// <summary>A transport driven by the test: chunks pushed by hand, sends recorded and, when held, completed by hand.</summary>
    private class ManualTransport : ITelnetTransport
    {
        private Task? _held;

        public Subject<byte[]> Incoming { get; } = new();

        public IObservable<byte[]> Received => Incoming;

        public List<byte[]> Sent { get; } = [];

        public int CloseCalls { get; private set; }

        public int DisposeCalls { get; private set; }

        public Socket? Socket => null;

        public EndPoint? RemoteEndPoint => null;

        public EndPoint? LocalEndPoint => null;

        /// <summary>Makes every send wait until the returned source completes (or fails) it.</summary>
        public TaskCompletionSource HoldSends()
        {
            var gate = new TaskCompletionSource();
            _held = gate.Task;
            return gate;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            lock (Sent)
            {
                Sent.Add(data.ToArray());
            }

            return _held is { } held ? new ValueTask(held) : ValueTask.CompletedTask;
        }

        public void Close() => CloseCalls++;

        public void Dispose() => DisposeCalls++;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A transport that can pause receiving, and counts how often it is asked to.</summary>
    private sealed class PausableTransport : ManualTransport, IReceiveFlowControl
    {
        public int Pauses { get; private set; }

        public int Resumes { get; private set; }

        public void PauseReceiving() => Pauses++;

        public void ResumeReceiving() => Resumes++;
    }
}
