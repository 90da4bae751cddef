namespace RxTelnet.Session;

using System.Net.Sockets;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Diagnostics;
using RxTelnet.Internal;
using RxTelnet.Protocol;
using RxTelnet.Reading;
using RxTelnet.Transport;

/// <summary>
/// One Telnet connection, either side: owns a transport, parses what it receives once, broadcasts it as hot
/// observables, keeps cooked data in a queue for sequential reads, and serialises everything it sends.
/// </summary>
/// <remarks>
/// <para>
/// <b>Two ways to consume.</b> The hot streams (<see cref="Events"/>, <see cref="Data"/>, <see cref="Commands"/>, ...)
/// broadcast to every subscriber and consume nothing: a logger, a UI view and a prompt detector can all watch at
/// once. The sequential read API (<see cref="ReadUntil(ReadOnlyMemory{byte}, TimeSpan)"/>, <see cref="Expect(IReadOnlyList{System.Text.RegularExpressions.Regex}, TimeSpan)"/>,
/// <see cref="ReadSome()"/>, ...) consumes the cooked queue exactly as telnetlib's reads consume its <c>cookedq</c>:
/// what one read leaves is there for the next.
/// </para>
/// <para>
/// <b>Negotiation.</b> By default the session answers as telnetlib does: <c>DO</c>/<c>DONT</c> with <c>WONT</c>,
/// <c>WILL</c>/<c>WONT</c> with <c>DONT</c>. With a callback set (<see cref="SetOptionNegotiationCallback"/>) it only calls the callback.
/// </para>
/// <para>
/// <b>Subscribers that throw.</b> An exception thrown by a hot-stream subscriber is caught, that subscriber is
/// dropped, and the exception is reported on <see cref="SubscriberErrors"/>; other subscribers and the session go on.
/// </para>
/// </remarks>
public sealed partial class TelnetSession : IDisposable, IAsyncDisposable, IInboundSink
{
    /// <summary>The most cooked bytes queued before receiving pauses (see <see cref="TelnetSessionOptions.PauseWhenBufferFull"/>).</summary>
    internal const int MaxPauseMark = 256 * 1024;

