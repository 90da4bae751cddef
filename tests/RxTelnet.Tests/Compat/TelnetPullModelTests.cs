namespace RxTelnet.Tests.Compat;

using System.Reactive;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Session;
using RxTelnet.Transport;
using static TelnetHarness;

/// <summary>
/// The pull model's own edges, which telnetlib shares but the differential suite does not reach: the socket timeout
/// of a recv, a connection that fails, the bounds, one read at a time. Virtual time over a scripted transport.
/// </summary>
[TestFixture]
public sealed class TelnetPullModelTests
{
    private static (TestScheduler Scheduler, ObservableTransport Transport, Telnet Telnet) Create(
        TimeSpan? socketTimeout, TelnetSessionOptions? options, params Recorded<Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        var telnet = new Telnet(transport, "router", 2323, socketTimeout, (options ?? TelnetSessionOptions.Default) with { Scheduler = scheduler });
        return (scheduler, transport, telnet);
    }

    [Test]
    public void FillRawq_NothingWithinTheSocketTimeout_ThrowsTimedOutAtThatVirtualTime()
    {
        // telnetlib's recv on a socket opened with a timeout raises TimeoutError('timed out') after that much silence.
        var (scheduler, _, telnet) = Create(TimeSpan.FromTicks(500), null, ReactiveTest.OnNext(900, B("late")));
        using var owned = telnet;
        var fill = telnet.FillRawqAsync();

        scheduler.AdvanceTo(499);
        Assert.That(fill.IsCompleted, Is.False);
        scheduler.AdvanceTo(500);

        Assert.That(fill.IsFaulted, Is.True);
        Assert.That(fill.Exception!.InnerException, Is.TypeOf<TimeoutException>().With.Message.EqualTo("timed out"));
        Assert.That(telnet.Timeout, Is.EqualTo(TimeSpan.FromTicks(500)));
        Assert.That(telnet.Host, Is.EqualTo("router"));
        Assert.That(telnet.Port, Is.EqualTo(2323));
    }

    [Test]
    public void ReadUntil_OwnTimeout_IsNotCutByTheSocketTimeout()
    {
        // read_until waits in select with its own timeout; the socket timeout only bounds a recv, which then has data.
        var (scheduler, _, telnet) = Create(TimeSpan.FromTicks(100), null, ReactiveTest.OnNext(300, B("login: ")));
        using var owned = telnet;
        var read = telnet.ReadUntilAsync(B("login: "), TimeSpan.FromTicks(1000));

        scheduler.AdvanceTo(300);

        Assert.That(read.IsCompletedSuccessfully, Is.True);
        Assert.That(S(read.Result), Is.EqualTo("login: "));
    }

    [Test]
    public void TransportError_IsReportedOnceByTheRecv_ThenReadsAsTheEnd()
    {
        var (scheduler, _, telnet) = Create(null, null,
            ReactiveTest.OnNext(100, B("abc")),
            ReactiveTest.OnError<byte[]>(110, new IOException("Connection reset by peer")));
        using var owned = telnet;
        scheduler.AdvanceTo(110);

        // read_very_eager recvs while the socket is readable: the second recv raises, as ConnectionResetError in Python.
        var error = Assert.Throws<TelnetException>(() => telnet.ReadVeryEager());
        Assert.That(error!.InnerException, Is.TypeOf<IOException>());
        Assert.That(error.Message, Does.Contain("Connection reset by peer"));
        Assert.That(S(telnet.ReadVeryLazy()), Is.EqualTo("abc"), "what the first recv cooked is kept");
        Assert.That(telnet.ReadAll(), Is.Empty, "after the error the connection reads as ended");
        Assert.That(telnet.Eof, Is.True);
    }

    [Test]
    public void CookedQueue_PastMaxReadAllBytes_ThrowsTyped()
    {
        var (scheduler, _, telnet) = Create(null, new TelnetSessionOptions { MaxReadAllBytes = 120 },
            ReactiveTest.OnNext(100, Enumerable.Repeat((byte)'x', 200).ToArray()),
            ReactiveTest.OnCompleted<byte[]>(110));
        using var owned = telnet;
        var all = telnet.ReadAllAsync();
        scheduler.AdvanceTo(110);

        Assert.That(all.Exception?.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo(nameof(TelnetSessionOptions.MaxReadAllBytes))
            .And.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(150));
    }

