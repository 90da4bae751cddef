namespace RxTelnet.Session;

using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <content>The sequential read API: reads that consume the cooked queue, telnetlib's way.</content>
public sealed partial class TelnetSession
{
    private PendingRead? _pending;

    private enum ReadTrigger
    {
        Start,
        Data,
        Timeout,
        End,
    }

    /// <summary>
    /// Reads until <paramref name="expected"/> is seen, or until <paramref name="timeout"/> passes, on the session's scheduler.
    /// </summary>
    /// <param name="expected">The bytes to wait for (not empty).</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever; zero to look only at what is buffered.</param>
    /// <returns>One element, then completion: see the remarks.</returns>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <remarks>
    /// telnetlib's <c>read_until</c>, one read per subscription, linear in the data examined.
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>match</term><description>emits the data up to and including <paramref name="expected"/>; what follows stays queued for the next read</description></item>
    /// <item><term>timeout</term><description>emits everything buffered (possibly empty)</description></item>
    /// <item><term>end of stream</term><description>emits everything buffered if any; otherwise fails with <see cref="TelnetEofException"/> (or the transport's error)</description></item>
    /// <item><term>buffer limit</term><description>fails with <see cref="TelnetBufferLimitExceededException"/> when <see cref="TelnetSessionOptions.MaxBufferedBytes"/> fills before a match; what was buffered stays readable through <see cref="ReadBuffered"/></description></item>
    /// <item><term>another read pending</term><description>fails with <see cref="InvalidOperationException"/>: sequential reads run one at a time</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Expect(IReadOnlyList{Regex}, TimeSpan)"/>
    public IObservable<byte[]> ReadUntil(ReadOnlyMemory<byte> expected, TimeSpan timeout) =>
        ReadUntil(expected, timeout, _options.Scheduler);

    /// <inheritdoc cref="ReadUntil(ReadOnlyMemory{byte}, TimeSpan)"/>
    /// <param name="expected">The bytes to wait for (not empty).</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever; zero to look only at what is buffered.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    public IObservable<byte[]> ReadUntil(ReadOnlyMemory<byte> expected, TimeSpan timeout, IScheduler scheduler)
    {
        if (expected.IsEmpty)
        {
            throw new ArgumentException("The expected bytes must not be empty.", nameof(expected));
        }

        CheckTimeout(timeout);
        ArgumentNullException.ThrowIfNull(scheduler);
        var needle = expected.ToArray();
        return CreateRead(timeout, scheduler, () => UntilEvaluator(needle, TakeArray, null));
    }

