namespace RxTelnet.Reading;

using System.Buffers;
using System.Reactive.Linq;
using System.Text;

/// <summary>The Decode operator: one <see cref="Decoder"/> per subscription, flushed at completion.</summary>
internal static class DecodeOperator
{
    public static IObservable<string> Create(IObservable<ReadOnlyMemory<byte>> source, Encoding encoding) =>
        Observable.Create<string>(observer =>
        {
            var sink = new Sink(observer, encoding.GetDecoder());
            sink.Run(source);
            return sink;
        });

    /// <summary>Decodes bytes with a decoder that keeps the bytes of an unfinished character for the next call.</summary>
    /// <param name="decoder">The decoder.</param>
    /// <param name="bytes">The bytes.</param>
    /// <param name="flush">Whether this is the end of the data.</param>
    /// <returns>The decoded text; empty when the bytes only started a character.</returns>
    public static string DecodeToString(Decoder decoder, ReadOnlySpan<byte> bytes, bool flush)
    {
        var count = decoder.GetCharCount(bytes, flush);
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var written = decoder.GetChars(bytes, rented, flush);
            return written == 0 ? string.Empty : new string(rented, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private sealed class Sink(IObserver<string> observer, Decoder decoder) : StreamingSink<string>(observer)
    {
        protected override void OnChunk(ReadOnlySpan<byte> chunk, List<string> ready) => Add(ready, DecodeToString(decoder, chunk, flush: false));

        protected override void OnEnd(List<string> ready) => Add(ready, DecodeToString(decoder, [], flush: true));

        private static void Add(List<string> ready, string text)
        {
            if (text.Length > 0)
            {
                ready.Add(text);
            }
        }
    }
}
