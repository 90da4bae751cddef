namespace RxTelnet.Tests.Session;

using System.Buffers;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// <see cref="TelnetSession.ReadUntilAsync(ReadOnlyMemory{byte}, IBufferWriter{byte}, TimeSpan?, CancellationToken)"/>:
/// the same bytes as the array overload on match, timeout and end of stream, appended to the caller's writer in one
/// piece, and nothing written or consumed when the read fails or is cancelled. Virtual time throughout.
/// </summary>
[TestFixture]
public sealed class ReadUntilIntoTests : ReactiveTest
{
    private static readonly TimeSpan Long = TimeSpan.FromTicks(1000);

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    private static (TestScheduler Scheduler, TelnetSession Session) Create(params Recorded<System.Reactive.Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        return (scheduler, session);
    }

    [Test]
    public void MatchQueued_AppendsUpToTheMatchAndLeavesTheRest()
    {
        var (scheduler, session) = Create(OnNext(210, B("one$ two$ three")));
        scheduler.AdvanceTo(220);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(B(">"));

        var first = session.ReadUntilAsync(B("$ "), writer);
        var second = session.ReadUntilAsync(B("$ "), writer);

        Assert.That((first.IsCompletedSuccessfully, second.IsCompletedSuccessfully), Is.EqualTo((true, true)), "both prompts were queued");
        Assert.That((first.Result, second.Result), Is.EqualTo((5, 5)));
        Assert.That(S(writer.WrittenSpan), Is.EqualTo(">one$ two$ "), "appended after what the writer held, in order");
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("three"));
    }

    [Test]
    public void MatchStraddlingChunks_WaitsThenAppendsTheSameBytesAsTheArrayOverload()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$")), OnNext(230, B(" b")));
        scheduler.AdvanceTo(220);
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, TimeSpan.FromTicks(100));

        Assert.That(read.IsCompleted, Is.False);
        Assert.That(writer.WrittenCount, Is.Zero, "nothing is written before the read completes");
        scheduler.AdvanceTo(230);
        Assert.That(read.Result, Is.EqualTo(3));
        Assert.That(S(writer.WrittenSpan), Is.EqualTo("a$ "));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("b"));
    }

    [Test]
    public void Timeout_AppendsWhatArrivedAtTheDueTime()
    {
        var (scheduler, session) = Create(OnNext(210, B("ab")), OnNext(300, B("late")));
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, TimeSpan.FromTicks(250));
        scheduler.AdvanceTo(249);
        Assert.That(read.IsCompleted, Is.False);
        scheduler.AdvanceTo(250);

        Assert.That(read.Result, Is.EqualTo(2));
        Assert.That(S(writer.WrittenSpan), Is.EqualTo("ab"));
    }

    [Test]
    public void Timeout_NothingArrived_ReturnsZeroAndWritesNothing()
    {
        var (scheduler, session) = Create();
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, TimeSpan.FromTicks(50));
        scheduler.AdvanceTo(60);

        Assert.That((read.Result, writer.WrittenCount), Is.EqualTo((0, 0)));
    }

    [Test]
    public void EndOfStreamWithDataBuffered_AppendsTheData()
    {
        var (scheduler, session) = Create(OnNext(210, B("partial")), OnCompleted<byte[]>(220));
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, Long);
        scheduler.AdvanceTo(230);

        Assert.That(read.Result, Is.EqualTo(7));
        Assert.That(S(writer.WrittenSpan), Is.EqualTo("partial"));
    }

    [Test]
    public void EndOfStreamWithNothingBuffered_FailsWithEofAndWritesNothing()
    {
        var (scheduler, session) = Create(OnCompleted<byte[]>(220));
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, Long);
        scheduler.AdvanceTo(230);

        Assert.That(read.Exception!.InnerException, Is.TypeOf<TelnetEofException>());
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void TransportErrorWithNothingBuffered_FailsWithTheTransportsError()
    {
        var boom = new IOException("connection reset");
        var (scheduler, session) = Create(OnError<byte[]>(220, boom));

        var read = session.ReadUntilAsync(B("$ "), new ArrayBufferWriter<byte>(), Long);
        scheduler.AdvanceTo(230);

        Assert.That(read.Exception!.InnerException, Is.SameAs(boom), "the transport's error, not an end of stream");
    }

    [Test]
    public void BufferLimitBeforeAMatch_FailsWithTheLimitAndWritesNothing()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(210, B("0123456789")), OnNext(220, B("abcdefghij"))));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = 15 }).Start();
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, Long);
        scheduler.AdvanceTo(230);

        Assert.That(read.Exception!.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>());
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void CancelledWhileWaiting_WritesAndConsumesNothing()
    {
        var (scheduler, session) = Create(OnNext(210, B("a")), OnNext(260, B("$ ")));
        using var cancel = new CancellationTokenSource();
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, Long, cancel.Token);
        scheduler.AdvanceTo(220);
        cancel.Cancel();
        scheduler.AdvanceTo(300);

        Assert.That(read.IsCanceled, Is.True);
        Assert.That(writer.WrittenCount, Is.Zero);
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("a$ "), "the cancelled read took nothing");
    }

    [Test]
    public void CancelledTokenWithTheMatchQueued_IsCancelledAndConsumesNothing()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$ b")));
        scheduler.AdvanceTo(220);
        var writer = new ArrayBufferWriter<byte>();

        var read = session.ReadUntilAsync(B("$ "), writer, cancellationToken: new CancellationToken(canceled: true));

        Assert.That(read.IsCanceled, Is.True);
        Assert.That(writer.WrittenCount, Is.Zero);
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("a$ b"));
    }

    [Test]
    public void AnotherReadPendingWithTheMatchQueued_FailsAndConsumesNothing()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$ b")));
        scheduler.AdvanceTo(205);
        var first = session.ReadUntilAsync(B("zzz"), TimeSpan.FromTicks(100));
        scheduler.AdvanceTo(220);
        var writer = new ArrayBufferWriter<byte>();

        var second = session.ReadUntilAsync(B("$ "), writer);

        Assert.That(second.Exception!.InnerException, Is.TypeOf<InvalidOperationException>());
        Assert.That(writer.WrittenCount, Is.Zero);
        scheduler.AdvanceTo(400);
        Assert.That(S(first.Result), Is.EqualTo("a$ b"), "the pending read still gets every byte at its timeout");
    }

    [Test]
    public void BadArguments_ThrowNamingTheParameter()
    {
        var (_, session) = Create();
        var writer = new ArrayBufferWriter<byte>();

        Assert.That(() => session.ReadUntilAsync(B("$"), (IBufferWriter<byte>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => session.ReadUntilAsync(ReadOnlyMemory<byte>.Empty, writer), Throws.ArgumentException.With.Property("ParamName").EqualTo("expected"));
        Assert.That(
            () => session.ReadUntilAsync(B("$"), writer, TimeSpan.FromTicks(-5)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
    }

    [Test]
    public void SessionWithoutQueueForReads_Throws()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(210, B("a$ "))));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, QueueForReads = false }).Start();
        scheduler.AdvanceTo(220);

        Assert.That(() => session.ReadUntilAsync(B("$ "), new ArrayBufferWriter<byte>()), Throws.InvalidOperationException.With.Message.Contains("QueueForReads"));
    }
}
