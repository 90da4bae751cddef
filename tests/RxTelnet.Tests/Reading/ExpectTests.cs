namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class ExpectTests : ReactiveTest
{
    private static readonly TimeSpan Hundred = TimeSpan.FromTicks(100);

    [Test]
    public void Expect_MatchInOneChunk_EmitsIndexMatchAndDataThenCompletes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "> user42> rest"));

        var res = scheduler.Start(() => chunks.Expect([@"user(\d+)> "], Hundred, scheduler).ValidateGrammar());

        // Python 3.11: expect([rb"user(\d+)> "]) returns (0, <match b"user42> ">, b"> user42> ") and keeps b"rest".
        res.Messages.AssertEqual(
            OnNext<ExpectResult>(210, r => r.Index == 0 && r.Match!.Groups[1].Value == "42" && Text(r.Data) == "> user42> "),
            OnCompleted<ExpectResult>(210));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 210));
    }

    [Test]
    public void Expect_LaterPatternMatchesEarlierInBuffer_FirstPatternInListOrderWins()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab"));

        var res = scheduler.Start(() => chunks.Expect(["b", "a"], Hundred, scheduler));

        // Python 3.11: expect([b"b", b"a"]) on b"ab" returns (0, b"b", b"ab").
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext (0, \"b\", \"ab\")", "210 OnCompleted" }));
    }

    [Test]
    public void Expect_EarlierPatternOnlyInALaterChunk_LaterPatternWins()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), Chunk(220, "b"));

        var res = scheduler.Start(() => chunks.Expect(["b", "a"], Hundred, scheduler));

        // Python 3.11: with b"a" then b"b" arriving, expect([b"b", b"a"]) returns (1, b"a", b"a").
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext (1, \"a\", \"a\")", "210 OnCompleted" }));
    }

    [Test]
    public void Expect_BothMatchInTheNewChunk_ListOrderBeatsPosition()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "xxx"), Chunk(220, "aEND"));

        var res = scheduler.Start(() => chunks.Expect(["END", "a"], Hundred, scheduler));

        // Python 3.11: chunks b"xxx", b"aEND" with expect([b"END", b"a"]) return (0, b"END", b"xxxaEND").
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "220 OnNext (0, \"END\", \"xxxaEND\")", "220 OnCompleted" }));
    }

    [Test]
    public void Expect_MatchSplitAtEveryIndex_EmitsOnceWhenComplete()
    {
        const string text = "Last login\r\nuser@host:~$ ls";
        foreach (var chunking in Chunkings(text))
        {
            var scheduler = new TestScheduler();
            var chunks = HotChunks(scheduler, chunking);
            var res = scheduler.Start(() => chunks.Expect([@"\$ ", "login: "], Timeout.InfiniteTimeSpan, scheduler).ValidateGrammar());

            var transcript = Transcript(res.Messages);
            Assert.That(transcript, Has.Count.EqualTo(2), string.Join("|", chunking));
            Assert.That(transcript[0], Does.EndWith("OnNext (0, \"$ \", \"Last login\\r\\nuser@host:~$ \")"), string.Join("|", chunking));
        }
    }

    [Test]
    public void Expect_PatternMatchesEmpty_CompletesAtSubscription()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc"));

        var res = scheduler.Start(() => chunks.Expect(["x*"], Hundred, scheduler));

        // Python 3.11: expect([b"x*"]) returns (0, b"", b"") before reading.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "200 OnNext (0, \"\", \"\")", "200 OnCompleted" }));
    }

    [Test]
    public void Expect_BytesAboveAscii_MatchAsLatin1()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, [.. "un caf"u8, 0xE9, (byte)'!']));

        var res = scheduler.Start(() => chunks.Expect([@"caf\xe9"], Hundred, scheduler));

        // Python 3.11: expect([rb"caf\xe9"]) on b"un caf\xe9!" returns (0, b"caf\xe9", b"un caf\xe9").
        res.Messages.AssertEqual(
            OnNext<ExpectResult>(210, r => r.Index == 0 && r.Data.AsSpan().SequenceEqual((byte[])[.. "un caf"u8, 0xE9])),
            OnCompleted<ExpectResult>(210));
    }

    [Test]
    public void Expect_NoMatchBeforeTimeout_ReturnsMinusOneWithData()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "Pass"), Chunk(250, "wo"));

        var res = scheduler.Start(() => chunks.Expect(["Password: "], Hundred, scheduler).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "300 OnNext (-1, None, \"Passwo\")", "300 OnCompleted" }));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Test]
    public void Expect_SourceCompletesWithData_ReturnsMinusOneWithData()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.Expect(["zzz"], Hundred, scheduler));

        // Python 3.11: expect([b"zzz"]) with b"abc" then EOF returns (-1, None, b"abc").
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "220 OnNext (-1, None, \"abc\")", "220 OnCompleted" }));
    }

    [Test]
    public void Expect_SourceCompletesEmpty_FailsWithEof()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.Expect(["x"], Hundred, scheduler));

        // Python 3.11: expect([b"x"]) at EOF with nothing read raises EOFError.
        res.Messages.AssertEqual(OnError<ExpectResult>(220, e => e is TelnetEofException));
    }

    [Test]
    public void Expect_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.Expect(["x"], Hundred, scheduler));

        res.Messages.AssertEqual(OnError<ExpectResult>(220, boom));
    }

    [Test]
    public void Expect_DisposedBeforeMatch_EmitsNothingAndUnsubscribes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab"), Chunk(1100, "x"));

        var res = scheduler.Start(() => chunks.Expect(["x"], TimeSpan.FromTicks(2000), scheduler));

        Assert.That(res.Messages, Is.Empty);
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
        Assert.That(scheduler.Clock, Is.LessThan(2200), "the timer was cancelled with the subscription");
    }

    [Test]
    public void Expect_ZeroTimeout_LooksAtWhatIsThereAndEmitsAtSubscription()
    {
        var scheduler = new TestScheduler();
        var source = Observable.Return(Bytes("abc")).Concat(Observable.Never<ReadOnlyMemory<byte>>());

        var noMatch = scheduler.Start(() => source.Expect(["x"], TimeSpan.Zero, scheduler));
        var match = new TestScheduler().Start(() => source.Expect(["b"], TimeSpan.Zero, scheduler));

        Assert.That(Transcript(noMatch.Messages), Is.EqualTo(new[] { "200 OnNext (-1, None, \"abc\")", "200 OnCompleted" }));
        Assert.That(Transcript(match.Messages), Is.EqualTo(new[] { "200 OnNext (0, \"b\", \"ab\")", "200 OnCompleted" }));
    }

    [Test]
    public void Expect_InfiniteTimeout_WaitsPastAnyDueTime()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), Chunk(990, "x"));

        var res = scheduler.Start(() => chunks.Expect(["x"], Timeout.InfiniteTimeSpan, scheduler));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "990 OnNext (0, \"x\", \"ax\")", "990 OnCompleted" }));
    }

    [Test]
    public void Expect_NegativeTimeout_ThrowsNamingTimeout()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().Expect(["x"], TimeSpan.FromSeconds(-2), new TestScheduler()));

        Assert.That(error!.ParamName, Is.EqualTo("timeout"));
    }

    [Test]
    public void Expect_BadPatterns_ThrowNamingPatterns()
    {
        var source = Observable.Never<ReadOnlyMemory<byte>>();

        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentException>(() => source.Expect(Array.Empty<string>()))!.ParamName, Is.EqualTo("patterns"), "empty list");
            Assert.That(Assert.Throws<ArgumentException>(() => source.Expect(["("]))!.ParamName, Is.EqualTo("patterns"), "invalid regex");
            Assert.That(Assert.Throws<ArgumentException>(() => source.Expect([new Regex("a"), null!], Hundred))!.ParamName, Is.EqualTo("patterns"), "null entry");
            Assert.That(Assert.Throws<ArgumentException>(() => source.Expect([new Regex("a", RegexOptions.RightToLeft)], Hundred))!.ParamName, Is.EqualTo("patterns"), "right to left");
        });
    }

    [Test]
    public void Expect_PatternMatchTimeout_FailsTheStream()
    {
        var slow = new Regex("(a+)+b", RegexOptions.None, TimeSpan.FromMilliseconds(1));
        var subject = new Subject<ReadOnlyMemory<byte>>();
        Exception? error = null;
        using var subscription = subject.Expect([slow], Timeout.InfiniteTimeSpan).Subscribe(_ => { }, e => error = e);

        subject.OnNext(Bytes(new string('a', 40) + "c"));

        Assert.That(error, Is.TypeOf<RegexMatchTimeoutException>());
    }

    [Test]
    public void Expect_ByteArraySourceAndParams_Works()
    {
        var subject = new Subject<byte[]>();
        var results = new List<string>();
        using var subscription = subject.Expect("login: ", "Password: ").Subscribe(r => results.Add(r.ToString()));

        subject.OnNext("Pass"u8.ToArray());
        subject.OnNext("word: "u8.ToArray());

        Assert.That(results, Is.EqualTo(new[] { "(1, \"Password: \", \"Password: \")" }));
    }

    [Test]
    public void Expect_Deconstruct_GivesTelnetlibsTriple()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        ExpectResult? result = null;
        using var subscription = subject.Expect([new Regex("o")], TimeSpan.FromHours(1)).Subscribe(r => result = r);

        subject.OnNext(Bytes("foo"));
        var (index, match, data) = result!;

        Assert.That((index, match!.Value, Text(data), result!.IsMatch), Is.EqualTo((0, "o", "fo", true)));
    }
}
