namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class ReadUntilTests : ReactiveTest
{
    private static readonly TimeSpan Hundred = TimeSpan.FromTicks(100);

    [Test]
    public void ReadUntil_NoMatchBeforeTimeout_EmitsWhatArrivedAtDueTime()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext(210, "log"u8.ToArray()),
            OnNext(260, "in"u8.ToArray()));

        var res = scheduler.Start(() => chunks.ReadUntil("login: "u8.ToArray(), Hundred, scheduler).ValidateGrammar());

        // telnetlib semantics: on timeout, return what is there (here "login" is not complete).
        res.Messages.AssertEqual(
            OnNext<byte[]>(300, b => b.AsSpan().SequenceEqual("login"u8)),
            OnCompleted<byte[]>(300));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Test]
    public void ReadUntil_MatchInOneChunk_EmitsUpToMatchAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "Welcome\r\nlogin: user"), Chunk(220, "more"));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Hundred, scheduler).ValidateGrammar());

        // Python 3.11: read_until(b"login: ") on b"Welcome\r\nlogin: user" returns b"Welcome\r\nlogin: " and keeps b"user".
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext Welcome\r\nlogin: ", "210 OnCompleted" }));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 210));
    }

    [Test]
    public void ReadUntil_MatchSplitAtEveryIndex_EmitsOnceWhenComplete()
    {
        const string text = "abc\r\nlogin: xyz";
        foreach (var chunking in Chunkings(text))
        {
            var scheduler = new TestScheduler();
            var chunks = HotChunks(scheduler, chunking);
            var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Timeout.InfiniteTimeSpan, scheduler).ValidateGrammar());

            // The chunk that completes "login: " is the one that holds text index 11.
            var at = 210 + (10 * IndexOfChunkHolding(chunking, 11));
            Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { $"{at} OnNext abc\r\nlogin: ", $"{at} OnCompleted" }), string.Join("|", chunking));
        }
    }

    [Test]
    public void ReadUntil_SourceCompletesWithData_EmitsWhatWasRead()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "log"), OnCompleted<ReadOnlyMemory<byte>>(230));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Hundred, scheduler).ValidateGrammar());

        // Python 3.11: read_until at EOF with b"log" buffered returns b"log".
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "230 OnNext log", "230 OnCompleted" }));
    }

    [Test]
    public void ReadUntil_SourceCompletesEmpty_FailsWithEof()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(OnCompleted<ReadOnlyMemory<byte>>(230));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Hundred, scheduler).ValidateGrammar());

        // Python 3.11: read_until at EOF with nothing buffered raises EOFError.
        res.Messages.AssertEqual(OnError<byte[]>(230, e => e is TelnetEofException));
    }

    [Test]
    public void ReadUntil_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "log"), OnError<ReadOnlyMemory<byte>>(230, boom));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Hundred, scheduler).ValidateGrammar());

        res.Messages.AssertEqual(OnError<byte[]>(230, boom));
    }

    [Test]
    public void ReadUntil_DisposedBeforeMatch_EmitsNothingAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "log"), Chunk(1100, "in: "));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), TimeSpan.FromTicks(2000), scheduler).ValidateGrammar());

        Assert.That(res.Messages, Is.Empty);
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
        Assert.That(scheduler.Clock, Is.LessThan(2200), "the timer was cancelled with the subscription");
    }

    [Test]
    public void ReadUntil_ZeroTimeout_LooksAtWhatIsThereAndEmitsAtSubscription()
    {
        var scheduler = new TestScheduler();
        var source = Observable.Return(Bytes("Welcome")).Concat(Observable.Never<ReadOnlyMemory<byte>>());

        var res = scheduler.Start(() => source.ReadUntil(Bytes("login: "), TimeSpan.Zero, scheduler).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "200 OnNext Welcome", "200 OnCompleted" }));
    }

    [Test]
    public void ReadUntil_ZeroTimeoutAndMatchThere_EmitsTheMatch()
    {
        var scheduler = new TestScheduler();
        var source = Observable.Return(Bytes("login: x")).Concat(Observable.Never<ReadOnlyMemory<byte>>());

        var res = scheduler.Start(() => source.ReadUntil(Bytes("login: "), TimeSpan.Zero, scheduler));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "200 OnNext login: ", "200 OnCompleted" }));
    }

    [Test]
    public void ReadUntil_ZeroTimeoutAndNothingThere_EmitsEmptyAtSubscription()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "login: "));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), TimeSpan.Zero, scheduler));

        res.Messages.AssertEqual(OnNext<byte[]>(200, b => b.Length == 0), OnCompleted<byte[]>(200));
    }

    [Test]
    public void ReadUntil_InfiniteTimeout_WaitsPastAnyDueTime()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "log"), Chunk(950, "in: "));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Timeout.InfiniteTimeSpan, scheduler));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "950 OnNext login: ", "950 OnCompleted" }));
    }

    [Test]
    public void ReadUntil_NegativeTimeout_ThrowsNamingTimeout()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().ReadUntil(Bytes("x"), TimeSpan.FromTicks(-1), new TestScheduler()));

        Assert.That(error!.ParamName, Is.EqualTo("timeout"));
    }

    [Test]
    public void ReadUntil_EmptyExpected_ThrowsNamingExpected()
    {
        var error = Assert.Throws<ArgumentException>(() => Observable.Never<ReadOnlyMemory<byte>>().ReadUntil(ReadOnlyMemory<byte>.Empty));

        Assert.That(error!.ParamName, Is.EqualTo("expected"));
    }

    [Test]
    public void ReadUntil_MatchAndTimeoutInTheSameTick_EmitsExactlyOnce()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(300, "login: "));

        var res = scheduler.Start(() => chunks.ReadUntil(Bytes("login: "), Hundred, scheduler).ValidateGrammar());

        // The chunk was scheduled first, so it wins the tick; the timer then finds the read done.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "300 OnNext login: ", "300 OnCompleted" }));
    }

    [Test]
    public void ReadUntil_ExpectedChangedAfterTheCall_SearchesTheOriginal()
    {
        var expected = "login: "u8.ToArray();
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var results = new List<string>();
        using var subscription = subject.ReadUntil(expected).Subscribe(b => results.Add(Text(b)));
        expected[0] = (byte)'X';

        subject.OnNext(Bytes("login: "));

        Assert.That(results, Is.EqualTo(new[] { "login: " }));
    }

    [Test]
    public void ReadUntil_ByteArraySource_TreatsEachArrayAsAChunk()
    {
        var subject = new Subject<byte[]>();
        var results = new List<string>();
        using var subscription = subject.ReadUntil("\r\n"u8.ToArray()).Subscribe(b => results.Add(Text(b)));

        subject.OnNext("abc\r"u8.ToArray());
        subject.OnNext("\ndef"u8.ToArray());

        Assert.That(results, Is.EqualTo(new[] { "abc\r\n" }));
    }

    [Test]
    public void ReadUntil_MoreThanTheBufferLimitWithoutMatch_FailsWithBufferLimit()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        Exception? error = null;
        using var subscription = subject.ReadUntil(Bytes("login: ")).Subscribe(_ => { }, e => error = e);

        subject.OnNext(new byte[TelnetObservable.DefaultMaxBufferLength]);
        Assert.That(error, Is.Null, "exactly the limit is allowed");
        subject.OnNext(new byte[1]);

        Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>());
    }

    [Test]
    public void ReadUntil_MatchInsideAChunkThatRunsPastTheLimit_StillMatches()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var results = new List<int>();
        using var subscription = subject.ReadUntil(Bytes("$ ")).Subscribe(b => results.Add(b.Length));
        var chunk = new byte[TelnetObservable.DefaultMaxBufferLength + 10];
        chunk[5] = (byte)'$';
        chunk[6] = (byte)' ';

        subject.OnNext(chunk);

        Assert.That(results, Is.EqualTo(new[] { 7 }));
    }

    [Test]
    public void ReadUntil_DefaultSchedulerOverload_MatchesSynchronously()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var results = new List<string>();
        using var subscription = subject.ReadUntil(Bytes("> "), TimeSpan.FromHours(1)).Subscribe(b => results.Add(Text(b)));

        subject.OnNext(Bytes("ok> "));

        Assert.That(results, Is.EqualTo(new[] { "ok> " }));
    }

    private static int IndexOfChunkHolding(string[] chunking, int textIndex)
    {
        var start = 0;
        for (var i = 0; i < chunking.Length; i++)
        {
            start += chunking[i].Length;
            if (textIndex < start)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(textIndex));
    }
}
