namespace RxTelnet.Tests.Reading;

using System.Reactive;
using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;

/// <summary>Shared helpers for the reading operator tests: chunk builders, transcripts and a grammar check.</summary>
internal static class ReadingTestKit
{
    /// <summary>The bytes of a Latin-1 string (char c is byte c), as a cooked chunk.</summary>
    public static ReadOnlyMemory<byte> Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    /// <summary>A recorded cooked chunk at a virtual time.</summary>
    public static Recorded<Notification<ReadOnlyMemory<byte>>> Chunk(long ticks, string latin1) =>
        ReactiveTest.OnNext(ticks, Bytes(latin1));

    /// <summary>A recorded cooked chunk of raw bytes at a virtual time.</summary>
    public static Recorded<Notification<ReadOnlyMemory<byte>>> Chunk(long ticks, byte[] bytes) =>
        ReactiveTest.OnNext(ticks, (ReadOnlyMemory<byte>)bytes);

    /// <summary>The Latin-1 text of bytes.</summary>
    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Every way to cut <paramref name="text"/> into two non-empty chunks, plus one byte per chunk.</summary>
    public static IEnumerable<string[]> Chunkings(string text)
    {
        for (var i = 1; i < text.Length; i++)
        {
            yield return [text[..i], text[i..]];
        }

        yield return [.. text.Select(c => c.ToString())];
    }

    /// <summary>A hot source that delivers the chunks 10 ticks apart from 210 on.</summary>
    public static ITestableObservable<ReadOnlyMemory<byte>> HotChunks(TestScheduler scheduler, IEnumerable<string> chunks, bool complete = false)
    {
        var messages = chunks.Select((chunk, i) => Chunk(210 + (10 * i), chunk)).ToList();
        if (complete)
        {
            messages.Add(ReactiveTest.OnCompleted<ReadOnlyMemory<byte>>(210 + (10 * messages.Count)));
        }

        return scheduler.CreateHotObservable([.. messages]);
    }

    /// <summary>Projects messages to readable lines such as "300 OnNext login" (STYLE item 19: arrays compare by reference).</summary>
    public static List<string> Transcript<T>(IEnumerable<Recorded<Notification<T>>> messages, Func<T, string> format) =>
        [.. messages.Select(m => m.Value.Kind switch
        {
            NotificationKind.OnNext => $"{m.Time} OnNext {format(m.Value.Value)}",
            NotificationKind.OnError => $"{m.Time} OnError {m.Value.Exception!.GetType().Name}",
            _ => $"{m.Time} OnCompleted",
        })];

    /// <summary>Transcript of a byte-array stream, as Latin-1 text.</summary>
    public static List<string> Transcript(IEnumerable<Recorded<Notification<byte[]>>> messages) => Transcript(messages, Text);

    /// <summary>Transcript of an expect stream, in telnetlib's tuple form.</summary>
    public static List<string> Transcript(IEnumerable<Recorded<Notification<ExpectResult>>> messages) => Transcript(messages, r => r.ToString());

    /// <summary>Transcript of a string stream.</summary>
    public static List<string> Transcript(IEnumerable<Recorded<Notification<string>>> messages) => Transcript(messages, s => s);

    /// <summary>
    /// Fails on OnNext after a terminal notification, on a second terminal notification, or on overlapping calls
    /// (DynamicData's ValidateSynchronization).
    /// </summary>
    public static IObservable<T> ValidateGrammar<T>(this IObservable<T> source) =>
        Observable.Create<T>(observer =>
        {
            var terminated = false;
            var active = 0;
            void Enter(string what)
            {
                Assert.That(Interlocked.Increment(ref active), Is.EqualTo(1), $"{what} overlapped another call");
                Assert.That(terminated, Is.False, $"{what} after a terminal notification");
            }

            return source.Subscribe(
                value =>
                {
                    Enter("OnNext");
                    observer.OnNext(value);
                    Interlocked.Decrement(ref active);
                },
                error =>
                {
                    Enter("OnError");
                    terminated = true;
                    observer.OnError(error);
                    Interlocked.Decrement(ref active);
                },
                () =>
                {
                    Enter("OnCompleted");
                    terminated = true;
                    observer.OnCompleted();
                    Interlocked.Decrement(ref active);
                });
        });
}
