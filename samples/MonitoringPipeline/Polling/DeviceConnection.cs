namespace RxTelnet.Samples.MonitoringPipeline.Polling;

using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text.RegularExpressions;
using RxTelnet.Session;

/// <summary>
/// Keeps one logged-in session to one device and runs one command at a time on it. A lost or failed session is
/// replaced at once; a failed connect is retried after an exponential backoff, on the scheduler.
/// </summary>
/// <remarks>
/// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
/// <item><term>connected and logged in</term><description>the session is used by every poll until it closes; the failure count resets</description></item>
/// <item><term>session closed (by the device, or dropped after a failed poll)</term><description>a new attempt right away</description></item>
/// <item><term>connect or login fails</term><description>next attempt after <see cref="PollerOptions.Backoff"/> of the consecutive failure count</description></item>
/// <item><term>poll while not connected</term><description><see cref="PollStatus.NotConnected"/> at once: a poll never waits for a connect</description></item>
/// </list>
/// </remarks>
public sealed class DeviceConnection : IDisposable
{
    private static readonly Regex LoginPrompt = new("login: ?$", RegexOptions.CultureInvariant | RegexOptions.Multiline);
    private static readonly Regex PasswordPrompt = new("[Pp]assword: ?$", RegexOptions.CultureInvariant | RegexOptions.Multiline);
    private static readonly Regex LoginIncorrect = new("Login incorrect", RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly DeviceTarget _target;
    private readonly Func<string, IObservable<TelnetSession>> _sessions;
    private readonly PollerOptions _options;
    private readonly IScheduler _scheduler;
    private readonly IObserver<ConnectionEvent> _events;
    private readonly SerialDisposable _attempt = new();
    private readonly SerialDisposable _watch = new();
    private readonly SerialDisposable _retry = new();
    private TelnetSession? _current;
    private string _lastError = "not connected yet";
    private int _attempts;
    private int _failures;
    private bool _busy;
    private bool _disposed;

    public DeviceConnection(DeviceTarget target, Func<string, IObservable<TelnetSession>> sessions, PollerOptions options, IScheduler scheduler, IObserver<ConnectionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(events);
        _target = target;
        _sessions = sessions;
        _options = options;
        _scheduler = scheduler;
        _events = events;
    }

    public string DeviceId => _target.Id;

    /// <summary>Schedules the first connect attempt.</summary>
    public void Start() => _retry.Disposable = _scheduler.Schedule(Attempt);

    /// <summary>Polls once: sends the command on the current session and parses what comes back before the prompt.</summary>
    public IObservable<PollResult> Poll(long number) => Observable.Defer(() =>
    {
        var scheduled = _scheduler.Now;
        TelnetSession? session;
        lock (_gate)
        {
            if (_busy)
            {
                return Observable.Return(Result(number, scheduled, PollStatus.Skipped, "the previous poll is still running"));
            }

            session = _current;
            if (session is null || session.IsEof)
            {
                return Observable.Return(Result(number, scheduled, PollStatus.NotConnected, $"not connected ({_lastError})"));
            }

            _busy = true;
        }

        DiscardStale(session);
        return Send(session, _options.Command)
            .SelectMany(_ => session.Expect([_target.Prompt], _options.CommandTimeout, _scheduler))
            .Select(r => r.Index < 0
                ? Result(number, scheduled, PollStatus.Timeout, $"no prompt within {_options.CommandTimeout}")
                : Parsed(number, scheduled, InterfaceParser.Parse(r.Data)))
            .Catch((Exception ex) => Observable.Return(Result(number, scheduled, PollStatus.Failed, ex.Message)))
            .Do(result =>
            {
                lock (_gate)
                {
                    _busy = false;
                }

                if (!result.IsOk)
                {
                    // A late reply must never pass for the next poll's: drop the session and log in afresh.
                    session.Close();
                }
            })
            .Finally(() =>
            {
                lock (_gate)
                {
                    _busy = false;
                }
            });
    });

    public void Dispose()
    {
        TelnetSession? current;
        lock (_gate)
        {
            _disposed = true;
            current = _current;
            _current = null;
        }

        _retry.Dispose();
        _attempt.Dispose();
        _watch.Dispose();
        current?.Dispose();
    }

    private static IObservable<Unit> Send(TelnetSession session, string line) =>
        Observable.FromAsync(ct => session.WriteTextAsync(line + "\n", cancellationToken: ct));

    private static void DiscardStale(TelnetSession session)
    {
        try
        {
            _ = session.ReadBuffered();
        }
        catch (TelnetException)
        {
            // At end of stream: the Expect that follows reports it.
        }
    }

    private void Attempt()
    {
        int attempt;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            attempt = ++_attempts;
        }

        _events.OnNext(new ConnectionEvent(_scheduler.Now, DeviceId, ConnectionEventKind.Attempt, attempt));
        var pending = new SingleAssignmentDisposable();
        _attempt.Disposable = pending;
        pending.Disposable = Observable.Defer(() => _sessions(DeviceId))
            .Take(1)
            .SelectMany(session => Login(session, 0)
                .Select(_ => session)
                .Catch((Exception ex) =>
                {
                    session.Dispose();
                    return Observable.Throw<TelnetSession>(ex);
                }))
            .Subscribe(session => OnConnected(session, attempt), ex => OnFailed(ex, attempt));
    }

