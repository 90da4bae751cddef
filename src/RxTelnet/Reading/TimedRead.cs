namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;

/// <summary>
/// The subscription shape shared by the one-shot reads (ReadUntil, Expect, ExpectText): buffer chunks until a
/// result, a timeout or the end of the stream, then emit exactly one element and complete, or fail.
/// </summary>
/// <remarks>
/// Rx's Sink pattern on public API. Every notification, the timer included, takes <see cref="_gate"/> and checks
/// <see cref="_done"/>, so a match and a timeout racing in the same tick produce exactly one terminal notification;
/// the first to take the gate wins and the other finds <see cref="_done"/> set.
/// </remarks>
/// <typeparam name="TResult">The one element emitted.</typeparam>
internal abstract class TimedRead<TResult> : IObserver<ReadOnlyMemory<byte>>, IDisposable
{
    private readonly object _gate = new();
    private readonly IObserver<TResult> _observer;
    private readonly SingleAssignmentDisposable _upstream = new();
    private readonly SingleAssignmentDisposable _timer = new();
    private bool _done;

    /// <summary>Creates the subscription.</summary>
    /// <param name="observer">The downstream observer.</param>
    protected TimedRead(IObserver<TResult> observer)
    {
        _observer = observer;
    }

    /// <summary>Subscribes to the source, then starts the timeout.</summary>
    /// <param name="source">The cooked data.</param>
    /// <param name="timeout">Zero to decide at once, <see cref="Timeout.InfiniteTimeSpan"/> to wait forever.</param>
    /// <param name="scheduler">Where the timeout runs.</param>
    public void Run(IObservable<ReadOnlyMemory<byte>> source, TimeSpan timeout, IScheduler scheduler)
    {
        _upstream.Disposable = source.SubscribeSafe(this);
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            // telnetlib looks at what is already there before it waits (a pattern may match the empty buffer).
            if (Attempt(TryCompleteBeforeWaiting))
            {
                return;
            }

            if (timeout == TimeSpan.Zero)
            {
                // telnetlib's timeout=0: what arrived during the subscription is all there is.
                Finish(ResultAtTimeout);
                return;
            }
        }

        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer.Disposable = scheduler.Schedule(this, timeout, static (_, self) =>
            {
                self.OnTimeout();
                return Disposable.Empty;
            });
        }
    }

    /// <inheritdoc/>
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

            // Inline rather than through Attempt: no delegate per chunk on the hot path.
            TResult result;
            bool complete;
            try
            {
                complete = TryComplete(value.Span, out result);
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }

            if (complete)
            {
                Emit(result);
            }
        }
    }

    /// <inheritdoc/>
    public void OnError(Exception error)
    {
        lock (_gate)
        {
            if (!_done)
            {
                Fail(error);
            }
        }
    }

    /// <inheritdoc/>
    public void OnCompleted()
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            if (!Attempt(TryResultAtEnd) && !_done)
            {
                // telnetlib raises EOFError when the connection closed and nothing was read.
                Fail(new TelnetEofException());
            }
        }
    }

    /// <summary>Stops listening and cancels the timeout; nothing is emitted afterwards.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
        }

        _upstream.Dispose();
        _timer.Dispose();
    }

    /// <summary>A callback that may produce the result.</summary>
    /// <param name="result">The result, when produced.</param>
    /// <returns>Whether there is a result.</returns>
    protected delegate bool TryProduce(out TResult result);

    /// <summary>Takes a chunk of cooked data.</summary>
    /// <param name="chunk">The bytes, never empty; only read during the call.</param>
    /// <param name="result">The result, when the chunk completes the read.</param>
    /// <returns>Whether the read is complete.</returns>
    protected abstract bool TryComplete(ReadOnlySpan<byte> chunk, out TResult result);

    /// <summary>Checks the empty buffer before waiting; by default there is nothing to find.</summary>
    /// <param name="result">The result, when the read is already complete.</param>
    /// <returns>Whether the read is complete.</returns>
    protected virtual bool TryCompleteBeforeWaiting(out TResult result)
    {
        result = default!;
        return false;
    }

    /// <summary>Produces the result when the timeout elapses: what was read.</summary>
    /// <returns>The result.</returns>
    protected abstract TResult ResultAtTimeout();

    /// <summary>Produces the result when the source completes first.</summary>
    /// <param name="result">The result, when something was read.</param>
    /// <returns><see langword="false"/> when nothing was read (the read then fails with <see cref="TelnetEofException"/>).</returns>
    protected abstract bool TryResultAtEnd(out TResult result);

    private void OnTimeout()
    {
        lock (_gate)
        {
            if (!_done)
            {
                Finish(ResultAtTimeout);
            }
        }
    }

    // Runs a callback that may throw (buffer limit, regex timeout, decoder fallback) and turns a failure into
    // OnError; the observer is called outside the try so that its own exceptions are not mistaken for ours.
    private bool Attempt(TryProduce produce)
    {
        TResult result;
        bool complete;
        try
        {
            complete = produce(out result);
        }
        catch (Exception e)
        {
            Fail(e);
            return true;
        }

        if (complete)
        {
            Emit(result);
        }

        return complete;
    }

    private void Finish(Func<TResult> produce)
    {
        TResult result;
        try
        {
            result = produce();
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        Emit(result);
    }

    private void Emit(TResult result)
    {
        _done = true;
        _observer.OnNext(result);
        _observer.OnCompleted();
        Release();
    }

    private void Fail(Exception error)
    {
        _done = true;
        _observer.OnError(error);
        Release();
    }

    private void Release()
    {
        _upstream.Dispose();
        _timer.Dispose();
    }
}
