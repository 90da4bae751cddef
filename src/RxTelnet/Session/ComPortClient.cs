namespace RxTelnet.Session;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Options;
using RxTelnet.Protocol;

/// <summary>
/// The client side of RFC 2217 COM-PORT-OPTION over a session: awaitable settings that return what the access server
/// acknowledged, the line and modem state it reports, and its signature.
/// </summary>
/// <remarks>
/// <para>
/// Each <c>Set...Async</c> sends the command (held until COM-PORT-OPTION is agreed, see
/// <see cref="TelnetSession.SendComPortAsync"/>) and waits for the server's answer with the same command code plus
/// <see cref="ComPort.ServerOffset"/>. The value 0 (or the <c>Request</c> member of a value enum) asks for the current
/// setting without changing it. Calls of the same command that overlap are matched to answers in the order they were
/// made; an answer nobody waits for, a malformed payload, or a client code coming from the server is ignored.
/// </para>
/// <para>
/// Every wait ends after the reply timeout (measured on <see cref="TelnetSessionOptions.Scheduler"/> from the call) with
/// a <see cref="ComPortTimeoutException"/>, on cancellation, or with a <see cref="TelnetClosedException"/> when the
/// session closes. At most <see cref="MaxPendingPerCommand"/> calls of one command wait at once.
/// </para>
/// </remarks>
public sealed class ComPortClient : IDisposable
{
    /// <summary>How many calls of one command may wait for their answers at once.</summary>
    public const int MaxPendingPerCommand = 64;

    private readonly object _gate = new();
    private readonly TelnetSession _session;
    private readonly IScheduler _scheduler;
    private readonly Queue<Pending>?[] _pending = new Queue<Pending>?[(int)ComPortCommand.PurgeData + 1];
    private readonly Subject<ComPortLineState> _lineStates = new();
    private readonly Subject<ComPortModemState> _modemStates = new();
    private readonly Subject<bool> _flowControl = new();
    private readonly IDisposable _subscription;
    private bool _closed;
    private bool _honoursFlowControl = true;
    private bool _holdingOutput;

