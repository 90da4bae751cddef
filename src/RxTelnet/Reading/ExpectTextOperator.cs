namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// The ExpectText operator: one <see cref="Decoder"/> and one <see cref="IncrementalRegexSearch"/> per subscription,
/// so a character split across chunks is decoded whole before it is matched.
/// </summary>
internal static class ExpectTextOperator
{
    public static IObservable<ExpectTextResult> Create(IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, Regex[] patterns, TimeSpan timeout, IScheduler scheduler, int maxBufferLength) =>
        Observable.Create<ExpectTextResult>(observer =>
        {
            var subscription = new Subscription(observer, encoding, patterns, maxBufferLength);
            subscription.Run(source, timeout, scheduler);
            return subscription;
        });

    private sealed class Subscription(IObserver<ExpectTextResult> observer, Encoding encoding, Regex[] patterns, int maxBufferLength) : TimedRead<ExpectTextResult>(observer)
    {
        private readonly Decoder _decoder = encoding.GetDecoder();
        private readonly IncrementalRegexSearch _search = new(patterns, ExpectMatcher.DefaultMaxMatchLength, maxBufferLength);

        protected override bool TryComplete(ReadOnlySpan<byte> chunk, out ExpectTextResult result)
        {
            Decode(chunk, flush: false);
            if (TryCompleteBeforeWaiting(out result))
            {
                return true;
            }

            if (_search.Length > maxBufferLength)
            {
                throw new TelnetBufferLimitExceededException(nameof(TelnetObservable.DefaultMaxBufferLength), maxBufferLength);
            }

            return false;
        }

        protected override bool TryCompleteBeforeWaiting(out ExpectTextResult result)
        {
            if (_search.TryMatch(0, out var index, out var match, out var end))
            {
                result = new ExpectTextResult(index, match, new string(_search.Span[..end]));
                return true;
            }

            result = null!;
            return false;
        }

        // The read is over either way, so bytes of a character cut off by the timeout are flushed (as U+FFFD with
        // the default fallback) rather than silently left out of the text.
        protected override ExpectTextResult ResultAtTimeout()
        {
            Decode([], flush: true);
            return new ExpectTextResult(-1, null, new string(_search.Span));
        }

        protected override bool TryResultAtEnd(out ExpectTextResult result)
        {
            Decode([], flush: true);
            result = new ExpectTextResult(-1, null, new string(_search.Span));
            return result.Text.Length > 0;
        }

        private void Decode(ReadOnlySpan<byte> bytes, bool flush)
        {
            var count = _decoder.GetCharCount(bytes, flush);
            var written = _decoder.GetChars(bytes, _search.GetAppendSpan(count), flush);
            _search.Advance(written);
        }
    }
}
