namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class IdleFlushTests : ReactiveTest
{
    private static readonly TimeSpan Fifty = TimeSpan.FromTicks(50);

    [Test]
    public void IdleFlush_PromptWithoutNewline_EmitsAfterTheQuietPeriod()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "Pass"), Chunk(230, "word: "), Chunk(400, "x"));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler).ValidateGrammar());

        // Each chunk restarts the timer: 230 + 50 and 400 + 50.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "280 OnNext Password: ", "450 OnNext x" }));
    }

    [Test]
    public void IdleFlush_ChunkInTheTickTheTimerIsDue_FlushesOnceWithEverything()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), Chunk(260, "b"));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler).ValidateGrammar());

        // The chunk at 260 was scheduled before the timer due at 260, so it restarts the timer; the stale one does nothing.
        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "310 OnNext ab" }));
    }

    [Test]
    public void IdleFlush_SourceCompletes_EmitsWhatIsBufferedThenCompletes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler).ValidateGrammar());

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "220 OnNext a", "220 OnCompleted" }));
    }

    [Test]
    public void IdleFlush_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler));

        res.Messages.AssertEqual(OnError<byte[]>(220, boom));
    }

    [Test]
    public void IdleFlush_DisposedBeforeQuiet_EmitsNothing()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(990, "a"));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler));

        Assert.That(res.Messages, Is.Empty);
        chunks.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Test]
    public void IdleFlush_ZeroQuiet_EmitsEachChunkAsItArrives()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), Chunk(220, "b"));

        var res = scheduler.Start(() => chunks.IdleFlush(TimeSpan.Zero, scheduler));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a", "220 OnNext b" }));
    }

    [Test]
    public void IdleFlush_InfiniteQuiet_EmitsOnlyAtCompletion()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "a"), Chunk(500, "b"), OnCompleted<ReadOnlyMemory<byte>>(900));

        var res = scheduler.Start(() => chunks.IdleFlush(Timeout.InfiniteTimeSpan, scheduler));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "900 OnNext ab", "900 OnCompleted" }));
    }

    [Test]
    public void IdleFlush_SourceThatNeverPauses_FlushesWhenTheBufferIsFull()
    {
        var scheduler = new TestScheduler();
        var half = new byte[TelnetObservable.DefaultMaxBufferLength / 2];
        var chunks = scheduler.CreateHotObservable(Chunk(210, half), Chunk(220, half), Chunk(230, "x"));

        var res = scheduler.Start(() => chunks.IdleFlush(Fifty, scheduler));

        res.Messages.AssertEqual(
            OnNext<byte[]>(220, b => b.Length == TelnetObservable.DefaultMaxBufferLength),
            OnNext<byte[]>(280, b => Text(b) == "x"));
    }

    [Test]
    public void IdleFlush_NegativeQuiet_ThrowsNamingQuiet()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Never<ReadOnlyMemory<byte>>().IdleFlush(TimeSpan.FromTicks(-1)));

        Assert.That(error!.ParamName, Is.EqualTo("quiet"));
    }
}
