namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class SplitAfterTests : ReactiveTest
{
    [Test]
    public void SplitAfter_SeveralDelimitersInOneChunk_EmitsEachSegmentAndKeepsTheRest()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a\r\nbb\r\nc"), Chunk(220, "c\r\n"), OnCompleted<ReadOnlyMemory<byte>>(230));

        var res = scheduler.Start(() => chunks.SplitAfter(Bytes("\r\n")).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a\r\n", "210 OnNext bb\r\n", "220 OnNext cc\r\n", "230 OnCompleted" }));
    }

    [Test]
    public void SplitAfter_DelimiterSplitAtEveryIndex_SameSegments()
    {
        const string text = "one\r\ntwo\r\n\r\nthree";
        foreach (var chunking in Chunkings(text))
        {
            var scheduler = new TestScheduler();
            var chunks = HotChunks(scheduler, chunking, complete: true);
            var res = scheduler.Start(() => chunks.SplitAfter(Bytes("\r\n")).ValidateGrammar());

            var segments = res.Messages.Where(m => m.Value.HasValue).Select(m => Text(m.Value.Value)).ToList();
            Assert.That(segments, Is.EqualTo(new[] { "one\r\n", "two\r\n", "\r\n", "three" }), string.Join("|", chunking));
        }
    }

    [Test]
    public void SplitAfter_SourceCompletesWithoutRemainder_JustCompletes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a;"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.SplitAfter(Bytes(";")));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a;", "220 OnCompleted" }));
    }

    [Test]
    public void SplitAfter_SourceErrors_ForwardsTheErrorAndDropsTheUnfinishedSegment()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a;b"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.SplitAfter(Bytes(";")));

        res.Messages.AssertEqual(OnNext<byte[]>(210, b => Text(b) == "a;"), OnError<byte[]>(220, boom));
    }

    [Test]
    public void SplitAfter_Disposed_StopsEmitting()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a;"), Chunk(1100, "b;"));

        var res = scheduler.Start(() => chunks.SplitAfter(Bytes(";")));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a;" }));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Test]
    public void SplitAfter_SegmentLongerThanTheLimit_FailsAfterTheSegmentsBefore()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab;abcd;abcde"), Chunk(220, "f;"));

        var res = scheduler.Start(() => chunks.SplitAfter(Bytes(";"), 5).ValidateGrammar());

        // "abcd;" is exactly 5 bytes and allowed; "abcdef;" is certain to be too long once the sixth byte arrives.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext ab;", "210 OnNext abcd;", "220 OnError TelnetBufferLimitExceededException" }));
        Assert.That(((TelnetBufferLimitExceededException)res.Messages[2].Value.Exception!).LimitName, Is.EqualTo("maxSegmentLength"));
    }

    [Test]
    public void SplitAfter_ChunkLongerThanTheLimitWithShortSegments_Succeeds()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var segments = new List<string>();
        using var subscription = subject.SplitAfter(Bytes(";"), 4).Subscribe(b => segments.Add(Text(b)));

        subject.OnNext(Bytes("ab;cd;ef;gh;ij"));
        subject.OnCompleted();

        Assert.That(segments, Is.EqualTo(new[] { "ab;", "cd;", "ef;", "gh;", "ij" }));
    }

    [Test]
    public void SplitAfter_BadArguments_ThrowNamingTheParameter()
    {
        var source = Observable.Never<ReadOnlyMemory<byte>>();

        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentException>(() => source.SplitAfter(ReadOnlyMemory<byte>.Empty))!.ParamName, Is.EqualTo("delimiter"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => source.SplitAfter(Bytes("\r\n"), 1))!.ParamName, Is.EqualTo("maxSegmentLength"));
        });
    }

    [Test]
    public void SplitAfter_ManyChunks_IsLossless()
    {
        var random = new Random(3);
        var text = new string([.. Enumerable.Range(0, 5000).Select(_ => "ab;;c"[random.Next(5)])]);
        var subject = new Subject<byte[]>();
        var segments = new List<string>();
        using var subscription = subject.SplitAfter(";;"u8.ToArray()).Subscribe(b => segments.Add(Text(b)));

        for (var i = 0; i < text.Length;)
        {
            var n = Math.Min(text.Length - i, 1 + random.Next(9));
            subject.OnNext(Bytes(text.Substring(i, n)).ToArray());
            i += n;
        }

        subject.OnCompleted();

        Assert.That(string.Concat(segments), Is.EqualTo(text), "concatenated segments are the input");
        Assert.That(segments.SkipLast(1).All(s => s.EndsWith(";;", StringComparison.Ordinal) && s.IndexOf(";;", StringComparison.Ordinal) == s.Length - 2), Is.True, "each segment ends at the first delimiter");
    }
}