    private readonly object _gate = new();
    private readonly ITelnetTransport _transport;
    private readonly TelnetSessionOptions _options;
    private readonly CookedBuffer _buffer;
    private readonly IReceiveFlowControl? _flowControl;
    private readonly Broadcast<byte[]> _raw;
    private readonly Broadcast<byte[]> _rawSent;
    private readonly Broadcast<TelnetEvent> _events;
    private readonly Broadcast<ReadOnlyMemory<byte>> _data;
    private readonly Broadcast<TelnetCommand> _commands;
    private readonly BehaviorSubject<TelnetSessionState> _state = new(TelnetSessionState.Connecting);
    private readonly Subject<Exception> _subscriberErrors = new();
    private readonly SessionTelemetry _telemetry;
    private IDisposable? _receiveSubscription;
    private Action<TelnetCommand>? _negotiationCallback;
    private TelnetSessionState _current = TelnetSessionState.Connecting;
    private bool _eof;
    private bool _writeClosed;
    private readonly TaskCompletionSource _connectionEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _receivePaused;
    private Exception? _fault;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a session over a connected transport. Call <see cref="Start"/> to begin receiving.</summary>
    /// <param name="transport">The connection; the session owns it from now on.</param>
    /// <param name="options">Parsing, buffering and timing options; <see cref="TelnetSessionOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    public TelnetSession(ITelnetTransport transport, TelnetSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? TelnetSessionOptions.Default;
        _buffer = new CookedBuffer(_options.MaxBufferedBytes);
        _flowControl = _options.PauseWhenBufferFull ? transport as IReceiveFlowControl : null;
        _raw = new Broadcast<byte[]>(_subscriberErrors);
        _rawSent = new Broadcast<byte[]>(_subscriberErrors);
        _events = new Broadcast<TelnetEvent>(_subscriberErrors);
        _data = new Broadcast<ReadOnlyMemory<byte>>(_subscriberErrors);
        _commands = new Broadcast<TelnetCommand>(_subscriberErrors);
        _telemetry = new SessionTelemetry(_options);
    }

    /// <summary>Gets the options the session was created with.</summary>
    public TelnetSessionOptions Options => _options;

    /// <summary>Gets the transport the session owns.</summary>
    public ITelnetTransport Transport => _transport;

    /// <summary>Gets every received chunk, raw, before parsing (hot).</summary>
    public IObservable<byte[]> RawReceived => _raw;

    /// <summary>Gets every chunk of wire bytes sent, in order, once the transport took it (hot): for traces and tests.</summary>
    public IObservable<byte[]> RawSent => _rawSent;

    /// <summary>Gets every parsed event: cooked data, commands and warnings, in stream order (hot).</summary>
    public IObservable<TelnetEvent> Events => _events;

    /// <summary>Gets the cooked data (hot). Slices of received chunks: keep them as long as needed, never write to them.</summary>
    public IObservable<ReadOnlyMemory<byte>> Data => _data;

    /// <summary>Gets the command notifications: negotiations, subnegotiations and two-byte commands (hot).</summary>
    public IObservable<TelnetCommand> Commands => _commands;

    /// <summary>Gets the prompt markers: <c>IAC GA</c> and <c>IAC EOR</c> (RFC 854, RFC 885), as their commands (hot).</summary>
    public IObservable<TelnetCommand> Prompts => _commands.Where(static c => c.Verb is TelnetVerb.GoAhead or TelnetVerb.EndOfRecord);

    /// <summary>Gets the connection state: the current one at once, then every change; completes after <see cref="TelnetSessionStatus.Closed"/> (a subscriber after that gets the final state, then the completion).</summary>
    public IObservable<TelnetSessionState> State => _state.Current();

    /// <summary>Gets exceptions thrown by hot-stream subscribers (each such subscriber is dropped).</summary>
    public IObservable<Exception> SubscriberErrors => _subscriberErrors.AsObservable();

    /// <summary>Gets the current connection state.</summary>
    public TelnetSessionState CurrentState
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Gets whether the session has reached end of stream (closed by either side) — telnetlib's <c>eof</c>.</summary>
    public bool IsEof
    {
        get
        {
            lock (_gate)
            {
                return _eof;
            }
        }
    }

    /// <summary>Gets the number of cooked bytes waiting for a sequential read.</summary>
    public int BufferedCount
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Length;
            }
        }
    }

    /// <summary>Gets the underlying socket, when the transport has one.</summary>
    public Socket? Socket => _transport.Socket;

    /// <summary>Starts receiving. Subscribe to the hot streams first to see everything from the first byte. Idempotent.</summary>
    /// <returns>This session.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public TelnetSession Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        TryStart();
        return this;
    }

    /// <summary>Gets a task that completes when the connection is closed in both directions (not at a half-close).</summary>
    internal Task ConnectionEnded => _connectionEnded.Task;

    /// <summary>Starts receiving unless already started, closed or disposed.</summary>
    internal void TryStart()
    {
        lock (_gate)
        {
            if (_started || _eof || _disposed)
            {
                return;
            }

            _started = true;
        }

        SetState(TelnetSessionState.Open);
        _telemetry.Opened(_transport.Socket);
        StartOptionHandlers();
        // The parse operator's work plus MCCP2: inflate after IAC SB COMPRESS2 IAC SE when we agreed to it.
        var pipeline = new InboundPipeline(
            Observer.Create<TelnetEvent>(OnEvent, OnTransportError, OnTransportCompleted),
            _options.Parser,
            AcceptsInboundCompression,
            TakeTlsSwitch,
            SwitchToTls,
            this);

        // A transport that can lend its receive buffer gets the pipeline itself, which parses from that buffer
        // whenever nothing outside the session keeps received arrays or data slices (see IInboundSink).
        var subscription = _transport is ITransientReceiveSource source
            ? source.SubscribeTransient(pipeline)
            : _transport.Received.Subscribe(pipeline);
        lock (_gate)
        {
            if (_eof)
            {
                subscription.Dispose();
            }
            else
            {
                _receiveSubscription = subscription;
            }
        }
    }

    /// <summary>
    /// Sets a callback that receives every command instead of the default refusal (telnetlib's
    /// <c>set_option_negotiation_callback</c>): with a callback set, the session sends no replies of its own.
    /// </summary>
    /// <param name="callback">The callback, or <see langword="null"/> to go back to refusing every option.</param>
    public void SetOptionNegotiationCallback(Action<TelnetCommand>? callback) => Volatile.Write(ref _negotiationCallback, callback);

    /// <summary>
    /// Closes the connection: sequential reads see end of stream, hot streams complete, writes fail. Idempotent. After
    /// the peer's end of stream (a half-close) it closes the writing side, which stays open until then.
    /// </summary>
    public void Close() => Shutdown(TelnetCloseReason.LocalClose, null);

    /// <inheritdoc/>
    public void Dispose()
    {
        Close();
        lock (_gate)
        {
            _disposed = true;
        }

        _transport.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Close();
        lock (_gate)
        {
            _disposed = true;
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    private void OnEvent(TelnetEvent e)
    {
        _events.OnNext(e);
        switch (e.Kind)
        {
            case TelnetEventKind.Data:
                OnData(e.Data);
                break;
            case TelnetEventKind.Command:
                OnCommand(e.Command);
                break;
            case TelnetEventKind.Warning:
                _telemetry.ProtocolWarning(e.Warning);
                break;
        }
    }

    /// <inheritdoc/>
    void IInboundSink.Received(byte[] chunk)
    {
        TouchReceive();
        _telemetry.Received(chunk);
        _raw.OnNext(chunk);
    }

    /// <inheritdoc/>
    bool IInboundSink.ReceivedTransient(ReadOnlySpan<byte> chunk)
    {
        if (_raw.HasObservers)
        {
            // Raw subscribers keep the arrays: have the transport copy it.
            return false;
        }

        TouchReceive();
        _telemetry.Received(chunk);
        return true;
    }

    /// <inheritdoc/>
    void IInboundSink.OnCooked(ReadOnlySpan<byte> data)
    {
        if (_events.HasObservers || _data.HasObservers)
        {
            // Subscribers may keep data slices: give them an owned copy, as the array path does.
            OnEvent(TelnetEvent.FromData(data.ToArray()));
            return;
        }

        OnData(data, default);
    }

    private void OnData(ReadOnlyMemory<byte> data) => OnData(data.Span, data);

    /// <summary>Queues cooked data for reads and hands it to the hot streams.</summary>
    /// <param name="span">The bytes.</param>
    /// <param name="owned">The same bytes as memory the session may keep; empty when <paramref name="span"/> is transient
    /// (nobody subscribes to the data streams then, and the queue copies it into pooled blocks).</param>
    private void OnData(ReadOnlySpan<byte> span, ReadOnlyMemory<byte> owned)
    {
        var transient = owned.IsEmpty;
        var completion = default(PendingCompletion);
        TelnetBufferLimitExceededException? overflow = null;
        lock (_gate)
        {
            if (_eof)
            {
                return;
            }

            // Without QueueForReads the session is consumed through the hot streams only: nothing to keep.
            if (_options.QueueForReads)
            {
                try
                {
                    // Cooked data are slices of owned, never reused arrays (see ITelnetTransport): queued without a copy.
                    // A pending ReadAll has its own, larger limit (MaxReadAllBytes): the queue's does not apply while it waits.
                    var bounded = _pending is not { TakesEverything: true };
                    if (transient)
                    {
                        _buffer.AppendPooled(span, bounded);
                    }
                    else
                    {
                        _buffer.AppendOwned(owned, bounded);
                    }

                    completion = EvaluatePending(ReadTrigger.Data);
                    UpdateReceiving();
                }
                catch (TelnetBufferLimitExceededException ex)
                {
                    // What was buffered before stays readable; the chunk that did not fit is reported, never silently dropped.
                    overflow = ex;
                    _fault = ex;
                }
            }
        }

        if (transient)
        {
            completion.Deliver();
        }
        else if (completion.ClosesSession)
        {
            // The read closes the session when delivered: the hot stream gets the chunk first, as every chunk before it.
            _data.OnNext(owned);
            completion.Deliver();
        }
        else
        {
            completion.Deliver();
            _data.OnNext(owned);
        }

        if (overflow is not null)
        {
            Shutdown(TelnetCloseReason.BufferLimitExceeded, overflow);
        }
    }

    private void OnCommand(TelnetCommand command)
    {
        var callback = Volatile.Read(ref _negotiationCallback);
        if (callback is not null)
        {
            callback(command);
        }
        else if (_options.TelnetlibRefusals)
        {
            if (command.IsNegotiation && command.Option is { } option)
            {
                // telnetlib answers every request, DONT and WONT included.
                var reply = command.Verb is TelnetVerb.Do or TelnetVerb.Dont ? TelnetVerb.Wont : TelnetVerb.Dont;
                _ = SendQuietlyAsync(TelnetEncoder.Negotiation(reply, option), isReply: true);
            }
        }
        else
        {
            // RFC 1143: answers only what changes state, so no sequence of requests can start a loop.
            Negotiate(command);
        }

        if (command.Verb == TelnetVerb.AreYouThere && !_options.TelnetlibRefusals)
        {
            OnAreYouThere();
        }

        _commands.OnNext(command);
    }

    private void OnTransportError(Exception error) =>
        Shutdown(TelnetCloseReason.TransportError, error);

    private void OnTransportCompleted() =>
        Shutdown(TelnetCloseReason.RemoteClose, null);

    /// <summary>
    /// Ends the session's reading side and, unless the peer only ended its own side, its writing side too. The peer's
    /// end of stream (<see cref="TelnetCloseReason.RemoteClose"/>) is a half-close: reads see the end, the hot streams
    /// complete and <see cref="State"/> says <see cref="TelnetCloseReason.RemoteClose"/>, but what is queued and what is
    /// written later still goes out, until <see cref="Close"/>, <see cref="Dispose"/> or a failed send ends the writing side.
    /// </summary>
    private void Shutdown(TelnetCloseReason reason, Exception? error)
    {
        if (error is TelnetBufferLimitExceededException limit)
        {
            _telemetry.LimitHit(limit);
        }

        var completion = default(PendingCompletion);
        IDisposable? subscription = null;
        bool endRead;
        bool endWrite;
        lock (_gate)
        {
            endRead = !_eof;
            endWrite = !_writeClosed && reason != TelnetCloseReason.RemoteClose && !(reason == TelnetCloseReason.DeadPeer && _eof);
            if (!endRead && !endWrite)
            {
                return;
            }

            if (endRead)
            {
                _eof = true;
                _fault ??= error;
                subscription = _receiveSubscription;
                _receiveSubscription = null;
                completion = EvaluatePending(ReadTrigger.End);
            }

            _writeClosed |= endWrite;
        }

        subscription?.Dispose();
        if (endWrite)
        {
            FailQueuedWrites(new TelnetClosedException($"The session closed ({reason})."));
            _transport.Close();
            _connectionEnded.TrySetResult();
        }

        if (!endRead)
        {
            // The writing side of a half-closed session ended: what it sent is complete.
            _rawSent.OnCompleted();
            return;
        }

        _telemetry.Closed(reason, error);
        SetState(new TelnetSessionState(TelnetSessionStatus.Closed, reason, error));

        if (reason == TelnetCloseReason.TransportError && error is not null)
        {
            _raw.OnError(error);
            _rawSent.OnError(error);
            _events.OnError(error);
            _data.OnError(error);
            _commands.OnError(error);
        }
        else
        {
            _raw.OnCompleted();
            _events.OnCompleted();
            _data.OnCompleted();
            _commands.OnCompleted();
            if (endWrite)
            {
                _rawSent.OnCompleted();
            }
        }

        StopOptionHandlers();
        _state.OnCompleted();
        _subscriberErrors.OnCompleted();

        // Last: a reader woken by the end of stream finds the session closed and every stream completed.
        completion.Deliver();
    }

    /// <summary>
    /// Pauses the transport while the queue is at the pause mark and no read waits for more; resumes it once reads
    /// took the queue down to half the mark, or a read has to wait. Called under <see cref="_gate"/> after every
    /// change to the queue or the pending read; the transport never calls back on this stack.
    /// </summary>
    private void UpdateReceiving()
    {
        if (_flowControl is null || _eof)
        {
            return;
        }

        var pauseAt = PauseMark(_options.MaxBufferedBytes);
        if (!_receivePaused)
        {
            if (_pending is null && _buffer.Length >= pauseAt)
            {
                _receivePaused = true;
                _flowControl.PauseReceiving();
            }
        }
        else if (_pending is not null || _buffer.Length <= pauseAt / 2)
        {
            _receivePaused = false;
            _flowControl.ResumeReceiving();
        }
    }

    /// <summary>
    /// The queue length at which receiving pauses: half the limit, so a chunk on its way still fits, but no more
    /// than <see cref="MaxPauseMark"/>: beyond that, holding more only costs memory and cache, as the transport
    /// buffers what follows (for TCP, the socket's buffers).
    /// </summary>
    private static int PauseMark(int limit) => Math.Min(limit - (limit / 2), MaxPauseMark);

    private void SetState(TelnetSessionState state)
    {
        lock (_gate)
        {
            _current = state;
        }

        _state.OnNext(state);
    }
}
