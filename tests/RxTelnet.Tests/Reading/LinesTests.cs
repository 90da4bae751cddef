namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class LinesTests : ReactiveTest
{
    [Test]
    public void Lines_CrLfAndLf_SplitAndStripTheLineEnds()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "one\r\ntwo\nthree\r"), Chunk(220, "\n\nfour"), OnCompleted<ReadOnlyMemory<byte>>(230));

        var res = scheduler.Start(() => chunks.Lines(Encoding.ASCII).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext one", "210 OnNext two", "220 OnNext three", "220 OnNext ", "230 OnNext four", "230 OnCompleted" }));
    }

    [Test]
    public void Lines_Utf8SplitAtEveryByte_SameLines()
    {
        var bytes = Encoding.UTF8.GetBytes("Grüße\r\n→ ✓\r\nEnde");
        for (var split = 1; split < bytes.Length; split++)
        {
            var subject = new Subject<ReadOnlyMemory<byte>>();
            var lines = new List<string>();
            using var subscription = subject.Lines(Encoding.UTF8).Subscribe(lines.Add);

            subject.OnNext(bytes[..split]);
            subject.OnNext(bytes[split..]);
            subject.OnCompleted();

            Assert.That(lines, Is.EqualTo(new[] { "Grüße", "→ ✓", "Ende" }), $"split at {split}");
        }
    }

    [Test]
    public void Lines_Utf16SplitAtEveryByte_SplitsOnCharactersNotBytes()
    {
        // U+0A0D is 0x0D 0x0A in UTF-16LE: splitting bytes at 0x0A would cut it in half.
        var bytes = Encoding.Unicode.GetBytes("a\u0A0Db\r\nc");
        for (var split = 1; split < bytes.Length; split++)
        {
            var subject = new Subject<byte[]>();
            var lines = new List<string>();
            using var subscription = subject.Lines(Encoding.Unicode).Subscribe(lines.Add);

            subject.OnNext(bytes[..split]);
            subject.OnNext(bytes[split..]);
            subject.OnCompleted();

            Assert.That(lines, Is.EqualTo(new[] { "a\u0A0Db", "c" }), $"split at {split}");
        }
    }

    [Test]
    public void Lines_RemainderWithTrailingCr_EmitsItStripped()
    {
        var subject = new Subject<ReadOnlyMemory<byte>>();
        var lines = new List<string>();
        using var subscription = subject.Lines(Encoding.ASCII).Subscribe(lines.Add);

        subject.OnNext(Bytes("last\r"));
        subject.OnCompleted();

        Assert.That(lines, Is.EqualTo(new[] { "last" }));
    }

    [Test]
    public void Lines_LineLongerThanTheLimit_FailsAfterTheLinesBefore()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc\r\nabcd\r"), Chunk(220, "\n"), Chunk(230, "abcde"));

        var res = scheduler.Start(() => chunks.Lines(Encoding.ASCII, 4));

        // "abcd\r" waits for its LF without counting the CR; "abcde" is certain to be too long.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext abc", "220 OnNext abcd", "230 OnError TelnetBufferLimitExceededException" }));
    }

    [Test]
    public void Lines_SourceErrors_ForwardsTheErrorAndDropsTheUnfinishedLine()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a\nb"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.Lines(Encoding.ASCII));

        res.Messages.AssertEqual(OnNext(210, "a"), OnError<string>(220, boom));
    }

    [Test]
    public void Lines_Disposed_StopsEmitting()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a\n"), Chunk(1100, "b\n"));

        var res = scheduler.Start(() => chunks.Lines(Encoding.ASCII));

        res.Messages.AssertEqual(OnNext(210, "a"));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Test]
    public void Lines_BadLimit_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().Lines(Encoding.UTF8, 0));

        Assert.That(error!.ParamName, Is.EqualTo("maxLineLength"));
    }
}
