namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;

/// <summary>
/// The shared state of one conversation: the single subscription to the source, the bytes no step has taken yet, the
/// one step that reads them now and the steps waiting their turn, in the order they subscribed.
/// </summary>
/// <remarks>
/// <para>
/// Everything happens under one lock: appending a chunk, a step's evaluation, its timer, its disposal. A step consumes
/// from the front of the buffer before it tells its observer, and a one-shot step stops reading before it does, so an
/// observer that subscribes the next step from inside <c>OnNext</c> (as <c>SelectMany</c> and <c>Concat</c> do) finds
/// the buffer exactly as the previous step left it. The lock is re-entrant, so that nested subscription runs on the
/// same stack. A step that subscribes while another reads waits its turn (its timeout runs meanwhile); the next
/// waiting step starts reading only after the previous one has told its observer everything, so results come out in
/// the order the steps subscribed.
/// </para>
/// <para>
/// The source ends the conversation's input for good: after <c>OnCompleted</c>, <c>OnError</c>, or a chunk that does not
/// fit in the buffer, steps still read what is buffered and then fail with the source's error, the limit, or
/// <see cref="TelnetEofException"/>.
/// </para>
/// </remarks>
internal sealed class ConversationCore : IObserver<ReadOnlyMemory<byte>>, IDisposable
{
    private readonly object _gate = new();
    private readonly List<ConversationStep> _waiting = [];
    private ConversationStep? _current;
    private bool _disposed;

    public ConversationCore(IScheduler scheduler, int maxBufferLength, int maxMatchLength)
    {
        Scheduler = scheduler;
        Buffer = new CookedBuffer(maxBufferLength, "maxBufferLength");
        MaxMatchLength = maxMatchLength;
    }

    /// <summary>Gets the scheduler every step's timer runs on.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Gets the longest regular-expression match that is found for sure.</summary>
    public int MaxMatchLength { get; }

    /// <summary>Gets the unread bytes; only touched under the lock.</summary>
    public CookedBuffer Buffer { get; }

    /// <summary>Gets a value indicating whether no more input will come.</summary>
    public bool Ended { get; private set; }

    /// <summary>Gets why the input ended, when not by a clean completion.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Gets how many bytes are unread (a test hook).</summary>
    internal int Unread
    {
        get
        {
            lock (_gate)
            {
                return Buffer.Length;
            }
        }
    }

    /// <summary>Gets the lock every step evaluates under.</summary>
    internal object Gate => _gate;

    /// <summary>
    /// Gets or sets what asks a pull source for more input; called under the lock whenever the reading step waits
    /// for more. Null for a push source (an observable), which delivers on its own.
    /// </summary>
    internal Action? Demand { get; set; }

    public void OnNext(ReadOnlyMemory<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            if (Ended || _disposed)
            {
                return;
            }

            var fitted = Buffer.AppendWhatFits(value.Span);
            if (fitted < value.Length)
            {
                // Nothing is dropped silently: the input ends here with the limit as its error.
                End(new TelnetBufferLimitExceededException("maxBufferLength", Buffer.MaxLength, (long)Buffer.Length - fitted + value.Length));
                return;
            }

            _current?.Evaluate(StepTrigger.Data);
        }
    }

    public void OnError(Exception error)
    {
        lock (_gate)
        {
            if (!Ended && !_disposed)
            {
                End(error);
            }
        }
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            if (!Ended && !_disposed)
            {
                End(null);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
    }

    /// <summary>
    /// Makes <paramref name="step"/> the reader, or queues it behind the steps before it; evaluates it against what is
    /// buffered once it reads; starts its timer.
    /// </summary>
    /// <param name="step">The step.</param>
    /// <param name="timeout">Its timeout, from now; infinite for none; zero decides on what is buffered now.</param>
    public void Attach(ConversationStep step, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (step.IsDone)
            {
                // Disposed before it could start.
                return;
            }

            if (_disposed)
            {
                step.Reject(new ObjectDisposedException(nameof(TelnetConversation), "The conversation has ended; its steps can no longer read."));
                return;
            }

            if (_current is not null || _waiting.Count > 0)
            {
                _waiting.Add(step);
            }
            else
            {
                _current = step;
                step.Evaluate(Ended ? StepTrigger.End : StepTrigger.Start);
            }

            if (step.IsDone)
            {
                return;
            }

            if (timeout == TimeSpan.Zero)
            {
                step.OnTimer();
                return;
            }
        }

        if (timeout != Timeout.InfiniteTimeSpan)
        {
            // Scheduled outside the lock; if the step finished meanwhile, its timer disposable is already disposed and
            // disposes this one at once.
            step.SetTimer(Scheduler.Schedule(step, timeout, static (_, s) =>
            {
                s.OnTimer();
                return Disposable.Empty;
            }));
        }
    }

    /// <summary>Takes <paramref name="step"/> out: it no longer reads or waits. Called under the lock.</summary>
    /// <param name="step">The step.</param>
    public void Release(ConversationStep step)
    {
        if (ReferenceEquals(_current, step))
        {
            _current = null;
        }
        else
        {
            _waiting.Remove(step);
        }
    }

    /// <summary>Lets the first waiting step read, if no step reads. Called under the lock, after a step told its observer.</summary>
    public void Promote()
    {
        while (_current is null && _waiting.Count > 0 && !_disposed)
        {
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            _current = next;
            next.Evaluate(Ended ? StepTrigger.End : StepTrigger.Start);
        }
    }

    /// <summary>Asks a pull source for more when <paramref name="step"/> reads and waits. Called under the lock.</summary>
    /// <param name="step">The step that was just evaluated.</param>
    public void RequestMore(ConversationStep step)
    {
        if (Demand is { } demand && !Ended && !_disposed && ReferenceEquals(_current, step))
        {
            demand();
        }
    }

    /// <summary>Asks a pull source for more if the reading step waits. Called under the lock.</summary>
    public void RequestMoreForReader()
    {
        if (_current is { IsDone: false } reader)
        {
            RequestMore(reader);
        }
    }

    /// <summary>Ends the conversation and takes what no step has read, to hand it back to where it came from.</summary>
    /// <returns>The unread bytes, oldest first.</returns>
    public byte[] TakeUnreadAndClose()
    {
        lock (_gate)
        {
            _disposed = true;
            return Buffer.TakeAll();
        }
    }

    /// <summary>Gets whether <paramref name="step"/> is the reader. Called under the lock.</summary>
    /// <param name="step">The step.</param>
    /// <returns>Whether it is.</returns>
    public bool IsReader(ConversationStep step) => ReferenceEquals(_current, step);

    private void End(Exception? fault)
    {
        Ended = true;
        Fault = fault;
        _current?.Evaluate(StepTrigger.End);
    }
}

/// <summary>Why a step is evaluated.</summary>
internal enum StepTrigger
{
    /// <summary>It has just become the reader.</summary>
    Start,

    /// <summary>A chunk was appended.</summary>
    Data,

    /// <summary>Its timer fired.</summary>
    Timeout,

    /// <summary>The input ended (cleanly or not); see <see cref="ConversationCore.Fault"/>.</summary>
    End,
}
