namespace RxTelnet.Tests.Transport;

using System.Reactive.Concurrency;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Transport;

/// <summary>
/// The contracts of <see cref="ObservableTransport"/> and <see cref="InMemoryTransport"/> themselves, in virtual
/// time: what a send after close or with a cancelled token does, what closing ends, one subscriber only.
/// </summary>
[TestFixture]
public sealed class TestTransportsTests : ReactiveTest
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(byte[] b) => Encoding.Latin1.GetString(b);

    [Test]
    public async Task ObservableTransport_RecordsEachSendAsACopy()
    {
        var transport = new ObservableTransport(new TestScheduler().CreateHotObservable<byte[]>());
        var seen = new List<string>();
        using var _ = transport.Outgoing.Subscribe(b => seen.Add(S(b)));
        var data = B("ab");

        await transport.SendAsync(data);
        data[0] = (byte)'X';
        await transport.SendAsync(B("c"));

        Assert.That(transport.Sent.Select(S), Is.EqualTo(new[] { "ab", "c" }));
        Assert.That(S(transport.SentBytes), Is.EqualTo("abc"));
        Assert.That(seen, Is.EqualTo(new[] { "ab", "c" }));
    }

    [Test]
    public void ObservableTransport_SendWithACancelledToken_ThrowsAndRecordsNothing()
    {
        var transport = new ObservableTransport(new TestScheduler().CreateHotObservable<byte[]>());

        Assert.That(async () => await transport.SendAsync(B("a"), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(transport.Sent, Is.Empty);
    }

    [Test]
    public async Task ObservableTransport_Close_EndsReceivingAndOutgoingAndRefusesSends()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(210, B("a")), OnNext(310, B("b"))));
        var outgoingCompleted = false;
        using var _ = transport.Outgoing.Subscribe(_ => { }, () => outgoingCompleted = true);
        scheduler.Schedule(TimeSpan.FromTicks(250), () => transport.Close());

        var received = scheduler.Start(() => transport.Received, created: 100, subscribed: 200, disposed: 1000);

        Assert.That(received.Messages.Select(m => (m.Time, m.Value.Kind)), Is.EqualTo(new[]
        {
            (210L, System.Reactive.NotificationKind.OnNext),
            (250L, System.Reactive.NotificationKind.OnCompleted),
        }));
        Assert.That(transport.IsClosed, Is.True);
        Assert.That(outgoingCompleted, Is.True);
        Assert.That(async () => await transport.SendAsync(B("x")), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(transport.Sent, Is.Empty);

        transport.Dispose();
        await transport.DisposeAsync();
        Assert.That(transport.IsClosed, Is.True, "closing again is harmless");
    }

    [Test]
    public void ObservableTransport_IsNotASocket()
    {
        var transport = new ObservableTransport(new TestScheduler().CreateHotObservable<byte[]>());

        Assert.That((transport.Socket, transport.RemoteEndPoint, transport.LocalEndPoint), Is.EqualTo((null as System.Net.Sockets.Socket, null as System.Net.EndPoint, null as System.Net.EndPoint)));
        Assert.That(transport.IsClosed, Is.False);
        Assert.Throws<ArgumentNullException>(() => _ = new ObservableTransport(null!));
    }

    [Test]
    public void InMemoryTransport_SecondSubscriber_FailsSayingWhy()
    {
        var scheduler = new TestScheduler();
        var (client, _) = InMemoryTransport.CreatePair(scheduler);
        using var first = client.Received.Subscribe(_ => { });
        Exception? error = null;

        using var second = client.Received.Subscribe(_ => { }, e => error = e);

        Assert.That(error, Is.InstanceOf<InvalidOperationException>().With.Message.Contains("one subscriber"));
    }

    [Test]
    public void InMemoryTransport_SendAfterCloseOrCancelled_Throws_AndEmptySendsDeliverNothing()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var received = new List<string>();
        using var _ = server.Received.Subscribe(b => received.Add(S(b)));

        Assert.That(async () => await client.SendAsync(B("a"), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await client.SendAsync(ReadOnlyMemory<byte>.Empty), Throws.Nothing);
        scheduler.Start();
        Assert.That(server.PendingDeliveries, Is.Zero);
        Assert.That(received, Is.Empty, "neither the cancelled nor the empty send delivered anything");

        client.Close();
        Assert.That(async () => await client.SendAsync(B("b")), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That((client.Socket, client.RemoteEndPoint, client.LocalEndPoint), Is.EqualTo((null as System.Net.Sockets.Socket, null as System.Net.EndPoint, null as System.Net.EndPoint)));
    }

    [Test]
    public async Task ObservableTransport_DisposeAsync_Closes()
    {
        var transport = new ObservableTransport(new TestScheduler().CreateHotObservable<byte[]>());

        await transport.DisposeAsync();

        Assert.That(transport.IsClosed, Is.True);
        Assert.That(async () => await transport.SendAsync(B("x")), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void InMemoryTransport_Close_EndsItsOwnReceivedWithNothingDelivered()
    {
        var scheduler = new TestScheduler();
        var (client, _) = InMemoryTransport.CreatePair(scheduler);
        var observer = scheduler.CreateObserver<byte[]>();
        using var subscription = client.Received.Subscribe(observer);

        client.Close();
        scheduler.Start();

        Assert.That(observer.Messages.Select(m => m.Value.Kind), Is.EqualTo(new[] { System.Reactive.NotificationKind.OnCompleted }));
    }

    [Test]
    public async Task InMemoryTransport_DisposeAsync_ClosesAndThePeerSeesTheEnd()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var observer = scheduler.CreateObserver<byte[]>();
        using var subscription = server.Received.Subscribe(observer);

        await client.DisposeAsync();
        scheduler.Start();

        Assert.That(async () => await client.SendAsync(B("x")), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(observer.Messages.Select(m => m.Value.Kind), Is.EqualTo(new[] { System.Reactive.NotificationKind.OnCompleted }));
    }

    [Test]
    public async Task InMemoryTransport_SentBeforeTheReceiverSubscribed_IsDeliveredOnceItDoes()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        await client.SendAsync(B("early"));
        scheduler.Start();
        var received = new List<string>();

        using var subscription = server.Received.Subscribe(b => received.Add(S(b)));
        scheduler.Start();

        Assert.That(received, Is.EqualTo(new[] { "early" }));
    }

    [Test]
    public async Task InMemoryTransport_AfterUnsubscribing_TheReceiverIsNotCalledAgain()
    {
        // Subscribed as the session subscribes: the receiver is called directly, with no auto-detaching wrapper.
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var receiver = new CountingReceiver();
        var subscription = ((ITransientReceiveSource)server).SubscribeTransient(receiver);
        await client.SendAsync(B("a"));
        scheduler.Start();

        subscription.Dispose();
        await client.SendAsync(B("b"));
        scheduler.Start();

        Assert.That(receiver.Calls, Is.EqualTo(1), "only the chunk sent before unsubscribing");
    }

    [Test]
    public void InMemoryTransport_ClosedByThePeerWhilePaused_StillDeliversTheEnd()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var observer = scheduler.CreateObserver<byte[]>();
        using var subscription = server.Received.Subscribe(observer);
        server.PauseReceiving();

        client.Close();
        scheduler.Start();

        Assert.That(observer.Messages.Select(m => m.Value.Kind), Is.EqualTo(new[] { System.Reactive.NotificationKind.OnCompleted }), "the end carries no bytes to hold back");
    }

    [Test]
    public async Task InMemoryTransport_SendsToAClosedPausedEnd_AreDroppedNotQueued()
    {
        // A paused end delivers nothing, so what waits for it is only what it will still deliver: the chunk from before
        // it closed and the end. What the peer sends after the close must not pile up behind them.
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var received = new List<string>();
        var completed = false;
        using var subscription = server.Received.Subscribe(b => received.Add(S(b)), () => completed = true);
        server.PauseReceiving();
        await client.SendAsync(B("before"));
        server.Close();

        await client.SendAsync(B("after"));
        await client.SendAsync(B("after"));

        Assert.That(server.PendingDeliveries, Is.EqualTo(2));
        server.ResumeReceiving();
        scheduler.Start();
        Assert.That((received.Count, completed), Is.EqualTo((1, true)));
    }

    [Test]
    public void InMemoryTransport_ClosingAfterThePeerClosed_QueuesOneEndOnly()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);

        client.Close();
        server.Close();
        client.Close();

        Assert.That((client.PendingDeliveries, server.PendingDeliveries), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task InMemoryTransport_ASendFromInsideADelivery_IsDeliveredAfterItReturns_NotInsideIt()
    {
        // With a scheduler that runs at once, a second drain started by the nested send would deliver inside the
        // first delivery: deliveries must never overlap.
        var (client, server) = InMemoryTransport.CreatePair(System.Reactive.Concurrency.Scheduler.Immediate);
        var received = new List<string>();
        var depth = 0;
        var deepest = 0;
        using var subscription = server.Received.Subscribe(b =>
        {
            deepest = Math.Max(deepest, ++depth);
            received.Add(S(b));
            if (received.Count == 1)
            {
                _ = client.SendAsync(B("second"));
            }

            depth--;
        });

        await client.SendAsync(B("first"));

        Assert.That(received, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(deepest, Is.EqualTo(1));
    }

    private sealed class CountingReceiver : ITransientReceiver
    {
        public int Calls { get; private set; }

        public bool TryReceiveTransient(ReadOnlySpan<byte> chunk)
        {
            Calls++;
            return true;
        }

        public void OnNext(byte[] value) => Calls++;

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
