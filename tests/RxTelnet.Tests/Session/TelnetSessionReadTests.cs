namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The sequential reads of <see cref="TelnetSession"/> at their edges, in virtual time: the transport's error
/// reported as such (never as an end of stream), argument checks, one read at a time (the synchronous
/// <c>ReadUntilAsync</c> path included), and the timer and subscription cleaned up when a read ends.
/// </summary>
[TestFixture]
public sealed class TelnetSessionReadTests : ReactiveTest
{
    private static readonly TimeSpan Long = TimeSpan.FromTicks(1000);

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(byte[] b) => Encoding.Latin1.GetString(b);

    private static (TestScheduler Scheduler, TelnetSession Session) Create(params Recorded<System.Reactive.Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        return (scheduler, session);
    }

    /// <summary>Each read, when it returns data that arrived at 210 before an error at 220, and whether a clean end with nothing buffered is an error.</summary>
    public static IEnumerable<TestCaseData> Reads()
    {
        yield return Case("ReadUntil", s => s.ReadUntil(B("$ "), Timeout.InfiniteTimeSpan).Select(S), dataAt: 220, endIsError: true);
        yield return Case("ReadAll", s => s.ReadAll().Select(S), dataAt: 220, endIsError: false);
        yield return Case("ReadSome", s => s.ReadSome().Select(S), dataAt: 210, endIsError: false);
        yield return Case("Expect", s => s.Expect([new Regex(@"\$ ")], Timeout.InfiniteTimeSpan).Select(r => S(r.Data)), dataAt: 220, endIsError: true);

        static TestCaseData Case(string name, Func<TelnetSession, IObservable<string>> read, long dataAt, bool endIsError) =>
            new TestCaseData(read, dataAt, endIsError).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Reads))]
    public void Read_TransportFailsWithNothingBuffered_FailsWithTheTransportsError(Func<TelnetSession, IObservable<string>> read, long dataAt, bool endIsError)
    {
        var boom = new IOException("connection reset");
        var (scheduler, session) = Create(OnError<byte[]>(220, boom));

        var res = scheduler.Start(() => read(session), created: 100, subscribed: 200, disposed: 1000);

        Assert.That(res.Messages, Has.Count.EqualTo(1));
        Assert.That(res.Messages[0].Time, Is.EqualTo(220));
        Assert.That(res.Messages[0].Value.Exception, Is.SameAs(boom), "the transport's error, not an end of stream");
    }

    [TestCaseSource(nameof(Reads))]
    public void Read_TransportFailsWithDataBuffered_ReturnsTheData(Func<TelnetSession, IObservable<string>> read, long dataAt, bool endIsError)
    {
        var (scheduler, session) = Create(OnNext(210, B("partial")), OnError<byte[]>(220, new IOException("reset")));

        var res = scheduler.Start(() => read(session), created: 100, subscribed: 200, disposed: 1000);

        res.Messages.AssertEqual(OnNext(dataAt, "partial"), OnCompleted<string>(dataAt));
    }

    [TestCaseSource(nameof(Reads))]
    public void Read_CleanEndWithNothingBuffered_IsAnEndOfStreamNotAnError(Func<TelnetSession, IObservable<string>> read, long dataAt, bool endIsError)
    {
        var (scheduler, session) = Create(OnCompleted<byte[]>(220));

        var res = scheduler.Start(() => read(session), created: 100, subscribed: 200, disposed: 1000);

        if (endIsError)
        {
            Assert.That(res.Messages.Single().Value.Exception, Is.TypeOf<TelnetEofException>(), "ReadUntil and Expect fail with end of stream");
            Assert.That(res.Messages.Single().Time, Is.EqualTo(220));
        }
        else
        {
            res.Messages.AssertEqual(OnNext(220, string.Empty), OnCompleted<string>(220));
        }
    }

    [Test]
    public void ReadSome_DataBuffered_ReturnsAllOfItAtOnce()
    {
        var (scheduler, session) = Create(OnNext(210, B("ab")), OnNext(212, B("cd")), OnNext(240, B("ef")));
        scheduler.AdvanceTo(230);

        var res = scheduler.Start(() => session.ReadSome().Select(S), created: 231, subscribed: 232, disposed: 1000);

        res.Messages.AssertEqual(OnNext(232, "abcd"), OnCompleted<string>(232));
    }

    [Test]
    public void ReadSome_NothingBuffered_WaitsForTheNextChunk()
    {
        var (scheduler, session) = Create(OnNext(240, B("ef")));

        var res = scheduler.Start(() => session.ReadSome().Select(S));

        res.Messages.AssertEqual(OnNext(240, "ef"), OnCompleted<string>(240));
    }

    [Test]
    public void ReadUntilAsync_AnotherReadPending_FailsAndConsumesNothingEvenWithTheMatchQueued()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$ b")));
        scheduler.AdvanceTo(205);
        var first = session.ReadUntil(B("zzz"), TimeSpan.FromTicks(100)).Select(S).Replay();
        using var connection = first.Connect();
        scheduler.AdvanceTo(220);

        var second = session.ReadUntilAsync(B("$ "));

        Assert.That(second.IsFaulted, Is.True, "one sequential read at a time, even when the match is already queued");
        Assert.That(second.Exception!.InnerException, Is.TypeOf<InvalidOperationException>());
        scheduler.AdvanceTo(400);
        Assert.That(first.ToEnumerable().Single(), Is.EqualTo("a$ b"), "the pending read still gets every byte at its timeout");
    }

    [Test]
    public void ReadUntil_AnotherReadPending_FailsAtOnceAndLeavesTheFirstAlone()
    {
        var (scheduler, session) = Create(OnNext(250, B("x$ ")));
        var first = scheduler.CreateObserver<string>();
        session.ReadUntil(B("$ "), Long).Select(S).Subscribe(first);
        scheduler.AdvanceTo(210);

        var second = scheduler.Start(() => session.ReadSome().Select(S), created: 211, subscribed: 212, disposed: 1000);

        Assert.That(second.Messages.Single().Value.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(second.Messages.Single().Time, Is.EqualTo(212));
        first.Messages.AssertEqual(OnNext(250, "x$ "), OnCompleted<string>(250));
    }

    [Test]
    public void ReadUntilAsync_CancelledTokenWithTheMatchQueued_IsCancelledAndConsumesNothing()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$ b")));
        scheduler.AdvanceTo(220);

        var read = session.ReadUntilAsync(B("$ "), cancellationToken: new CancellationToken(canceled: true));

        Assert.That(read.IsCanceled, Is.True);
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("a$ b"));
    }

    [Test]
    public void ReadUntilAsync_NoMatchQueued_WaitsForIt()
    {
        var (scheduler, session) = Create(OnNext(210, B("a$")), OnNext(230, B(" b")));
        scheduler.AdvanceTo(220);

        var read = session.ReadUntilAsync(B("$ "), TimeSpan.FromTicks(100));

        Assert.That(read.IsCompleted, Is.False, "only \"a$\" is queued");
        scheduler.AdvanceTo(230);
        Assert.That(read.IsCompletedSuccessfully, Is.True);
        Assert.That(S(read.Result), Is.EqualTo("a$ "));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("b"));
    }

    [Test]
    public void ReadUntilAsync_Timeout_ReturnsWhatArrivedAtTheDueTime()
    {
        var (scheduler, session) = Create(OnNext(210, B("a")));

        var read = session.ReadUntilAsync(B("$ "), TimeSpan.FromTicks(250));
        scheduler.AdvanceTo(249);
        Assert.That(read.IsCompleted, Is.False);
        scheduler.AdvanceTo(250);

        Assert.That(read.IsCompletedSuccessfully, Is.True, "the timeout counts from the call, at 0");
        Assert.That(S(read.Result), Is.EqualTo("a"));
    }

    [Test]
    public void ReadUntilAsync_CancelledWhileWaiting_IsCancelledAndTheNextReadGetsTheBytes()
    {
        var (scheduler, session) = Create(OnNext(210, B("a")), OnNext(260, B("$ ")));
        using var cancel = new CancellationTokenSource();

        var read = session.ReadUntilAsync(B("$ "), Long, cancel.Token);
        scheduler.AdvanceTo(220);
        cancel.Cancel();

        Assert.That(read.IsCanceled, Is.True);
        var next = session.ReadUntilAsync(B("$ "), Long);
        scheduler.AdvanceTo(300);
        Assert.That(S(next.Result), Is.EqualTo("a$ "), "the cancelled read consumed nothing and is no longer pending");
    }

    [Test]
    public void Read_Completed_LeavesNoTimerBehind()
    {
        var (scheduler, session) = Create(OnNext(250, B("$ ")));
        var observer = scheduler.CreateObserver<string>();

        session.ReadUntil(B("$ "), TimeSpan.FromTicks(5000)).Select(S).Subscribe(observer);
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(250, "$ "), OnCompleted<string>(250));
        Assert.That(scheduler.Clock, Is.EqualTo(250), "the timeout timer was disposed with the read, so virtual time stops at the match");
    }

    [Test]
    public void Read_Disposed_LeavesNoTimerBehindAndFreesTheSession()
    {
        var (scheduler, session) = Create(OnNext(250, B("a$ ")));
        var observer = scheduler.CreateObserver<string>();

        var subscription = session.ReadUntil(B("$ "), TimeSpan.FromTicks(5000)).Select(S).Subscribe(observer);
        scheduler.AdvanceTo(100);
        subscription.Dispose();
        scheduler.Start();

        Assert.That(observer.Messages, Is.Empty);
        Assert.That(scheduler.Clock, Is.EqualTo(250), "no timeout left at 5000");
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("a$ "), "the abandoned read took nothing and is not pending");
    }

    [Test]
    public void ReadUntilAsync_Completed_LeavesNoTimerBehind()
    {
        var (scheduler, session) = Create(OnNext(250, B("$ ")));

        var read = session.ReadUntilAsync(B("$ "), TimeSpan.FromTicks(5000), new CancellationTokenSource().Token);
        scheduler.Start();

        Assert.That(read.IsCompletedSuccessfully, Is.True);
        Assert.That(scheduler.Clock, Is.EqualTo(250));
    }

    [Test]
    public void ReadUntil_ZeroTimeoutNothingBuffered_EmitsEmptyAtOnce()
    {
        var (scheduler, session) = Create(OnNext(260, B("$ ")));

        var res = scheduler.Start(() => session.ReadUntil(B("$ "), TimeSpan.Zero).Select(S));

        res.Messages.AssertEqual(OnNext(200, string.Empty), OnCompleted<string>(200));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("$ "), "later data is left for later reads");
    }

    [Test]
    public void ReadUntil_ZeroTimeoutNoMatchBuffered_EmitsWhatIsBufferedAtOnce()
    {
        var (scheduler, session) = Create(OnNext(110, B("ab")), OnNext(260, B("$ ")));

        var res = scheduler.Start(() => session.ReadUntil(B("$ "), TimeSpan.Zero).Select(S));

        res.Messages.AssertEqual(OnNext(200, "ab"), OnCompleted<string>(200));
    }

    [Test]
    public void Expect_ZeroTimeout_ReturnsMinusOneWithWhatIsBuffered()
    {
        var (scheduler, session) = Create(OnNext(210, B("ab")));
        scheduler.AdvanceTo(220);

        var result = session.Expect([new Regex("z")], TimeSpan.Zero).Wait();

        Assert.That((result.Index, result.Match, S(result.Data)), Is.EqualTo((-1, (Match?)null, "ab")));
    }

    [Test]
    public void Expect_Timeout_ReturnsMinusOneAtTheDueTime()
    {
        var (scheduler, session) = Create(OnNext(210, B("ab")));

        var res = scheduler.Start(() => session.Expect([new Regex("z")], TimeSpan.FromTicks(50)).Select(r => $"{r.Index}:{S(r.Data)}"));

        res.Messages.AssertEqual(OnNext(250, "-1:ab"), OnCompleted<string>(250));
    }

    [Test]
    public async Task ExpectAsync_NullTimeout_WaitsForTheMatch()
    {
        var (scheduler, session) = Create(OnNext(5000, B("ok")));

        var read = session.ExpectAsync([new Regex("ok")]);
        scheduler.AdvanceTo(5000);

        var result = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((result.Index, S(result.Data)), Is.EqualTo((0, "ok")));
    }

    [TestCase(-1L)]
    [TestCase(-20_000L)]
    public void Reads_NegativeTimeout_ThrowNamingIt(long ticks)
    {
        var (_, session) = Create();
        var timeout = TimeSpan.FromTicks(ticks);

        Assert.Multiple(() =>
        {
            Assert.That(() => session.ReadUntil(B("x"), timeout), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout").And.Property("ActualValue").EqualTo(timeout));
            Assert.That(() => session.ReadUntilAsync(B("x"), timeout), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
            Assert.That(() => session.Expect([new Regex("x")], timeout), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
        });
    }

    [Test]
    public void ReadUntilAsync_NegativeTimeoutWithTheMatchQueued_ThrowsAndConsumesNothing()
    {
        // The arguments are checked whether or not the answer is already there.
        var (scheduler, session) = Create(OnNext(210, B("a$ b")));
        scheduler.AdvanceTo(300);

        Assert.That(() => session.ReadUntilAsync(B("$ "), TimeSpan.FromTicks(-5)), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("a$ b"));
    }

    [Test]
    public void Reads_InfiniteTimeout_IsAccepted()
    {
        var (_, session) = Create();

        Assert.That(() => session.ReadUntil(B("x"), Timeout.InfiniteTimeSpan), Throws.Nothing);
        Assert.That(() => session.Expect([new Regex("x")], Timeout.InfiniteTimeSpan), Throws.Nothing);
    }

    [Test]
    public void Reads_BadArguments_ThrowNamingThem()
    {
        var (scheduler, session) = Create();

        Assert.Multiple(() =>
        {
            Assert.That(() => session.ReadUntil(ReadOnlyMemory<byte>.Empty, Long), Throws.ArgumentException.With.Property("ParamName").EqualTo("expected"));
            Assert.That(() => session.ReadUntil(B("x"), Long, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("scheduler"));
            Assert.That(() => session.ReadUntilAsync(ReadOnlyMemory<byte>.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("expected"));
            Assert.That(() => session.ReadUntilAsync(ReadOnlyMemory<byte>.Empty, cancellationToken: new CancellationToken(true)), Throws.ArgumentException.With.Property("ParamName").EqualTo("expected"));
            Assert.That(() => session.Expect(null!, Long), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("patterns"));
            Assert.That(() => session.Expect([], Long), Throws.ArgumentException.With.Property("ParamName").EqualTo("patterns"));
            Assert.That(() => session.Expect([new Regex("a"), null!], Long), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("patterns").And.Message.Contains("Pattern 1"));
            Assert.That(() => session.Expect([new Regex("a")], Long, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("scheduler"));
        });
    }

    [Test]
    public void Reads_BadArguments_SayWhatIsWrong()
    {
        var (_, session) = Create();

        Assert.Multiple(() =>
        {
            Assert.That(() => session.ReadUntil(ReadOnlyMemory<byte>.Empty, Long), Throws.ArgumentException.With.Message.Contains("must not be empty"));
            Assert.That(() => session.ReadUntilAsync(ReadOnlyMemory<byte>.Empty), Throws.ArgumentException.With.Message.Contains("must not be empty"));
            Assert.That(() => session.Expect([], Long), Throws.ArgumentException.With.Message.Contains("At least one pattern"));
            Assert.That(() => session.ReadUntil(B("x"), TimeSpan.FromTicks(-5)), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("must not be negative").And.Message.Contains("InfiniteTimeSpan"));
        });
    }

    [Test]
    public void Reads_OneAtATime_SayWhy()
    {
        var (scheduler, session) = Create();
        using var pending = session.ReadSome().Subscribe(_ => { });

        Assert.That(() => session.ReadBuffered(), Throws.InvalidOperationException.With.Message.Contains("one at a time"));
        var error = session.ReadSome().Materialize().Wait().Exception;
        Assert.That(error, Is.TypeOf<InvalidOperationException>().With.Message.Contains("Another sequential read is pending"));
        Assert.That(scheduler.Clock, Is.Zero);
    }

    [Test]
    public void ExpectAsync_Timeout_ReturnsMinusOneAtTheDueTime()
    {
        var (scheduler, session) = Create(OnNext(10, B("ab")));

        var read = session.ExpectAsync([new Regex("z")], TimeSpan.FromTicks(50));
        scheduler.AdvanceTo(49);
        Assert.That(read.IsCompleted, Is.False);
        scheduler.AdvanceTo(50);

        Assert.That(read.IsCompletedSuccessfully, Is.True, "the timeout given is the one used");
        Assert.That((read.Result.Index, S(read.Result.Data)), Is.EqualTo((-1, "ab")));
    }

    [Test]
    public void ReadBuffered_AfterTheTransportFailed_ThrowsWithTheErrorInside()
    {
        var boom = new IOException("reset");
        var (scheduler, session) = Create(OnError<byte[]>(220, boom));
        scheduler.AdvanceTo(300);

        var error = Assert.Throws<TelnetException>(() => session.ReadBuffered());

        Assert.That(error, Is.Not.InstanceOf<TelnetEofException>());
        Assert.That(error!.InnerException, Is.SameAs(boom));
        Assert.That(error.Message, Does.StartWith("The connection failed."));
    }

    [Test]
    public void ReadBuffered_AfterACleanEnd_ThrowsEndOfStream()
    {
        var (scheduler, session) = Create(OnNext(210, B("x")), OnCompleted<byte[]>(220));
        scheduler.AdvanceTo(300);

        Assert.That(S(session.ReadBuffered()), Is.EqualTo("x"), "what was buffered first");
        Assert.Throws<TelnetEofException>(() => session.ReadBuffered());
    }

    [Test]
    public void Read_CompletedAtStart_SchedulesNoTimer()
    {
        var (scheduler, session) = Create(OnNext(50, B("x$ ")));
        scheduler.AdvanceTo(60);
        var observer = scheduler.CreateObserver<string>();

        session.ReadUntil(B("$ "), TimeSpan.FromTicks(5000)).Select(S).Subscribe(observer);
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(60, "x$ "), OnCompleted<string>(60));
        Assert.That(scheduler.Clock, Is.EqualTo(60), "a read answered from the queue starts no timer");
    }

    [Test]
    public void Expect_PatternTimesOut_FailsWithTheRegexError()
    {
        var (scheduler, session) = Create(OnNext(210, B(new string('a', 40) + "!")));
        var pattern = new Regex("(a+)+b", RegexOptions.None, TimeSpan.FromMilliseconds(1));

        var res = scheduler.Start(() => session.Expect([pattern], Long).Select(r => r.Index));

        Assert.That(res.Messages.Single().Value.Exception, Is.TypeOf<RegexMatchTimeoutException>(), "the read fails instead of the session's receive path");
        Assert.That(S(session.ReadBuffered()), Has.Length.EqualTo(41), "nothing was consumed");
    }

    [Test]
    public void Expect_BufferLimitBeforeAMatch_FailsWithTheLimitAndKeepsWhatFitted()
    {
        var (scheduler, session) = CreateLimited();

        var res = scheduler.Start(() => session.Expect([new Regex("z")], Long).Select(r => S(r.Data)));

        Assert.That(res.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>(), "a limit is never an end of stream with data");
        Assert.That(res.Messages.Single().Time, Is.EqualTo(220));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("1234"));
    }

    [TestCaseSource(nameof(Reads))]
    public void Read_AfterTheSessionClosedAtItsLimit_FailsWithTheLimitOrReturnsWhatFitted(Func<TelnetSession, IObservable<string>> read, long dataAt, bool endIsError)
    {
        var (scheduler, session) = CreateLimited();
        scheduler.AdvanceTo(300);

        var res = scheduler.Start(() => read(session), created: 301, subscribed: 302, disposed: 1000);

        if (dataAt == 210)
        {
            // ReadSome returns what is buffered, whatever ended the stream; the next read reports the limit.
            res.Messages.AssertEqual(OnNext(302, "1234"), OnCompleted<string>(302));
            Assert.That(() => session.ReadSome().Wait(), Throws.TypeOf<TelnetBufferLimitExceededException>());
        }
        else
        {
            Assert.That(res.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>());
            Assert.That(S(session.ReadBuffered()), Is.EqualTo("1234"), "what fitted stays readable");
        }

        Assert.Throws<TelnetBufferLimitExceededException>(() => session.ReadBuffered(), "with the queue empty, the limit is reported, never an end of stream");
    }

    private static (TestScheduler Scheduler, TelnetSession Session) CreateLimited()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(210, B("1234")), OnNext(220, B("56789"))));
        var options = new TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = 8, PauseWhenBufferFull = false };
        return (scheduler, new TelnetSession(transport, options).Start());
    }

    [Test]
    public void ReadBuffered_WhileAReadIsPending_Throws()
    {
        var (scheduler, session) = Create();
        using var read = session.ReadSome().Subscribe(_ => { });

        Assert.Throws<InvalidOperationException>(() => session.ReadBuffered());
        Assert.That(scheduler.Clock, Is.Zero);
    }
}
