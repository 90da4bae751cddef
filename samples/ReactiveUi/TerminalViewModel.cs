namespace RxTelnet.Samples.ReactiveUi;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// The terminal screen's logic, free of any UI framework: connects through a session factory, turns the session's
/// hot streams into display values, and marshals every value to the UI through one <see cref="IScheduler"/>.
/// </summary>
/// <remarks>
/// <para>
/// The factory returns a session that is not started yet (or is started: then early bytes may be missed). The view
/// model subscribes to <see cref="TelnetSession.Data"/>, <see cref="TelnetSession.State"/> and
/// <see cref="TelnetSession.OptionStates"/> first and starts the session after, so it sees everything from the first byte.
/// </para>
/// <para>
/// The view model is hot: it connects when constructed and keeps the latest values, so a view that subscribes late
/// gets the current screen at once. Each reconnect starts a new generation; anything the old session still reports
/// is ignored, so panels never mix two connections.
/// </para>
/// </remarks>
public sealed class TerminalViewModel : IDisposable
{
    /// <summary>How much output text is kept; older text is dropped from the start.</summary>
    public const int MaxOutputLength = 64 * 1024;

    private readonly object _gate = new();
    private readonly Func<IObservable<TelnetSession>> _connect;
    private readonly SerialDisposable _connection = new();
    private readonly BehaviorSubject<string> _output = new(string.Empty);
    private readonly BehaviorSubject<string> _state = new(Describe(TelnetSessionState.Connecting));
    private readonly BehaviorSubject<IReadOnlyList<OptionRow>> _options = new(OptionRow.From(TelnetOptionStates.AllOff));
    private readonly StringBuilder _text = new();
    private string _pendingEscape = string.Empty;
    private TelnetSession? _session;
    private long _generation;
    private bool _disposed;

    /// <summary>Creates the view model and starts the first connection.</summary>
    /// <param name="connect">Opens a connection: one session per subscription, preferably not started yet.</param>
    /// <param name="ui">Where every value for the view is delivered: the UI thread's scheduler.</param>
    public TerminalViewModel(Func<IObservable<TelnetSession>> connect, IScheduler ui)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(ui);
        _connect = connect;
        Output = _output.DistinctUntilChanged().ObserveOn(ui);
        StateText = _state.DistinctUntilChanged().ObserveOn(ui);
        Options = _options.DistinctUntilChanged(RowsComparer.Instance).ObserveOn(ui);
        Reconnect();
    }

    /// <summary>Gets the output pane's whole text (decoded, escape sequences stripped), latest first at subscription.</summary>
    public IObservable<string> Output { get; }

    /// <summary>Gets the connection state for the state panel: <c>Connecting</c>, <c>Open</c>, <c>Closed (reason)</c> or <c>Failed: ...</c>.</summary>
    public IObservable<string> StateText { get; }

    /// <summary>Gets the option panel's rows, one snapshot per negotiation change.</summary>
    public IObservable<IReadOnlyList<OptionRow>> Options { get; }

    /// <summary>
    /// Sends <paramref name="line"/> followed by CR LF. While the server does not echo (remote ECHO off), the line is
    /// also shown in the output, as a Telnet client in line mode does.
    /// </summary>
    /// <param name="line">The line, without a line end.</param>
    /// <returns>Completes when the session has taken the bytes; does nothing when there is no open session.</returns>
    public Task Send(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        TelnetSession? session;
        long generation;
        lock (_gate)
        {
            session = _session;
            generation = _generation;
        }

        if (session is null || session.CurrentState.Status != TelnetSessionStatus.Open)
        {
            return Task.CompletedTask;
        }

        if (!session.IsRemoteEnabled(TelnetOption.Echo))
        {
            Append(generation, line + "\n");
        }

        return session.WriteTextAsync(line + "\n", newline: TelnetNewline.NvtCrLf);
    }

    /// <summary>Closes the current session (if any), clears the panels and connects again.</summary>
    public void Reconnect()
    {
        long generation;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            generation = ++_generation;
            _session = null;
            _text.Clear();
            _pendingEscape = string.Empty;
            _output.OnNext(string.Empty);
            _state.OnNext(Describe(TelnetSessionState.Connecting));
            _options.OnNext(OptionRow.From(TelnetOptionStates.AllOff));
        }

        // Disposing the previous attempt closes its session; its last reports carry an old generation and are ignored.
        var attempt = new CompositeDisposable();
        _connection.Disposable = attempt;
        attempt.Add(_connect().Take(1).Subscribe(
            session => Attach(generation, session, attempt),
            error => Publish(generation, () => _state.OnNext($"Failed: {error.Message}"))));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _generation++;
            _session = null;
        }

        _connection.Dispose();
        _output.OnCompleted();
        _state.OnCompleted();
        _options.OnCompleted();
    }

    private static string Describe(TelnetSessionState state) => state.Status switch
    {
        TelnetSessionStatus.Closed when state.Error is { } error => $"Closed ({state.Reason}: {error.Message})",
        TelnetSessionStatus.Closed => $"Closed ({state.Reason})",
        _ => state.Status.ToString(),
    };

    private void Attach(long generation, TelnetSession session, CompositeDisposable attempt)
    {
        // Added first, disposed first: a reconnect closes the session before dropping the subscriptions.
        attempt.Add(session);
        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }

            _session = session;
        }

        attempt.Add(session.Data.Decode(session.TextEncoding).Subscribe(text => Append(generation, text)));
        attempt.Add(session.OptionStates.Subscribe(states => Publish(generation, () => _options.OnNext(OptionRow.From(states)))));
        attempt.Add(session.State.Subscribe(state => Publish(generation, () => _state.OnNext(Describe(state)))));
        session.Start();
    }

    private void Append(long generation, string chunk) => Publish(generation, () =>
    {
        var text = AnsiText.Strip(_pendingEscape + chunk, out _pendingEscape);
        if (text.Length == 0)
        {
            return;
        }

        _text.Append(text);
        if (_text.Length > MaxOutputLength)
        {
            _text.Remove(0, _text.Length - MaxOutputLength);
        }

        _output.OnNext(_text.ToString());
    });

    /// <summary>Runs <paramref name="update"/> under the gate if <paramref name="generation"/> is still the current one.</summary>
    private void Publish(long generation, Action update)
    {
        lock (_gate)
        {
            if (generation == _generation && !_disposed)
            {
                update();
            }
        }
    }

    private sealed class RowsComparer : IEqualityComparer<IReadOnlyList<OptionRow>>
    {
        public static RowsComparer Instance { get; } = new();

        public bool Equals(IReadOnlyList<OptionRow>? x, IReadOnlyList<OptionRow>? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.SequenceEqual(y));

        public int GetHashCode(IReadOnlyList<OptionRow> obj) => obj.Count;
    }
}
