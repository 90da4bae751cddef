namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.RegularExpressions;

/// <summary>The Expect operator: one <see cref="CookedBuffer"/> and one <see cref="ExpectMatcher"/> per subscription.</summary>
internal static class ExpectOperator
{
    public static IObservable<ExpectResult> Create(IObservable<ReadOnlyMemory<byte>> source, Regex[] patterns, TimeSpan timeout, IScheduler scheduler, int maxBufferLength) =>
        Observable.Create<ExpectResult>(observer =>
        {
            var subscription = new Subscription(observer, patterns, maxBufferLength);
            subscription.Run(source, timeout, scheduler);
            return subscription;
        });

    private sealed class Subscription(IObserver<ExpectResult> observer, Regex[] patterns, int maxBufferLength) : TimedRead<ExpectResult>(observer)
    {
        private readonly CookedBuffer _buffer = new(maxBufferLength, nameof(TelnetObservable.DefaultMaxBufferLength));
        private readonly ExpectMatcher _matcher = new(patterns, ExpectMatcher.DefaultMaxMatchLength);

        protected override bool TryComplete(ReadOnlySpan<byte> chunk, out ExpectResult result)
        {
            var appended = _buffer.AppendWhatFits(chunk);
            if (TryCompleteBeforeWaiting(out result))
            {
                return true;
            }

            if (appended < chunk.Length)
            {
                throw _buffer.LimitExceeded();
            }

            return false;
        }

        protected override bool TryCompleteBeforeWaiting(out ExpectResult result)
        {
            if (_matcher.TryMatch(_buffer, out var index, out var match, out var end))
            {
                result = new ExpectResult(index, match, _buffer.Take(end));
                return true;
            }

            result = null!;
            return false;
        }

        protected override ExpectResult ResultAtTimeout() => new(-1, null, _buffer.TakeAll());

        protected override bool TryResultAtEnd(out ExpectResult result)
        {
            result = new ExpectResult(-1, null, _buffer.TakeAll());
            return result.Data.Length > 0;
        }
    }
}
