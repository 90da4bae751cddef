namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Reading.ReadingTestKit;

[TestFixture]
public sealed class DecodeTests : ReactiveTest
{
    [Test]
    public void Decode_MultiByteCharacterSplitAtEveryByte_DecodesWhole()
    {
        const string text = "Grüße → ✓ 😀!";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var split = 1; split < bytes.Length; split++)
        {
            var scheduler = new TestScheduler();
            var chunks = scheduler.CreateHotObservable(Chunk(210, bytes[..split]), Chunk(220, bytes[split..]), OnCompleted<ReadOnlyMemory<byte>>(230));

            var res = scheduler.Start(() => chunks.Decode(Encoding.UTF8).ValidateGrammar());

            var decoded = string.Concat(res.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value));
            Assert.That(decoded, Is.EqualTo(text), $"split at {split}");
            Assert.That(res.Messages.Where(m => m.Value.HasValue).All(m => m.Value.Value.Length > 0), Is.True, "no empty strings");
        }
    }

    [Test]
    public void Decode_OneBytePerChunk_EmitsWhenEachCharacterCompletes()
    {
        var scheduler = new TestScheduler();
        var bytes = Encoding.UTF8.GetBytes("a→");
        var chunks = scheduler.CreateHotObservable([.. bytes.Select((b, i) => Chunk(210 + (10 * i), [b]))]);

        var res = scheduler.Start(() => chunks.Decode(Encoding.UTF8));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a", "240 OnNext →" }));
    }

    [Test]
    public void Decode_CompletesInsideACharacter_FlushesReplacement()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, [(byte)'a', 0xE2]), OnCompleted<ReadOnlyMemory<byte>>(220));

        var res = scheduler.Start(() => chunks.Decode(Encoding.UTF8));

        Assert.That(Transcript(res.Messages), Is.EqualTo(new[] { "210 OnNext a", "220 OnNext \uFFFD", "220 OnCompleted" }));
    }

    [Test]
    public void Decode_SourceErrors_ForwardsTheError()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ok"), OnError<ReadOnlyMemory<byte>>(220, boom));

        var res = scheduler.Start(() => chunks.Decode(Encoding.UTF8));

        res.Messages.AssertEqual(OnNext(210, "ok"), OnError<string>(220, boom));
    }

    [Test]
    public void Decode_StrictEncodingAndInvalidBytes_FailsTheStream()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(Chunk(210, "ok"), Chunk(220, [0xFF]));

        var res = scheduler.Start(() => chunks.Decode(new UTF8Encoding(false, throwOnInvalidBytes: true)));

        res.Messages.AssertEqual(OnNext(210, "ok"), OnError<string>(220, e => e is DecoderFallbackException));
    }

    [Test]
    public void Decode_ByteArraySource_Works()
    {
        var subject = new Subject<byte[]>();
        var text = new StringBuilder();
        using var subscription = subject.Decode(Encoding.UTF8).Subscribe(s => text.Append(s));

        subject.OnNext([0xE2, 0x9C]);
        subject.OnNext([0x93]);

        Assert.That(text.ToString(), Is.EqualTo("✓"));
    }
}
