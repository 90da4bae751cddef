namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class ExpectTextTests : ReactiveTest
{
    private static readonly TimeSpan Hundred = TimeSpan.FromTicks(100);

    [Test]
    public void ExpectText_MultiByteCharacterSplitAtEveryByte_MatchesOnce()
    {
        var bytes = Encoding.UTF8.GetBytes("Grüße → ✓ fertig");
        for (var split = 1; split < bytes.Length; split++)
        {
            var scheduler = new TestScheduler();
            var chunks = scheduler.CreateHotObservable(Chunk(210, bytes[..split]), Chunk(220, bytes[split..]));

            var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["✓ "], Hundred, scheduler).ValidateGrammar());

            Assert.That(Transcript(res.Messages, r => r.ToString()), Has.Count.EqualTo(2), $"split at {split}");
            Assert.That(res.Messages[0].Value.Value.Text, Is.EqualTo("Grüße → ✓ "), $"split at {split}");
        }
    }

    [Test]
    public void ExpectText_OneBytePerChunk_MatchesNonAsciiPattern()
    {
        var scheduler = new TestScheduler();
        var bytes = Encoding.UTF8.GetBytes("Prompt ünd → ");
        var chunks = scheduler.CreateHotObservable([.. bytes.Select((b, i) => Chunk(210 + i, [b]))]);

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["ünd (.) "], Hundred, scheduler));

        Assert.That(res.Messages[0].Value.Value.Match!.Groups[1].Value, Is.EqualTo("→"));
        Assert.That(res.Messages[0].Time, Is.EqualTo(210 + bytes.Length - 1), "matched when the last byte arrived");
    }

    [Test]
    public void ExpectText_LaterPatternMatchesEarlier_FirstPatternInListOrderWins()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab"));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.ASCII, ["b", "a"], Hundred, scheduler));

        Assert.That(Transcript(res.Messages, r => r.ToString()), Is.EqualTo(new[] { "210 OnNext (0, \"b\", \"ab\")", "210 OnCompleted" }));
    }

    [Test]
    public void ExpectText_TimeoutInsideACharacter_FlushesItAsReplacement()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, [(byte)'a', 0xE2, 0x86]));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["x"], Hundred, scheduler));

        Assert.That(Transcript(res.Messages, r => r.ToString()), Is.EqualTo(new[] { "300 OnNext (-1, None, \"a\uFFFD\")", "300 OnCompleted" }));
    }

    [Test]
    public void ExpectText_SourceCompletesWithText_ReturnsMinusOneWithText()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["x"], Hundred, scheduler));

        Assert.That(Transcript(res.Messages, r => r.ToString()), Is.EqualTo(new[] { "220 OnNext (-1, None, \"abc\")", "220 OnCompleted" }));
    }

    [Test]
    public void ExpectText_SourceCompletesEmpty_FailsWithEof()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["x"], Hundred, scheduler));

        res.Messages.AssertEqual(OnError<ExpectTextResult>(220, e => e is TelnetEofException));
    }

    [Test]
    public void ExpectText_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "abc"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["x"], Hundred, scheduler));

        res.Messages.AssertEqual(OnError<ExpectTextResult>(220, boom));
    }

    [Test]
    public void ExpectText_DisposedBeforeMatch_EmitsNothing()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ab"), Chunk(1100, "x"));

        var res = scheduler.Start(() => chunks.ExpectText(Encoding.UTF8, ["x"], TimeSpan.FromTicks(5000), scheduler));

        Assert.That(res.Messages, Is.Empty);
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Test]
    public void ExpectText_ZeroAndInfiniteTimeouts_DecideAtOnceOrWait()
    {
        var zero = new TestScheduler();
        var source = Observable.Return(Bytes("abc")).Concat(Observable.Never<ReadOnlyMemory<byte>>());
        var infinite = new TestScheduler();
        var late = infinite.CreateHotObservable(Chunk(990, "x"));

        var now = zero.Start(() => source.ExpectText(Encoding.UTF8, ["x"], TimeSpan.Zero, zero));
        var waited = infinite.Start(() => late.ExpectText(Encoding.UTF8, ["x"], Timeout.InfiniteTimeSpan, infinite));

        Assert.That(Transcript(now.Messages, r => r.ToString()), Is.EqualTo(new[] { "200 OnNext (-1, None, \"abc\")", "200 OnCompleted" }));
        Assert.That(Transcript(waited.Messages, r => r.ToString()), Is.EqualTo(new[] { "990 OnNext (0, \"x\", \"x\")", "990 OnCompleted" }));
    }

    [Test]
    public void ExpectText_NegativeTimeout_ThrowsNamingTimeout()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().ExpectText(Encoding.UTF8, ["x"], TimeSpan.FromTicks(-5)));

        Assert.That(error!.ParamName, Is.EqualTo("timeout"));
    }

    [Test]
    public void ExpectText_DecoderFallbackThrows_FailsTheStream()
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, [0xFF]));

        var res = scheduler.Start(() => chunks.ExpectText(strict, ["x"], Hundred, scheduler));

        res.Messages.AssertEqual(OnError<ExpectTextResult>(210, e => e is DecoderFallbackException));
    }
}