    /// <summary>Reads until <paramref name="expected"/> is seen; see <see cref="ReadUntil(ReadOnlyMemory{byte}, TimeSpan)"/>.</summary>
    /// <param name="expected">The bytes to wait for (not empty).</param>
    /// <param name="timeout">How long to wait; null or <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Abandons the read (nothing is consumed).</param>
    /// <returns>The data read.</returns>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="TelnetEofException">The connection closed with nothing buffered.</exception>
    public Task<byte[]> ReadUntilAsync(ReadOnlyMemory<byte> expected, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ReadUntilCoreAsync(expected, timeout, cancellationToken, TakeArray, null);

    /// <summary>
    /// Reads until <paramref name="expected"/> is seen, writing the data read into <paramref name="destination"/> instead of
    /// a new array: <see cref="ReadUntilAsync(ReadOnlyMemory{byte}, TimeSpan?, CancellationToken)"/> for readers that
    /// reuse their memory.
    /// </summary>
    /// <param name="expected">The bytes to wait for (not empty).</param>
    /// <param name="destination">
    /// Receives the data read, up to and including <paramref name="expected"/>, in one <c>GetSpan</c>/<c>Advance</c>
    /// when the read completes (on the thread that completes it, possibly under the session's lock: do not touch the
    /// writer until the task completes, and do not call back into the session from it). Nothing is written when the read
    /// fails or is cancelled.
    /// </param>
    /// <param name="timeout">How long to wait; null or <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Abandons the read (nothing is consumed or written).</param>
    /// <returns>The number of bytes written: the same bytes, on match, timeout and end of stream, as the array the other overload returns.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="TelnetEofException">The connection closed with nothing buffered.</exception>
    public Task<int> ReadUntilAsync(ReadOnlyMemory<byte> expected, IBufferWriter<byte> destination, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return ReadUntilCoreAsync(expected, timeout, cancellationToken, TakeInto, destination);
    }

    /// <summary>
    /// Reads until one of <paramref name="patterns"/> matches, or until <paramref name="timeout"/> passes (telnetlib's <c>expect</c>).
    /// </summary>
    /// <param name="patterns">Regular expressions over the bytes read as Latin-1 (byte n is char n, as Python's bytes patterns).</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever; zero to look only at what is buffered.</param>
    /// <returns>One element, then completion: see the remarks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <remarks>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>match</term><description>the first pattern in list order that matches wins: (its index, the match, the data up to and including the match); what follows stays queued</description></item>
    /// <item><term>timeout</term><description>(-1, null, everything buffered)</description></item>
    /// <item><term>end of stream</term><description>(-1, null, everything buffered) if anything is; otherwise fails with <see cref="TelnetEofException"/></description></item>
    /// </list>
    /// Matches longer than <see cref="TelnetSessionOptions.MaxMatchLength"/> may be missed when they straddle chunks; that bound keeps the search linear.
    /// </remarks>
    /// <seealso cref="ReadUntil(ReadOnlyMemory{byte}, TimeSpan)"/>
    public IObservable<ExpectResult> Expect(IReadOnlyList<Regex> patterns, TimeSpan timeout) =>
        Expect(patterns, timeout, _options.Scheduler);

    /// <inheritdoc cref="Expect(IReadOnlyList{Regex}, TimeSpan)"/>
    /// <param name="patterns">Regular expressions over the bytes read as Latin-1.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    public IObservable<ExpectResult> Expect(IReadOnlyList<Regex> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0)
        {
            throw new ArgumentException("At least one pattern is needed.", nameof(patterns));
        }

        for (var i = 0; i < patterns.Count; i++)
        {
            if (patterns[i] is null)
            {
                throw new ArgumentNullException(nameof(patterns), $"Pattern {i} is null.");
            }
        }

        CheckTimeout(timeout);
        ArgumentNullException.ThrowIfNull(scheduler);
        var list = patterns.ToArray();
        var window = _options.MaxMatchLength;
        return CreateRead<ExpectResult>(timeout, scheduler, () =>
        {
            var matcher = new ExpectMatcher(list, window);
            return (buffer, trigger, eof, fault) =>
            {
                if (matcher.TryMatch(buffer, out var index, out var match, out var end))
                {
                    // One read, one match: the matcher is discarded with the read, so no Consume is needed.
                    return ReadOutcome<ExpectResult>.Done(new ExpectResult(index, match, buffer.Take(end)));
                }

                if (trigger == ReadTrigger.Timeout || (eof && buffer.Length > 0 && fault is not TelnetBufferLimitExceededException))
                {
                    return ReadOutcome<ExpectResult>.Done(new ExpectResult(-1, null, buffer.TakeAll()));
                }

                return eof ? ReadOutcome<ExpectResult>.Fail(fault ?? new TelnetEofException()) : default;
            };
        });
    }

