namespace RxTelnet.Reading;

using System.Reactive.Disposables;

/// <summary>
/// The subscription shape shared by the streaming reading operators (SplitAfter, Matches, Decode, Lines): turn each
/// chunk into zero or more elements, flush what is left at completion, and fail once on a buffer limit or a
/// callback error.
/// </summary>
/// <remarks>
/// No lock: the source serialises its notifications (Rx grammar) and nothing else calls in. Elements produced by a
/// chunk are collected first and emitted after, so a failure half-way through a chunk still delivers the elements
/// before it, then exactly one OnError, and an exception thrown by the observer is never mistaken for ours.
/// </remarks>
/// <typeparam name="TResult">The elements emitted.</typeparam>
internal abstract class StreamingSink<TResult> : IObserver<ReadOnlyMemory<byte>>, IDisposable
{
    private readonly IObserver<TResult> _observer;
    private readonly List<TResult> _ready = [];
    private readonly SingleAssignmentDisposable _upstream = new();
    private bool _done;

    /// <summary>Creates the sink.</summary>
    /// <param name="observer">The downstream observer.</param>
    protected StreamingSink(IObserver<TResult> observer)
    {
        _observer = observer;
    }

    /// <summary>Subscribes to the source.</summary>
    /// <param name="source">The cooked data.</param>
    public void Run(IObservable<ReadOnlyMemory<byte>> source) => _upstream.Disposable = source.SubscribeSafe(this);

    /// <inheritdoc/>
    public void OnNext(ReadOnlyMemory<byte> value)
    {
        if (_done || value.IsEmpty)
        {
            return;
        }

        Exception? error = null;
        try
        {
            OnChunk(value.Span, _ready);
        }
        catch (Exception e)
        {
            error = e;
        }

        EmitReady(error);
    }

    /// <inheritdoc/>
    public void OnError(Exception error)
    {
        if (_done)
        {
            return;
        }

        // As with Rx's Buffer, what is buffered is dropped with the error: it is not a complete element.
        _done = true;
        _observer.OnError(error);
    }

    /// <inheritdoc/>
    public void OnCompleted()
    {
        if (_done)
        {
            return;
        }

        Exception? error = null;
        try
        {
            OnEnd(_ready);
        }
        catch (Exception e)
        {
            error = e;
        }

        EmitReady(error);
        if (!_done)
        {
            _done = true;
            _observer.OnCompleted();
        }
    }

    /// <summary>Stops listening; nothing is emitted afterwards.</summary>
    public void Dispose()
    {
        _done = true;
        _upstream.Dispose();
    }

    /// <summary>Takes a chunk and adds the elements it completes.</summary>
    /// <param name="chunk">The bytes, never empty; only read during the call.</param>
    /// <param name="ready">Where to add elements, in order.</param>
    protected abstract void OnChunk(ReadOnlySpan<byte> chunk, List<TResult> ready);

    /// <summary>Adds what is left at the end of the stream.</summary>
    /// <param name="ready">Where to add elements, in order.</param>
    protected abstract void OnEnd(List<TResult> ready);

    private void EmitReady(Exception? error)
    {
        try
        {
            // Checked per element: the observer may dispose the subscription from inside OnNext.
            for (var i = 0; i < _ready.Count && !_done; i++)
            {
                _observer.OnNext(_ready[i]);
            }
        }
        finally
        {
            _ready.Clear();
        }

        if (error is not null && !_done)
        {
            _done = true;
            _observer.OnError(error);
        }
    }
}
