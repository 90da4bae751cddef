namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

/// <summary>
/// The IdleFlush operator: a debounce that keeps every byte. Each chunk restarts the quiet timer; when it elapses,
/// everything buffered since the last flush is emitted as one array.
/// </summary>
internal static class IdleFlushOperator
{
    public static IObservable<byte[]> Create(IObservable<ReadOnlyMemory<byte>> source, TimeSpan quiet, IScheduler scheduler, int flushLength) =>
        Observable.Create<byte[]>(observer =>
        {
            var subscription = new Subscription(observer, quiet, scheduler, flushLength);
            subscription.Run(source);
            return subscription;
        });

    /// <remarks>
    /// Stale timers are fenced as in Rx's Throttle: each chunk bumps <see cref="_epoch"/> and replaces the timer in
    /// <see cref="_timer"/>; a timer that fires with an old epoch (it lost a race with a newer chunk) does nothing.
    /// </remarks>
    private sealed class Subscription(IObserver<byte[]> observer, TimeSpan quiet, IScheduler scheduler, int flushLength) : IObserver<ReadOnlyMemory<byte>>, IDisposable
    {
        private readonly object _gate = new();
        private readonly SlidingArray<byte> _buffer = new(flushLength);
        private readonly SerialDisposable _timer = new();
        private readonly SingleAssignmentDisposable _upstream = new();
        private ulong _epoch;
        private bool _done;

        public void Run(IObservable<ReadOnlyMemory<byte>> source) => _upstream.Disposable = source.SubscribeSafe(this);

        public void OnNext(ReadOnlyMemory<byte> value)
        {
            if (value.IsEmpty)
            {
                return;
            }

            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                _buffer.Append(value.Span);
                var epoch = ++_epoch;
                if (quiet == TimeSpan.Zero || _buffer.Length >= flushLength)
                {
                    // No quiet period to wait for, or a stream that never pauses: flush now rather than grow.
                    _timer.Disposable = Disposable.Empty;
                    Flush();
                }
                else if (quiet != Timeout.InfiniteTimeSpan)
                {
                    _timer.Disposable = scheduler.Schedule((this, epoch), quiet, static (_, state) =>
                    {
                        state.Item1.OnQuiet(state.epoch);
                        return Disposable.Empty;
                    });
                }
            }
        }

        public void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                _done = true;
                _timer.Dispose();
                observer.OnError(error);
            }
        }

        public void OnCompleted()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                _timer.Dispose();
                Flush();
                _done = true;
                observer.OnCompleted();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _done = true;
            }

            _upstream.Dispose();
            _timer.Dispose();
        }

        private void OnQuiet(ulong epoch)
        {
            lock (_gate)
            {
                if (!_done && epoch == _epoch)
                {
                    Flush();
                }
            }
        }

        private void Flush()
        {
            if (_buffer.Length == 0)
            {
                return;
            }

            var data = _buffer.Span.ToArray();
            _buffer.Clear();
            observer.OnNext(data);
        }
    }
}
