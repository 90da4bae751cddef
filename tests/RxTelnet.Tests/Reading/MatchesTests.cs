namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class MatchesTests : ReactiveTest
{
    [Test]
    public void Matches_SeveralMatchesInOneChunk_EmitsEachWithTheDataSinceThePrevious()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a> b> c"), Chunk(220, "c> d"), OnCompleted<ReadOnlyMemory<byte>>(230));

        var res = scheduler.Start(() => chunks.Matches(["> "]).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[]
        {
            "210 OnNext (0, \"> \", \"a> \")",
            "210 OnNext (0, \"> \", \"b> \")",
            "220 OnNext (0, \"> \", \"cc> \")",
            "230 OnNext (-1, None, \"d\")",
            "230 OnCompleted",
        }));
    }

    [Test]
    public void Matches_MatchSplitAtEveryIndex_SameResults()
    {
        const string text = "user: x\r\n$ ls\r\n$ ";
        foreach (var chunking in Chunkings(text))
        {
            var scheduler = new TestScheduler();
            var chunks = HotChunks(scheduler, chunking, complete: true);
            // Patterns in stream order: with the reverse order, a chunk holding both matches would let "$ " win,
            // as telnetlib's expect documents (results may depend on I/O timing when several patterns can match).
            var res = scheduler.Start(() => chunks.Matches(["user: ", @"\$ "]).ValidateGrammar());

            var results = res.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value.ToString()).ToList();
            Assert.That(results, Is.EqualTo(new[] { "(0, \"user: \", \"user: \")", "(1, \"$ \", \"x\\r\\n$ \")", "(1, \"$ \", \"ls\\r\\n$ \")" }), string.Join("|", chunking));
        }
    }

    [Test]
    public void Matches_LaterPatternMatchesEarlier_FirstPatternInListOrderWinsEachTime()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "xyxyx"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.Matches(["y", "x"]));

        // Python 3.11: expect([b"y", b"x"]) in a loop over b"xyxyx" gives b"xy", b"xy", then (1, b"x", b"x").
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[]
        {
            "210 OnNext (0, \"y\", \"xy\")",
            "210 OnNext (0, \"y\", \"xy\")",
            "210 OnNext (1, \"x\", \"x\")",
            "220 OnCompleted",
        }));
    }

    [Test]
    public void Matches_CaretPattern_MatchesWhereThePreviousMatchEnded()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var results = new List<string>();
        using var subscription = subject.Matches([new Regex("^x"), new Regex("y")]).Subscribe(r => results.Add(r.ToString()));

        subject.OnNext(Bytes("xxyx"));

        // Python 3.11: expect([rb"^x", b"y"]) in a loop over b"xxyx" gives b"x", b"x", b"y", b"x".
        Assert.That(results, Is.EqualTo(new[] { "(0, \"x\", \"x\")", "(0, \"x\", \"x\")", "(1, \"y\", \"y\")", "(0, \"x\", \"x\")" }));
    }

    [Test]
    public void Matches_PatternMatchingEmpty_StillMovesOnAndIsLossless()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var data = new List<string>();
        var completed = false;
        using var subscription = subject.Matches(["a*"]).Subscribe(r => data.Add(Text(r.Data)), () => completed = true);

        subject.OnNext(Bytes("baab"));
        subject.OnCompleted();

        Assert.That(completed, Is.True);
        Assert.That(string.Concat(data), Is.EqualTo("baab"));
    }

    [Test]
    public void Matches_MoreThanTheLimitWithoutMatch_FailsAfterTheResultsBefore()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab;abcdef"));

        var res = scheduler.Start(() => chunks.Matches([";"], 4));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext (0, \";\", \"ab;\")", "210 OnError TelnetBufferLimitExceededException" }));
    }

    [Test]
    public void Matches_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a;b"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.Matches([";"]));

        res.Messages.AssertEqual(OnNext<ExpectResult>(210, r => r.Index == 0), OnError<ExpectResult>(220, boom));
    }

    [Test]
    public void Matches_Disposed_StopsEmitting()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a;"), Chunk(1100, "b;"));

        var res = scheduler.Start(() => chunks.Matches([";"]));

        Assert.That(res.Messages, Has.Count.EqualTo(1));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Test]
    public void Matches_DisposedFromInsideOnNext_EmitsNothingMore()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var results = new List<string>();
        IDisposable? subscription = null;
        subscription = subject.Matches([";"]).Subscribe(r =>
        {
            results.Add(Text(r.Data));
            subscription!.Dispose();
        });

        subject.OnNext(Bytes("a;b;c;"));

        Assert.That(results, Is.EqualTo(new[] { "a;" }));
    }

    [Test]
    public void Matches_BadLimit_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().Matches(["x"], 0));

        Assert.That(error!.ParamName, Is.EqualTo("maxBufferLength"));
    }
}