    /// <summary>Reads until one of <paramref name="patterns"/> matches; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan)"/>.</summary>
    /// <param name="patterns">Regular expressions over the bytes read as Latin-1.</param>
    /// <param name="timeout">How long to wait; null to wait for ever.</param>
    /// <param name="cancellationToken">Abandons the read (nothing is consumed).</param>
    /// <returns>The result.</returns>
    /// <exception cref="TelnetEofException">The connection closed with nothing buffered.</exception>
    public Task<ExpectResult> ExpectAsync(IReadOnlyList<Regex> patterns, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect(patterns, timeout ?? Timeout.InfiniteTimeSpan).ToTask(cancellationToken);

    /// <summary>Reads everything until the connection closes (telnetlib's <c>read_all</c>); empty at end of stream.</summary>
    /// <returns>One element, then completion.</returns>
    /// <remarks>
    /// Every byte up to the end of stream is returned, however much that is, up to
    /// <see cref="TelnetSessionOptions.MaxReadAllBytes"/> (256 MiB unless set): while it waits, the queue's own limit
    /// <see cref="TelnetSessionOptions.MaxBufferedBytes"/> does not apply, so it does not cut the read short. Past
    /// <see cref="TelnetSessionOptions.MaxReadAllBytes"/> the read fails with <see cref="TelnetBufferLimitExceededException"/>
    /// (<c>LimitName</c> <c>"MaxReadAllBytes"</c>) and the session closes with <see cref="TelnetCloseReason.BufferLimitExceeded"/>;
    /// what was received stays readable through <see cref="ReadBuffered"/>. A limit is never reported as an end of stream.
    /// Cancelled, it consumes nothing.
    /// A transport error after some data returns that data, as before; with nothing read it fails with the error.
    /// </remarks>
    public IObservable<byte[]> ReadAll() =>
        CreateRead(Timeout.InfiniteTimeSpan, _options.Scheduler, () => ReadAllEvaluator(_options.MaxReadAllBytes), takesEverything: true);

    /// <summary>Reads everything until the connection closes; see <see cref="ReadAll()"/>.</summary>
    /// <param name="cancellationToken">Abandons the read.</param>
    /// <returns>The data read.</returns>
    public Task<byte[]> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAll().ToTask(cancellationToken);

    /// <summary>Reads at least one byte unless at end of stream (telnetlib's <c>read_some</c>): all that is buffered, waiting for data if nothing is; empty at end of stream.</summary>
    /// <returns>One element, then completion.</returns>
    public IObservable<byte[]> ReadSome() =>
        CreateRead<byte[]>(Timeout.InfiniteTimeSpan, _options.Scheduler, static () => static (buffer, trigger, eof, fault) =>
            buffer.Length > 0 ? ReadOutcome<byte[]>.Done(buffer.TakeAll())
            : !eof ? default
            : fault is null ? ReadOutcome<byte[]>.Done([])
            : ReadOutcome<byte[]>.Fail(fault));

    /// <summary>Reads at least one byte unless at end of stream; see <see cref="ReadSome()"/>.</summary>
    /// <param name="cancellationToken">Abandons the read.</param>
    /// <returns>The data read; empty at end of stream.</returns>
    public Task<byte[]> ReadSomeAsync(CancellationToken cancellationToken = default) => ReadSome().ToTask(cancellationToken);

    /// <summary>
    /// Returns everything buffered without waiting (telnetlib's <c>read_very_eager</c>, <c>read_eager</c>,
    /// <c>read_lazy</c> and <c>read_very_lazy</c>: RxTelnet parses data as it arrives, so all four see the same queue).
    /// </summary>
    /// <returns>The buffered data; empty when nothing is buffered and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The connection closed and nothing is buffered.</exception>
    /// <exception cref="InvalidOperationException">A sequential read is pending, or <see cref="TelnetSessionOptions.QueueForReads"/> is false.</exception>
    public byte[] ReadBuffered()
    {
        EnsureQueueForReads();
        lock (_gate)
        {
            if (_pending is not null)
            {
                throw new InvalidOperationException("A sequential read is pending; reads consume the queue one at a time.");
            }

            if (_buffer.Length == 0 && _eof)
            {
                // A limit is an error, never an end of stream.
                throw _fault switch
                {
                    null => new TelnetEofException(),
                    TelnetBufferLimitExceededException limit => limit,
                    _ => new TelnetException("The connection failed.", _fault),
                };
            }

            var data = _buffer.TakeAll();
            UpdateReceiving();
            return data;
        }
    }

    /// <summary>
    /// Both <c>ReadUntilAsync</c> overloads: arguments checked first, then a prompt already queued is taken at once (no
    /// subscription, no timer, no continuation hop); otherwise the same read as <c>ReadUntil</c>, completing a task
    /// directly instead of through an observable.
    /// </summary>
    private Task<T> ReadUntilCoreAsync<T>(ReadOnlyMemory<byte> expected, TimeSpan? timeout, CancellationToken cancellationToken, Take<T> take, object? state)
    {
        if (expected.IsEmpty)
        {
            throw new ArgumentException("The expected bytes must not be empty.", nameof(expected));
        }

        var limit = timeout ?? Timeout.InfiniteTimeSpan;
        CheckTimeout(limit);
        if (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_pending is null && _buffer.IndexOf(expected.Span, 0, out _) is var at and >= 0)
                {
                    var data = take(_buffer, at + expected.Length, state);
                    UpdateReceiving();
                    return Task.FromResult(data);
                }
            }
        }

