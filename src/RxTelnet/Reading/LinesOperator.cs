namespace RxTelnet.Reading;

using System.Reactive.Linq;
using System.Text;

/// <summary>The Lines operator: one <see cref="Decoder"/> and one pending-text queue per subscription.</summary>
internal static class LinesOperator
{
    public static IObservable<string> Create(IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, int maxLineLength) =>
        Observable.Create<string>(observer =>
        {
            var sink = new Sink(observer, encoding.GetDecoder(), maxLineLength);
            sink.Run(source);
            return sink;
        });

    /// <remarks>
    /// Splits decoded text, not bytes, so that encodings where byte 0x0A can occur inside a character (UTF-16) split
    /// correctly. Invariant: <c>_pending[.._scanned]</c> holds no LF.
    /// </remarks>
    private sealed class Sink(IObserver<string> observer, Decoder decoder, int maxLineLength) : StreamingSink<string>(observer)
    {
        private readonly SlidingArray<char> _pending = new(maxLineLength);
        private int _scanned;

        protected override void OnChunk(ReadOnlySpan<byte> chunk, List<string> ready)
        {
            Decode(chunk, flush: false);
            SplitLines(ready);
        }

        protected override void OnEnd(List<string> ready)
        {
            Decode([], flush: true);
            SplitLines(ready);
            if (_pending.Length > 0)
            {
                ready.Add(new string(StripCr(_pending.Span)));
                _pending.Clear();
            }
        }

        private static ReadOnlySpan<char> StripCr(ReadOnlySpan<char> line) => line.EndsWith('\r') ? line[..^1] : line;

        private void Decode(ReadOnlySpan<byte> bytes, bool flush)
        {
            var count = decoder.GetCharCount(bytes, flush);
            _pending.Advance(decoder.GetChars(bytes, _pending.GetAppendSpan(count), flush));
        }

        private void SplitLines(List<string> ready)
        {
            while (true)
            {
                var text = _pending.Span;
                var lf = text[_scanned..].IndexOf('\n');
                if (lf < 0)
                {
                    _scanned = text.Length;
                    break;
                }

                var line = StripCr(text[..(_scanned + lf)]);
                ThrowIfTooLong(line.Length);
                ready.Add(new string(line));
                _pending.Consume(_scanned + lf + 1);
                _scanned = 0;
            }

            // A trailing CR may yet turn out to be the first half of CR LF, so it does not count against the limit.
            ThrowIfTooLong(StripCr(_pending.Span).Length);
        }

        private void ThrowIfTooLong(int length)
        {
            if (length > maxLineLength)
            {
                throw new TelnetBufferLimitExceededException(nameof(maxLineLength), maxLineLength);
            }
        }
    }
}