    [Test]
    public void CookedQueue_ExactlyAtMaxReadAllBytes_IsReadWhole()
    {
        var (scheduler, _, telnet) = Create(null, new TelnetSessionOptions { MaxReadAllBytes = 100 },
            ReactiveTest.OnNext(100, Enumerable.Repeat((byte)'x', 100).ToArray()),
            ReactiveTest.OnCompleted<byte[]>(110));
        using var owned = telnet;
        var all = telnet.ReadAllAsync();
        scheduler.AdvanceTo(110);

        Assert.That(all.Result, Has.Length.EqualTo(100), "the bound is the most the queue may hold, not one past it");
    }

    [Test]
    public void FillRawq_RawQueueAtMaxBufferedBytes_ThrowsTyped_NothingLost()
    {
        // fill_rawq without process_rawq grows the raw queue; at the bound it stops before another recv.
        var (scheduler, _, telnet) = Create(null, new TelnetSessionOptions { MaxBufferedBytes = 100 },
            ReactiveTest.OnNext(100, Enumerable.Repeat((byte)'x', 50).ToArray()),
            ReactiveTest.OnNext(110, Enumerable.Repeat((byte)'y', 50).ToArray()),
            ReactiveTest.OnNext(120, Enumerable.Repeat((byte)'z', 50).ToArray()));
        using var owned = telnet;
        scheduler.AdvanceTo(100);
        telnet.FillRawq();
        scheduler.AdvanceTo(110);
        telnet.FillRawq();
        scheduler.AdvanceTo(120);

        Assert.That(() => telnet.FillRawq(), Throws.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo(nameof(TelnetSessionOptions.MaxBufferedBytes))
            .And.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(150));
        Assert.That(S(telnet.ReadVeryEager()), Is.EqualTo(new string('x', 50) + new string('y', 50) + new string('z', 50)));
    }

    [Test]
    public void SecondReadWhileOneWaits_ThrowsInvalidOperation_FirstUnaffected()
    {
        var (scheduler, _, telnet) = Create(null, null, ReactiveTest.OnNext(100, B("$ ")));
        using var owned = telnet;
        var first = telnet.ReadUntilAsync(B("$ "));

        Assert.Throws<InvalidOperationException>(() => telnet.ReadVeryEager());
        var second = telnet.ReadSomeAsync();
        Assert.That(second.Exception?.InnerException, Is.TypeOf<InvalidOperationException>());

        scheduler.AdvanceTo(100);
        Assert.That(S(first.Result), Is.EqualTo("$ "));
    }

    [Test]
    public void ReadUntil_Cancelled_NothingConsumed_NextReadGetsIt()
    {
        var (scheduler, _, telnet) = Create(null, null, ReactiveTest.OnNext(100, B("partial")), ReactiveTest.OnNext(200, B(" prompt> ")));
        using var owned = telnet;
        using var cts = new CancellationTokenSource();
        var read = telnet.ReadUntilAsync(B("> "), null, cts.Token);
        scheduler.AdvanceTo(150);

        cts.Cancel();

        Assert.That(read.IsCanceled, Is.True);
        scheduler.AdvanceTo(200);
        Assert.That(S(telnet.ReadUntil(B("> "), TimeSpan.Zero)), Is.EqualTo("partial prompt> "), "what the cancelled read had cooked is still there");
    }

    [Test]
    public void DebugPrefix_OverATransportWithHostAndPort_NamesThem()
    {
        var (scheduler, _, telnet) = Create(null, null, ReactiveTest.OnNext(100, B("x")));
        using var owned = telnet;
        var output = new StringWriter { NewLine = "\n" };
        telnet.DebugOutput = output;
        telnet.SetDebugLevel(1);
        scheduler.AdvanceTo(100);

        _ = telnet.ReadVeryEager();

        Assert.That(output.ToString(), Is.EqualTo("Telnet(router,2323): recv b'x'\n"));
    }
}