        return StartReadTask(limit, _options.Scheduler, UntilEvaluator(expected.ToArray(), take, state), cancellationToken);
    }

    /// <summary>Takes the first bytes of the queue as a new array.</summary>
    private static readonly Take<byte[]> TakeArray = static (buffer, count, _) => buffer.Take(count);

    /// <summary>Takes the first bytes of the queue into the <see cref="IBufferWriter{T}"/> given as state; returns how many.</summary>
    private static readonly Take<int> TakeInto = static (buffer, count, writer) => buffer.TakeInto(count, (IBufferWriter<byte>)writer!);

    /// <summary>Removes the first <paramref name="count"/> bytes of <paramref name="buffer"/> and makes a read's result of them.</summary>
    private delegate T Take<T>(CookedBuffer buffer, int count, object? state);

    /// <summary>A read until <paramref name="needle"/>: what <paramref name="take"/> makes of the bytes up to it, or of everything at a timeout or the end.</summary>
    private static ReadEvaluator<T> UntilEvaluator<T>(byte[] needle, Take<T> take, object? state)
    {
        var matcher = new UntilMatcher(needle);
        return (buffer, trigger, eof, fault) =>
        {
            var end = matcher.Find(buffer);
            if (end >= 0)
            {
                return ReadOutcome<T>.Done(take(buffer, end, state));
            }

            return trigger == ReadTrigger.Timeout ? ReadOutcome<T>.Done(take(buffer, buffer.Length, state))
                : eof ? DrainOrFail(buffer, fault, take, state)
                : default;
        };
    }

    private static ReadEvaluator<byte[]> ReadAllEvaluator(int limit) =>
        (buffer, trigger, eof, fault) =>
        {
            if (eof && fault is TelnetBufferLimitExceededException)
            {
                // The session closed at its queue's limit before this read began: report that, and leave what fitted
                // in the queue for ReadBuffered, as every read does.
                return ReadOutcome<byte[]>.Fail(fault);
            }

            // While this read waits, the queue grows past MaxBufferedBytes (see TakesEverything) up to this read's own
            // limit; nothing leaves it until the end, so a cancelled read consumes nothing.
            if (buffer.Length > limit)
            {
                return ReadOutcome<byte[]>.FailAndClose(
                    new TelnetBufferLimitExceededException(nameof(TelnetSessionOptions.MaxReadAllBytes), limit, buffer.Length));
            }

            if (!eof)
            {
                return default;
            }

            return buffer.Length == 0 && fault is not null
                ? ReadOutcome<byte[]>.Fail(fault)
                : ReadOutcome<byte[]>.Done(buffer.TakeAll());
        };

    private static ReadOutcome<T> DrainOrFail<T>(CookedBuffer buffer, Exception? fault, Take<T> take, object? state) =>
        fault is TelnetBufferLimitExceededException ? ReadOutcome<T>.Fail(fault)
        : buffer.Length > 0
            ? ReadOutcome<T>.Done(take(buffer, buffer.Length, state))
            : ReadOutcome<T>.Fail(fault ?? new TelnetEofException());

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative (use Timeout.InfiniteTimeSpan to wait for ever).");
        }
    }

    private IObservable<T> CreateRead<T>(TimeSpan timeout, IScheduler scheduler, Func<ReadEvaluator<T>> factory, bool takesEverything = false)
    {
        EnsureQueueForReads();
        return Observable.Create<T>(observer =>
        {
            var read = new PendingRead<T>(this, observer, factory()) { TakesEverything = takesEverything };
            return read.Start(timeout, scheduler);
        });
    }

    private void EnsureQueueForReads()
    {
        if (!_options.QueueForReads)
        {
            throw new InvalidOperationException(
                "This session does not queue data for sequential reads (TelnetSessionOptions.QueueForReads is false): consume its hot streams instead.");
        }
    }

    private Task<T> StartReadTask<T>(TimeSpan timeout, IScheduler scheduler, ReadEvaluator<T> evaluator, CancellationToken cancellationToken)
    {
        EnsureQueueForReads();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var observer = new TaskObserver<T>();
        var subscription = new PendingRead<T>(this, observer, evaluator).Start(timeout, scheduler);
        observer.CancelWith(cancellationToken, subscription);
        return observer.Task;
    }

    private PendingCompletion EvaluatePending(ReadTrigger trigger)
    {
        // Called under _gate.
        var pending = _pending;
        if (pending is null)
        {
            return default;
        }

        var completion = pending.Evaluate(_buffer, trigger, _eof, _fault);
        if (completion.IsDone)
        {
            _pending = null;
        }

        UpdateReceiving();
        return completion;
    }

    private delegate ReadOutcome<T> ReadEvaluator<T>(CookedBuffer buffer, ReadTrigger trigger, bool eof, Exception? fault);

    private readonly struct ReadOutcome<T>
    {
        private ReadOutcome(T? value, Exception? error, bool closesSession = false)
        {
            IsDone = true;
            Value = value;
            Error = error;
            ClosesSession = closesSession;
        }

        public bool IsDone { get; }

        /// <summary>Gets whether the read consumed data it cannot return, so the session must close before the error is delivered.</summary>
        public bool ClosesSession { get; }

        public T? Value { get; }

        public Exception? Error { get; }

        public static ReadOutcome<T> Done(T value) => new(value, null);

        public static ReadOutcome<T> Fail(Exception error) => new(default, error);

        public static ReadOutcome<T> FailAndClose(Exception error) => new(default, error, closesSession: true);
    }

    /// <summary>A finished read whose notification is delivered after the session's lock is released.</summary>
    private readonly struct PendingCompletion(Action? deliver, bool closesSession = false)
    {
        public bool IsDone => deliver is not null;

        /// <summary>Gets whether delivering closes the session (a read that consumed data it cannot return).</summary>
        public bool ClosesSession => closesSession;

        public void Deliver() => deliver?.Invoke();
    }

    /// <summary>Completes a task with a read's one element (what <c>ToTask</c> does, without the operator chain).</summary>
    private sealed class TaskObserver<T> : IObserver<T>
    {
        // Continuations run where the read completes, as they do with ToTask.
        private readonly TaskCompletionSource<T> _completion = new();
        private CancellationTokenRegistration _registration;
        private T? _value;
        private bool _hasValue;

        public Task<T> Task => _completion.Task;

        public void CancelWith(CancellationToken cancellationToken, IDisposable subscription)
        {
            if (!cancellationToken.CanBeCanceled || _completion.Task.IsCompleted)
            {
                return;
            }

            _registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (self, read) = ((TaskObserver<T>, IDisposable))state!;
                    read.Dispose();
                    self._completion.TrySetCanceled(token);
                },
                (this, subscription));
            if (_completion.Task.IsCompleted)
            {
                _registration.Dispose();
            }
        }

        public void OnNext(T value)
        {
            _value = value;
            _hasValue = true;
        }

        public void OnError(Exception error)
        {
            _registration.Dispose();
            _completion.TrySetException(error);
        }

        public void OnCompleted()
        {
            _registration.Dispose();
            if (_hasValue)
            {
                _completion.TrySetResult(_value!);
            }
            else
            {
                _completion.TrySetException(new InvalidOperationException("The read completed without a result."));
            }
        }
    }

    private abstract class PendingRead
    {
        /// <summary>Gets whether the read takes everything up to the end (ReadAll, with its own limit), so the queue's limit does not apply while it waits.</summary>
        public bool TakesEverything { get; init; }

        public abstract PendingCompletion Evaluate(CookedBuffer buffer, ReadTrigger trigger, bool eof, Exception? fault);
    }

    private sealed class PendingRead<T>(TelnetSession session, IObserver<T> observer, ReadEvaluator<T> evaluator) : PendingRead
    {
        private readonly SerialDisposable _timer = new();

        public IDisposable Start(TimeSpan timeout, IScheduler scheduler)
        {
            PendingCompletion completion;
            lock (session._gate)
            {
                if (session._pending is not null)
                {
                    completion = new PendingCompletion(() => observer.OnError(new InvalidOperationException(
                        "Another sequential read is pending; reads consume the queue one at a time.")));
                }
                else
                {
                    session._pending = this;
                    completion = session.EvaluatePending(session._eof ? ReadTrigger.End : ReadTrigger.Start);
                    if (!completion.IsDone && timeout == TimeSpan.Zero)
                    {
                        // telnetlib's timeout=0: look at what is there, then return at once.
                        completion = session.EvaluatePending(ReadTrigger.Timeout);
                    }
                }
            }

            completion.Deliver();
            if (!completion.IsDone && timeout != Timeout.InfiniteTimeSpan)
            {
                _timer.Disposable = scheduler.Schedule(this, timeout, static (_, self) =>
                {
                    self.OnTimeout();
                    return Disposable.Empty;
                });
            }

            return Disposable.Create(this, static self => self.Cancel());
        }

        public override PendingCompletion Evaluate(CookedBuffer buffer, ReadTrigger trigger, bool eof, Exception? fault)
        {
            // Only the pending read is evaluated, under the session's lock, and it stops being pending in the same lock
            // when it finishes or is cancelled: a finished read is never evaluated again.
            ReadOutcome<T> outcome;
            try
            {
                outcome = evaluator(buffer, trigger, eof, fault);
            }
            catch (Exception ex)
            {
                outcome = ReadOutcome<T>.Fail(ex);
            }

            if (!outcome.IsDone)
            {
                return default;
            }

            return new PendingCompletion(Deliver, outcome.ClosesSession);

            void Deliver()
            {
                _timer.Dispose();
                if (outcome.ClosesSession)
                {
                    // What the read took from the queue is gone with it: the session cannot go on as if nothing was lost.
                    session.Shutdown(TelnetCloseReason.BufferLimitExceeded, outcome.Error);
                }

                if (outcome.Error is { } error)
                {
                    observer.OnError(error);
                }
                else
                {
                    observer.OnNext(outcome.Value!);
                    observer.OnCompleted();
                }
            }
        }

        private void OnTimeout()
        {
            PendingCompletion completion;
            lock (session._gate)
            {
                completion = ReferenceEquals(session._pending, this) ? session.EvaluatePending(ReadTrigger.Timeout) : default;
            }

            completion.Deliver();
        }

        private void Cancel()
        {
            lock (session._gate)
            {
                if (ReferenceEquals(session._pending, this))
                {
                    session._pending = null;
                    session.UpdateReceiving();
                }
            }

            _timer.Dispose();
        }
    }
}
