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
}
