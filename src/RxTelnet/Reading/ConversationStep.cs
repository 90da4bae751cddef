namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// One read of a conversation: it looks at the unread bytes each time something happens and takes from their front
/// only what it emits. Everything it does runs under the conversation's lock.
/// </summary>
internal abstract class ConversationStep : IDisposable
{
    private readonly SerialDisposable _timer = new();

    protected ConversationStep(ConversationCore core)
    {
        Core = core;
    }

    /// <summary>Gets a value indicating whether the step has finished (emitted its end, failed, or was disposed).</summary>
    public bool IsDone { get; private set; }

    protected ConversationCore Core { get; }

    protected CookedBuffer Buffer => Core.Buffer;

    /// <summary>Describes what the step waits for, for messages.</summary>
    /// <returns>A short description.</returns>
    public abstract string Describe();

    /// <summary>Evaluates the step. Called under the lock while the step is the reader.</summary>
    /// <param name="trigger">Why.</param>
    public void Evaluate(StepTrigger trigger)
    {
        if (IsDone)
        {
            return;
        }

        try
        {
            OnEvaluate(trigger);
        }
        catch (Exception e) when (!IsDone)
        {
            // A limit, a regex match timeout or a decoder error: the bytes stay unread.
            Fail(e);
        }

        if (!IsDone)
        {
            Core.RequestMore(this);
        }
    }

    /// <summary>Fails a step that could not become the reader.</summary>
    /// <param name="error">Why.</param>
    public void Reject(Exception error)
    {
        IsDone = true;
        OnFailed(error);
    }

    public void SetTimer(IDisposable timer) => _timer.Disposable = timer;

    /// <summary>Replaces the timer; under the lock.</summary>
    /// <param name="timeout">When it fires.</param>
    public void RestartTimer(TimeSpan timeout) => _timer.Disposable = Core.Scheduler.Schedule(this, timeout, static (_, s) =>
    {
        s.OnTimer();
        return Disposable.Empty;
    });

    public void OnTimer()
    {
        lock (Core.Gate)
        {
            if (IsDone)
            {
                return;
            }

            if (Core.IsReader(this))
            {
                Evaluate(StepTrigger.Timeout);
            }
            else
            {
                // Still waiting behind another step: it never read, and leaves everything for the steps after it.
                Fail(new TelnetTimeoutException(Describe(), TimeoutForMessages, Buffer.Length));
            }
        }
    }

    public void Dispose()
    {
        lock (Core.Gate)
        {
            if (!IsDone)
            {
                IsDone = true;
                Core.Release(this);
                Core.Promote();
            }
        }

        _timer.Dispose();
    }

    /// <summary>Gets the timeout the step was given, for messages.</summary>
    protected virtual TimeSpan TimeoutForMessages => TimeSpan.Zero;

    protected abstract void OnEvaluate(StepTrigger trigger);

    protected abstract void OnFailed(Exception error);

    /// <summary>Stops reading and releases the timer; the caller tells the observer, then calls <see cref="ConversationCore.Promote"/>.</summary>
    protected void Finish()
    {
        IsDone = true;
        Core.Release(this);
        _timer.Dispose();
    }

    protected void Fail(Exception error)
    {
        Finish();
        OnFailed(error);
        Core.Promote();
    }

    /// <summary>Fails for the end of input: the source's error, the limit, or end of stream.</summary>
    protected void FailAtEnd() =>
        Fail(Core.Fault ?? new TelnetEofException($"The input ended while waiting for {Describe()}; {Buffer.Length} bytes stay unread."));

    protected void FailAtTimeout() => Fail(new TelnetTimeoutException(Describe(), TimeoutForMessages, Buffer.Length));
}

/// <summary>A step with an observer of <typeparamref name="T"/>.</summary>
/// <typeparam name="T">What it emits.</typeparam>
internal abstract class ConversationStep<T>(ConversationCore core, IObserver<T> observer) : ConversationStep(core)
{
    protected IObserver<T> Observer => observer;

    /// <summary>Emits one result and completes.</summary>
    /// <param name="value">The result.</param>
    protected void Succeed(T value)
    {
        Finish();
        observer.OnNext(value);
        observer.OnCompleted();
        Core.Promote();
    }

    /// <summary>Completes a stream of results.</summary>
    protected void Complete()
    {
        Finish();
        observer.OnCompleted();
        Core.Promote();
    }

    protected override void OnFailed(Exception error) => observer.OnError(error);
}

/// <summary>Creates the observable for each kind of step.</summary>
internal static class ConversationSteps
{
    public static IObservable<T> Create<T>(ConversationCore core, TimeSpan timeout, Func<IObserver<T>, ConversationStep> factory) =>
        Observable.Create<T>(observer =>
        {
            var step = factory(observer);

            // Rx subscribes on a trampoline: the step starts reading once the subscription chain above it has its
            // disposables, so an operator such as Take(n) that disposes it from OnNext stops it at once, even when
            // what is buffered already holds more than n results.
            CurrentThreadScheduler.Instance.Schedule((core, step, timeout), static (_, s) =>
            {
                s.core.Attach(s.step, s.timeout);
                return Disposable.Empty;
            });
            return step;
        });

    /// <summary>Reads up to and including a byte sequence.</summary>
    public sealed class Until(ConversationCore core, IObserver<byte[]> observer, byte[] needle, TimeSpan timeout, string description)
        : ConversationStep<byte[]>(core, observer)
    {
        private readonly UntilMatcher _matcher = new(needle);

        public override string Describe() => description;

        protected override TimeSpan TimeoutForMessages => timeout;

        protected override void OnEvaluate(StepTrigger trigger)
        {
            var end = _matcher.Find(Buffer);
            if (end >= 0)
            {
                Succeed(Buffer.Take(end));
            }
            else if (trigger == StepTrigger.Timeout)
            {
                FailAtTimeout();
            }
            else if (Core.Ended)
            {
                FailAtEnd();
            }
        }
    }

