namespace RxTelnet.Reading;

using System.Reactive.Linq;

/// <summary>The SplitAfter operator: one <see cref="CookedBuffer"/> and one <see cref="UntilMatcher"/> per subscription.</summary>
internal static class SplitAfterOperator
{
    public static IObservable<byte[]> Create(IObservable<ReadOnlyMemory<byte>> source, byte[] delimiter, int maxSegmentLength) =>
        Observable.Create<byte[]>(observer =>
        {
            var sink = new Sink(observer, delimiter, maxSegmentLength);
            sink.Run(source);
            return sink;
        });

    private sealed class Sink(IObserver<byte[]> observer, byte[] delimiter, int maxSegmentLength) : StreamingSink<byte[]>(observer)
    {
        private readonly CookedBuffer _buffer = new(maxSegmentLength, "maxSegmentLength");
        private readonly UntilMatcher _matcher = new(delimiter);

        protected override void OnChunk(ReadOnlySpan<byte> chunk, List<byte[]> ready)
        {
            // The chunk goes in as pieces that fit, so a chunk longer than the limit may still hold many short segments.
            while (true)
            {
                chunk = chunk[_buffer.AppendWhatFits(chunk)..];
                int end;
                while ((end = _matcher.Find(_buffer)) >= 0)
                {
                    ready.Add(_buffer.Take(end));
                    _matcher.Reset();
                }

                if (chunk.IsEmpty)
                {
                    return;
                }

                // Full without a delimiter and more to come: this segment is longer than the limit.
                if (_buffer.Length == _buffer.MaxLength)
                {
                    throw _buffer.LimitExceeded();
                }
            }
        }

        protected override void OnEnd(List<byte[]> ready)
        {
            if (_buffer.Length > 0)
            {
                ready.Add(_buffer.TakeAll());
            }
        }
    }
}