    /// <summary>Creates the client, starts listening to the session's COM-PORT-OPTION messages, and offers <c>WILL COM-PORT-OPTION</c> unless it is agreed already.</summary>
    /// <param name="session">The session, connected to an RFC 2217 access server; its policy must allow COM-PORT-OPTION on our side.</param>
    /// <param name="replyTimeout">How long each call waits for the server's answer; <see cref="TelnetSessionOptions.NegotiationTimeout"/> when null.</param>
    /// <param name="signature">The text to answer the server's signature request with; none (requests ignored) when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="replyTimeout"/> is not positive.</exception>
    public ComPortClient(TelnetSession session, TimeSpan? replyTimeout = null, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var timeout = replyTimeout ?? session.Options.NegotiationTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(replyTimeout), timeout, "The reply timeout must be positive.");
        }

        _session = session;
        _scheduler = session.Options.Scheduler;
        ReplyTimeout = timeout;
        Signature = signature;
        _subscription = session.ComPortMessages.Subscribe(OnMessage, OnEnd, () => OnEnd(null));

        // RFC 2217: the client offers WILL COM-PORT-OPTION; settings made meanwhile are held until the server agrees.
        if (!session.IsLocalEnabled(TelnetOption.ComPortOption))
        {
            session.RequestLocal(TelnetOption.ComPortOption, true).Subscribe(static _ => { }, static _ => { });
        }
    }

    /// <summary>Gets how long each call waits for the server's answer.</summary>
    public TimeSpan ReplyTimeout { get; }

    /// <summary>Gets the text this client answers the server's signature request with, if any.</summary>
    public string? Signature { get; }

    /// <summary>Gets the session the client works over.</summary>
    public TelnetSession Session => _session;

    /// <summary>Gets each <c>NOTIFY-LINESTATE</c> the server sends (hot): only the bits of the line state mask are reported by a conforming server.</summary>
    public IObservable<ComPortLineState> LineStates => _lineStates.AsObservable();

    /// <summary>Gets each <c>NOTIFY-MODEMSTATE</c> the server sends (hot): only the bits of the modem state mask are reported by a conforming server.</summary>
    public IObservable<ComPortModemState> ModemStates => _modemStates.AsObservable();

    /// <summary>Gets the server's flow control requests (hot): <see langword="true"/> on <c>FLOWCONTROL-SUSPEND</c>, <see langword="false"/> on <c>FLOWCONTROL-RESUME</c>.</summary>
    public IObservable<bool> FlowControlSuspended => _flowControl.AsObservable();

    /// <summary>
    /// Gets or sets whether the server's <c>FLOWCONTROL-SUSPEND</c> holds everything the session sends (data,
    /// commands, negotiation replies and this client's requests) until its <c>FLOWCONTROL-RESUME</c>, as RFC 2217
    /// asks. True by default. Held writes stay queued, in order, and their tasks complete when they are sent; past
    /// <see cref="TelnetSessionOptions.MaxPendingSendBytes"/> the session closes, so a server that never resumes cannot
    /// grow memory without bound, and requests made meanwhile end with <see cref="ComPortTimeoutException"/>. Setting it
    /// to <see langword="false"/>, or disposing the client, releases what is held.
    /// </summary>
    public bool HonoursFlowControl
    {
        get
        {
            lock (_gate)
            {
                return _honoursFlowControl;
            }
        }

        set
        {
            lock (_gate)
            {
                _honoursFlowControl = value;
                if (value || !_holdingOutput)
                {
                    return;
                }

                _holdingOutput = false;
            }

            _session.SuspendOutput(false);
        }
    }

    /// <summary>Sets the baud rate (<c>SET-BAUDRATE</c>), or with 0 asks for the current one.</summary>
    /// <param name="baudRate">The rate in bits per second, or 0.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The rate the server acknowledged (the one it applied).</returns>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    /// <exception cref="TelnetOptionNotAgreedException">COM-PORT-OPTION is not agreed.</exception>
    public async Task<uint> SetBaudRateAsync(uint baudRate, CancellationToken cancellationToken = default) =>
        (await CallAsync(new ComPortMessage(ComPortCommand.SetBaudRate, false, baudRate), cancellationToken).ConfigureAwait(false)).BaudRate;

    /// <summary>Sets the number of data bits (<c>SET-DATASIZE</c>), or with 0 asks for the current one.</summary>
    /// <param name="dataSize">5 to 8, or 0.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The data size the server acknowledged.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dataSize"/> is not 0 or 5 to 8.</exception>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<byte> SetDataSizeAsync(byte dataSize, CancellationToken cancellationToken = default)
    {
        ComPort.EncodeSetDataSize(dataSize);
        return (await CallAsync(new ComPortMessage(ComPortCommand.SetDataSize, false, dataSize), cancellationToken).ConfigureAwait(false)).DataSize;
    }

    /// <summary>Sets the parity (<c>SET-PARITY</c>), or with <see cref="ComPortParity.Request"/> asks for the current one.</summary>
    /// <param name="parity">The parity.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The parity the server acknowledged.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parity"/> is not defined.</exception>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortParity> SetParityAsync(ComPortParity parity, CancellationToken cancellationToken = default)
    {
        ComPort.EncodeSetParity(parity);
        return (await CallAsync(new ComPortMessage(ComPortCommand.SetParity, false, (byte)parity), cancellationToken).ConfigureAwait(false)).Parity;
    }

    /// <summary>Sets the stop bits (<c>SET-STOPSIZE</c>), or with <see cref="ComPortStopSize.Request"/> asks for the current setting.</summary>
    /// <param name="stopSize">The stop bits.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The stop size the server acknowledged.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stopSize"/> is not defined.</exception>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortStopSize> SetStopSizeAsync(ComPortStopSize stopSize, CancellationToken cancellationToken = default)
    {
        ComPort.EncodeSetStopSize(stopSize);
        return (await CallAsync(new ComPortMessage(ComPortCommand.SetStopSize, false, (byte)stopSize), cancellationToken).ConfigureAwait(false)).StopSize;
    }

    /// <summary>
    /// Sets flow control (outbound or inbound), BREAK, DTR or RTS (<c>SET-CONTROL</c>), or with a <c>Request...</c>
    /// value asks for the current state.
    /// </summary>
    /// <param name="control">The setting or request.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The setting the server acknowledged (for a request: the current state, for example <see cref="ComPortControl.DtrOn"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="control"/> is not defined.</exception>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortControl> SetControlAsync(ComPortControl control, CancellationToken cancellationToken = default)
    {
        ComPort.EncodeSetControl(control);
        return (await CallAsync(new ComPortMessage(ComPortCommand.SetControl, false, (byte)control), cancellationToken).ConfigureAwait(false)).Control;
    }

    /// <summary>Asks the server to purge its buffers (<c>PURGE-DATA</c>).</summary>
    /// <param name="purge">Which buffers.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The buffers the server acknowledged purging.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="purge"/> is not defined.</exception>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortPurge> PurgeAsync(ComPortPurge purge, CancellationToken cancellationToken = default)
    {
        ComPort.EncodePurgeData(purge);
        return (await CallAsync(new ComPortMessage(ComPortCommand.PurgeData, false, (byte)purge), cancellationToken).ConfigureAwait(false)).Purge;
    }

    /// <summary>Sets which line state bits the server reports on <see cref="LineStates"/> (<c>SET-LINESTATE-MASK</c>).</summary>
    /// <param name="mask">The bits.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The mask the server acknowledged.</returns>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortLineState> SetLineStateMaskAsync(ComPortLineState mask, CancellationToken cancellationToken = default) =>
        (await CallAsync(new ComPortMessage(ComPortCommand.SetLineStateMask, false, (byte)mask), cancellationToken).ConfigureAwait(false)).LineState;

    /// <summary>Sets which modem state bits the server reports on <see cref="ModemStates"/> (<c>SET-MODEMSTATE-MASK</c>).</summary>
    /// <param name="mask">The bits.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The mask the server acknowledged.</returns>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<ComPortModemState> SetModemStateMaskAsync(ComPortModemState mask, CancellationToken cancellationToken = default) =>
        (await CallAsync(new ComPortMessage(ComPortCommand.SetModemStateMask, false, (byte)mask), cancellationToken).ConfigureAwait(false)).ModemState;

    /// <summary>Asks for the access server's signature (an empty <c>SIGNATURE</c>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The server's signature text.</returns>
    /// <exception cref="ComPortTimeoutException">No answer within <see cref="ReplyTimeout"/>.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public async Task<string> GetSignatureAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync(new ComPortMessage(ComPortCommand.Signature, false, 0, string.Empty), cancellationToken).ConfigureAwait(false)).Signature ?? string.Empty;

    /// <summary>Stops listening and releases output held for the server's flow control; calls still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        HoldOutput(false);
        FailAll(new ObjectDisposedException(nameof(ComPortClient)));
        _lineStates.OnCompleted();
        _modemStates.OnCompleted();
        _flowControl.OnCompleted();
    }

    private static string Describe(ComPortMessage request) => request.Command switch
    {
        ComPortCommand.Signature => "SIGNATURE",
        ComPortCommand.SetBaudRate => $"SET-BAUDRATE {request.BaudRate}",
        ComPortCommand.SetDataSize => $"SET-DATASIZE {request.DataSize}",
        ComPortCommand.SetParity => $"SET-PARITY {request.Parity}",
        ComPortCommand.SetStopSize => $"SET-STOPSIZE {request.StopSize}",
        ComPortCommand.SetControl => $"SET-CONTROL {request.Control}",
        ComPortCommand.SetLineStateMask => $"SET-LINESTATE-MASK {request.LineState}",
        ComPortCommand.SetModemStateMask => $"SET-MODEMSTATE-MASK {request.ModemState}",
        ComPortCommand.PurgeData => $"PURGE-DATA {request.Purge}",
        _ => request.Command.ToString(),
    };

    private async Task<ComPortMessage> CallAsync(ComPortMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(request);
        lock (_gate)
        {
            if (_closed)
            {
                throw new TelnetClosedException($"The session closed; {Describe(request)} was not sent.");
            }

            var queue = _pending[(int)request.Command] ??= new Queue<Pending>();
            if (queue.Count >= MaxPendingPerCommand)
            {
                throw new TelnetBufferLimitExceededException(
                    $"{MaxPendingPerCommand} {request.Command} calls already wait for their answers (ComPortClient.MaxPendingPerCommand).");
            }

            // Queued before the command goes out, so an answer that comes at once is not missed.
            queue.Enqueue(pending);
        }

        pending.Timer = _scheduler.Schedule(ReplyTimeout, () => Abandon(pending, new ComPortTimeoutException(request.Command, Describe(request), ReplyTimeout)));
        using var registration = cancellationToken.Register(() => Abandon(pending, new OperationCanceledException(cancellationToken)));
        Task send;
        try
        {
            // An abandoned call (timeout, cancellation) also withdraws its command if it is still held for agreement
            // or queued behind the server's flow control.
            send = _session.SendComPortAsync(request, pending.Withdraw.Token);
        }
        catch (Exception error)
        {
            Abandon(pending, error);
            send = Task.CompletedTask;
        }

        if (!send.IsCompletedSuccessfully)
        {
            // Not awaited: the reply timeout counts from the call, so a command held by FLOWCONTROL-SUSPEND or a peer
            // that stops reading cannot make the caller wait past it.
            _ = send.ContinueWith(
                static (task, state) =>
                {
                    var (client, waiting) = ((ComPortClient, Pending))state!;
                    client.Abandon(waiting, task.Exception?.InnerException ?? new OperationCanceledException());
                },
                (this, pending),
                CancellationToken.None,
                TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return await pending.Completion.Task.ConfigureAwait(false);
    }

    private void Abandon(Pending pending, Exception error)
    {
        lock (_gate)
        {
            var queue = _pending[(int)pending.Request.Command];
            if (queue is null || !queue.Contains(pending))
            {
                return;
            }

            // Keep the others in order: a later answer goes to the next call that still waits.
            var rest = queue.Where(p => !ReferenceEquals(p, pending)).ToArray();
            queue.Clear();
            foreach (var p in rest)
            {
                queue.Enqueue(p);
            }
        }

        pending.Timer?.Dispose();
        pending.Withdraw.Cancel();
        if (error is OperationCanceledException canceled)
        {
            pending.Completion.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            pending.Completion.TrySetException(error);
        }
    }

    private void OnMessage(ComPortMessage message)
    {
        if (!message.FromServer)
        {
            // A client code from the server is not an answer (RFC 2217: the server adds 100).
            return;
        }

        switch (message.Command)
        {
            case ComPortCommand.NotifyLineState:
                _lineStates.OnNext(message.LineState);
                return;
            case ComPortCommand.NotifyModemState:
                _modemStates.OnNext(message.ModemState);
                return;
            case ComPortCommand.FlowControlSuspend:
            case ComPortCommand.FlowControlResume:
                var suspend = message.Command == ComPortCommand.FlowControlSuspend;
                HoldOutput(suspend);
                _flowControl.OnNext(suspend);
                return;
            case ComPortCommand.Signature when string.IsNullOrEmpty(message.Signature):
                if (Signature is { } text)
                {
                    _ = _session.SendComPortAsync(new ComPortMessage(ComPortCommand.Signature, false, 0, text));
                }

                return;
        }

        Pending? pending;
        lock (_gate)
        {
            var queue = _pending[(int)message.Command];
            if (queue is null || !queue.TryDequeue(out pending))
            {
                return;
            }
        }

        pending.Timer?.Dispose();
        pending.Completion.TrySetResult(message);
    }

    /// <summary>Holds or releases the session's output for the server's flow control, if this client honours it.</summary>
    private void HoldOutput(bool hold)
    {
        lock (_gate)
        {
            if ((hold && !_honoursFlowControl) || hold == _holdingOutput)
            {
                return;
            }

            _holdingOutput = hold;
        }

        _session.SuspendOutput(hold);
    }

    private void OnEnd(Exception? error)
    {
        FailAll(new TelnetClosedException("The session closed before the access server answered.", error ?? new TelnetEofException()));
        _lineStates.OnCompleted();
        _modemStates.OnCompleted();
        _flowControl.OnCompleted();
    }

    private void FailAll(Exception error)
    {
        List<Pending> all = [];
        lock (_gate)
        {
            _closed = true;
            foreach (var queue in _pending)
            {
                if (queue is not null)
                {
                    all.AddRange(queue);
                    queue.Clear();
                }
            }
        }

        foreach (var pending in all)
        {
            pending.Timer?.Dispose();
            pending.Completion.TrySetException(error);
        }
    }

    private sealed class Pending(ComPortMessage request)
    {
        public ComPortMessage Request { get; } = request;

        public TaskCompletionSource<ComPortMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? Timer { get; set; }

        public CancellationTokenSource Withdraw { get; } = new();
    }
}
