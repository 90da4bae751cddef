namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Linq;

/// <summary>The ReadUntil operator: one <see cref="CookedBuffer"/> and one <see cref="UntilMatcher"/> per subscription.</summary>
internal static class ReadUntilOperator
{
    public static IObservable<byte[]> Create(IObservable<ReadOnlyMemory<byte>> source, byte[] expected, TimeSpan timeout, IScheduler scheduler, int maxBufferLength) =>
        Observable.Create<byte[]>(observer =>
        {
            var subscription = new Subscription(observer, expected, maxBufferLength);
            subscription.Run(source, timeout, scheduler);
            return subscription;
        });

    private sealed class Subscription(IObserver<byte[]> observer, byte[] expected, int maxBufferLength) : TimedRead<byte[]>(observer)
    {
        private readonly CookedBuffer _buffer = new(maxBufferLength, nameof(TelnetObservable.DefaultMaxBufferLength));
        private readonly UntilMatcher _matcher = new(expected);

        protected override bool TryComplete(ReadOnlySpan<byte> chunk, out byte[] result)
        {
            // Append what fits first: a match inside the limit still counts when the chunk runs past it.
            var appended = _buffer.AppendWhatFits(chunk);
            var end = _matcher.Find(_buffer);
            if (end >= 0)
            {
                result = _buffer.Take(end);
                return true;
            }

            if (appended < chunk.Length)
            {
                throw _buffer.LimitExceeded();
            }

            result = [];
            return false;
        }

        protected override byte[] ResultAtTimeout() => _buffer.TakeAll();

        protected override bool TryResultAtEnd(out byte[] result)
        {
            result = _buffer.TakeAll();
            return result.Length > 0;
        }
    }
}