    /// <summary>Reads up to and including the first match of the first pattern, in list order, that matches.</summary>
    public sealed class Expect(ConversationCore core, IObserver<ExpectResult> observer, Regex[] patterns, TimeSpan timeout)
        : ConversationStep<ExpectResult>(core, observer)
    {
        private readonly ExpectMatcher _matcher = new(patterns, core.MaxMatchLength);

        public override string Describe() => patterns.Length == 1
            ? $"a match of /{patterns[0]}/"
            : $"a match of one of {string.Join(", ", patterns.Select(static p => $"/{p}/"))}";

        protected override TimeSpan TimeoutForMessages => timeout;

        protected override void OnEvaluate(StepTrigger trigger)
        {
            if (_matcher.TryMatch(Buffer, out var index, out var match, out var end))
            {
                Succeed(new ExpectResult(index, match, Buffer.Take(end)));
            }
            else if (trigger == StepTrigger.Timeout)
            {
                FailAtTimeout();
            }
            else if (Core.Ended)
            {
                FailAtEnd();
            }
        }
    }

    /// <summary>Emits the pieces up to and including each delimiter, and at a clean end what is left.</summary>
    public sealed class Split<T>(ConversationCore core, IObserver<T> observer, byte[] delimiter, Func<byte[], T> project, string description, int maxLineLength)
        : ConversationStep<T>(core, observer)
    {
        private readonly UntilMatcher _matcher = new(delimiter);

        public override string Describe() => description;

        protected override void OnEvaluate(StepTrigger trigger)
        {
            int end;
            while (!IsDone && (end = _matcher.Find(Buffer)) >= 0)
            {
                // Projected before it is taken, so a decoder error leaves the piece unread.
                var piece = Buffer.Peek(end);
                var value = project(piece);
                Buffer.Consume(end);
                _matcher.Reset();
                Observer.OnNext(value);
            }

            if (IsDone)
            {
                return;
            }

            // Room for a CR LF that has not arrived yet.
            if (Buffer.Length > (long)maxLineLength + 2)
            {
                throw new TelnetBufferLimitExceededException(nameof(maxLineLength), maxLineLength, Buffer.Length);
            }

            if (!Core.Ended)
            {
                return;
            }

            if (Core.Fault is not null)
            {
                FailAtEnd();
                return;
            }

            if (Buffer.Length > 0)
            {
                var value = project(Buffer.Peek(Buffer.Length));
                Buffer.Clear();
                Observer.OnNext(value);
            }

            if (!IsDone)
            {
                Complete();
            }
        }
    }

    /// <summary>Emits what is unread once no byte has arrived for a quiet period, and at a clean end what is left.</summary>
    public sealed class Idle(ConversationCore core, IObserver<byte[]> observer, TimeSpan quiet, int flushLength)
        : ConversationStep<byte[]>(core, observer)
    {
        public override string Describe() => $"{quiet.TotalSeconds:0.###} s of quiet";

        protected override void OnEvaluate(StepTrigger trigger)
        {
            switch (trigger)
            {
                case StepTrigger.Timeout when Buffer.Length > 0:
                    Observer.OnNext(Buffer.TakeAll());
                    break;
                case StepTrigger.Start or StepTrigger.Data when Buffer.Length >= flushLength || (Buffer.Length > 0 && quiet == TimeSpan.Zero):
                    // A stream that never pauses still flows, in pieces of flushLength.
                    Observer.OnNext(Buffer.TakeAll());
                    break;
                case StepTrigger.Start or StepTrigger.Data when Buffer.Length > 0 && quiet != Timeout.InfiniteTimeSpan:
                    RestartTimer(quiet);
                    break;
                case StepTrigger.End when Core.Fault is not null:
                    FailAtEnd();
                    break;
                case StepTrigger.End:
                    if (Buffer.Length > 0)
                    {
                        Observer.OnNext(Buffer.TakeAll());
                    }

                    if (!IsDone)
                    {
                        Complete();
                    }

                    break;
            }
        }
    }

    /// <summary>Takes whatever is unread now, possibly nothing.</summary>
    public sealed class Available(ConversationCore core, IObserver<byte[]> observer) : ConversationStep<byte[]>(core, observer)
    {
        public override string Describe() => "what is unread";

        protected override void OnEvaluate(StepTrigger trigger)
        {
            if (Buffer.Length > 0 || !Core.Ended)
            {
                Succeed(Buffer.TakeAll());
            }
            else
            {
                FailAtEnd();
            }
        }
    }

    /// <summary>Takes everything up to a clean end of the input.</summary>
    public sealed class ToEnd(ConversationCore core, IObserver<byte[]> observer, TimeSpan timeout) : ConversationStep<byte[]>(core, observer)
    {
        public override string Describe() => "the end of the input";

        protected override TimeSpan TimeoutForMessages => timeout;

        protected override void OnEvaluate(StepTrigger trigger)
        {
            if (trigger == StepTrigger.Timeout)
            {
                FailAtTimeout();
            }
            else if (Core.Ended)
            {
                if (Core.Fault is null)
                {
                    Succeed(Buffer.TakeAll());
                }
                else
                {
                    FailAtEnd();
                }
            }
        }
    }
}