    /// <summary>The login dialogue as a recursion of Expects: answer login and password prompts until the shell prompt shows.</summary>
    private IObservable<Unit> Login(TelnetSession session, int step)
    {
        if (step > 4)
        {
            return Observable.Throw<Unit>(new TelnetException("Too many login prompts."));
        }

        var patterns = _target.User is null ? new[] { _target.Prompt } : [_target.Prompt, LoginIncorrect, LoginPrompt, PasswordPrompt];
        return session.Expect(patterns, _options.LoginTimeout, _scheduler).SelectMany(r => r.Index switch
        {
            0 => Observable.Return(Unit.Default),
            1 => Observable.Throw<Unit>(new TelnetException("Login incorrect.")),
            2 => Send(session, _target.User!).SelectMany(_ => Login(session, step + 1)),
            3 => Send(session, _target.Password ?? string.Empty).SelectMany(_ => Login(session, step + 1)),
            _ => Observable.Throw<Unit>(new TimeoutException($"No prompt within {_options.LoginTimeout}.")),
        });
    }

    private void OnConnected(TelnetSession session, int attempt)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                session.Dispose();
                return;
            }

            _failures = 0;
            _current = session;
        }

        _events.OnNext(new ConnectionEvent(_scheduler.Now, DeviceId, ConnectionEventKind.Connected, attempt));

        // State completes once the session is closed, even if that happened before this subscription.
        _watch.Disposable = session.State.LastOrDefaultAsync().Subscribe(state => OnLost(session, state, attempt));
    }

    private void OnLost(TelnetSession session, TelnetSessionState? state, int attempt)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_current, session))
            {
                return;
            }

            _current = null;
            _lastError = $"session lost: {state?.Reason}";
        }

        session.Dispose();
        _events.OnNext(new ConnectionEvent(_scheduler.Now, DeviceId, ConnectionEventKind.Lost, attempt, Detail: state?.Reason.ToString()));
        _retry.Disposable = _scheduler.Schedule(Attempt);
    }

    private void OnFailed(Exception error, int attempt)
    {
        TimeSpan delay;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            delay = _options.Backoff(++_failures);
            _lastError = error.Message;
        }

        _events.OnNext(new ConnectionEvent(_scheduler.Now, DeviceId, ConnectionEventKind.Failed, attempt, delay, error.Message));
        _retry.Disposable = _scheduler.Schedule(delay, Attempt);
    }

    private PollResult Result(long number, DateTimeOffset scheduled, PollStatus status, string error) =>
        new(DeviceId, number, scheduled, _scheduler.Now, status, [], Error: error);

    private PollResult Parsed(long number, DateTimeOffset scheduled, ParsedOutput output) =>
        new(DeviceId, number, scheduled, _scheduler.Now, PollStatus.Ok, output.Interfaces, output.GarbledLines);
}
