namespace RxTelnet.Reading;

using System.Reactive.Linq;
using System.Text.RegularExpressions;

/// <summary>The Matches operator: one <see cref="CookedBuffer"/> and one <see cref="ExpectMatcher"/> per subscription.</summary>
internal static class MatchesOperator
{
    public static IObservable<ExpectResult> Create(IObservable<ReadOnlyMemory<byte>> source, Regex[] patterns, int maxBufferLength) =>
        Observable.Create<ExpectResult>(observer =>
        {
            var sink = new Sink(observer, patterns, maxBufferLength);
            sink.Run(source);
            return sink;
        });

    private sealed class Sink(IObserver<ExpectResult> observer, Regex[] patterns, int maxBufferLength) : StreamingSink<ExpectResult>(observer)
    {
        private readonly CookedBuffer _buffer = new(maxBufferLength, "maxBufferLength");
        private readonly ExpectMatcher _matcher = new(patterns, ExpectMatcher.DefaultMaxMatchLength);

        protected override void OnChunk(ReadOnlySpan<byte> chunk, List<ExpectResult> ready)
        {
            while (true)
            {
                chunk = chunk[_buffer.AppendWhatFits(chunk)..];

                // minEnd 1: an empty match at the start of the unmatched data is skipped (as Regex.Matches does),
                // so the stream always moves on; telnetlib's expect in a loop would return it forever.
                while (_matcher.TryMatch(_buffer, 1, out var index, out var match, out var end))
                {
                    ready.Add(new ExpectResult(index, match, _buffer.Take(end)));
                    _matcher.Consume(end);
                }

                if (chunk.IsEmpty)
                {
                    return;
                }

                if (_buffer.Length == _buffer.MaxLength)
                {
                    throw _buffer.LimitExceeded();
                }
            }
        }

        protected override void OnEnd(List<ExpectResult> ready)
        {
            if (_buffer.Length > 0)
            {
                ready.Add(new ExpectResult(-1, null, _buffer.TakeAll()));
            }
        }
    }
}
