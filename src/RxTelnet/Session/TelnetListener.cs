namespace RxTelnet.Session;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using RxTelnet.Diagnostics;
using RxTelnet.Transport;

/// <summary>
/// The server side: listens on a local end point and turns each accepted connection into a
/// <see cref="TelnetSession"/> of the same type a client uses.
/// </summary>
/// <remarks>
/// <para>
/// Each session is emitted on <see cref="Sessions"/> before it starts receiving and is started right after
/// <c>OnNext</c> returns, so a subscriber can attach to its hot streams, set a negotiation callback and send its
/// opening negotiation without missing a byte. Disposing the listener stops accepting; sessions already
/// accepted live on until they are closed.
/// </para>
/// <para>
/// <b>Threads.</b> The accept loop only accepts: each connection is wrapped, emitted and started on a thread-pool
/// work item of its own (TLS connections after their handshake, bounded by <see cref="HandshakeTimeout"/>), and
/// each session receives on its own loop, so one client, however hostile, delays neither the accept nor the
/// greeting of another. <c>OnNext</c> calls are serialised (Rx grammar), so a subscriber should do its per-session
/// work quickly or hand it off. At most <see cref="MaxSessions"/> sessions are open at once: a connection past that
/// is closed at once, without a session, and counted in <see cref="RejectedCount"/>.
/// </para>
/// </remarks>
public sealed class TelnetListener : IDisposable, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TelnetSessionOptions? _options;
    private readonly X509Certificate2? _certificate;
    private readonly Subject<TelnetSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ILogger _log;
    private readonly ILogger _transportLog;
    private readonly TelnetMetrics _metrics;
    private long _accepted;
    private long _rejected;
    private int _active;
    private bool _ended;
    private int _stopping;

    private TelnetListener(Socket socket, TelnetSessionOptions? options, X509Certificate2? certificate, int maxSessions)
    {
        _socket = socket;
        _options = options;
        _certificate = certificate;
        MaxSessions = maxSessions;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        var loggers = (options ?? TelnetSessionOptions.Default).LoggerFactory;
        _log = loggers.CreateLogger(TelnetDiagnostics.ListenerCategory);
        _transportLog = loggers.CreateLogger(TelnetDiagnostics.TransportCategory);
        _metrics = TelnetMetrics.For(options?.MeterFactory);
        TelnetLog.ListenerStarted(_log, LocalEndPoint, certificate is null ? "plain" : "TLS", maxSessions);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    /// <summary>Gets the end point the listener is bound to (with the real port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Gets the accepted sessions (hot); completes when the listener is disposed, errors if accepting fails.</summary>
    public IObservable<TelnetSession> Sessions => _sessions.AsObservable();

    /// <summary>The default most sessions a listener keeps open at once: 1024.</summary>
    public const int DefaultMaxSessions = 1024;

    /// <summary>How long a TLS client may take to complete its handshake before it is dropped: 10 seconds.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets how many connections were accepted so far (rejected ones included).</summary>
    public long AcceptedCount => Interlocked.Read(ref _accepted);

    /// <summary>Gets how many connections were closed at once because <see cref="MaxSessions"/> sessions were open.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Gets how many accepted connections hold a place now: open sessions and TLS handshakes under way.</summary>
    public int ActiveSessionCount => Volatile.Read(ref _active);

    /// <summary>Gets the most sessions (TLS handshakes under way included) this listener keeps open at once.</summary>
    public int MaxSessions { get; }

    /// <summary>Starts listening on <paramref name="endPoint"/>.</summary>
    /// <param name="endPoint">Where to listen, for example <c>new IPEndPoint(IPAddress.Loopback, 0)</c>.</param>
    /// <param name="options">Options for every accepted session.</param>
    /// <param name="backlog">The most pending connections the operating system queues.</param>
    /// <param name="certificate">A certificate with its private key to serve Telnet over TLS (telnets); null for plain Telnet.</param>
    /// <param name="maxSessions">The most sessions open at once; a connection past it is closed at once and counted in <see cref="RejectedCount"/>.</param>
    /// <returns>The running listener.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> or <paramref name="maxSessions"/> is less than 1.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public static TelnetListener Start(
        IPEndPoint endPoint,
        TelnetSessionOptions? options = null,
        int backlog = 512,
        X509Certificate2? certificate = null,
        int maxSessions = DefaultMaxSessions)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(backlog, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new TelnetListener(socket, options, certificate, maxSessions);
    }

    /// <summary>Stops accepting and completes <see cref="Sessions"/>. Idempotent.</summary>
    /// <remarks>Blocks until the accept loop has ended; prefer <see cref="DisposeAsync"/> on a thread that must not block.</remarks>
    public void Dispose()
    {
        if (!BeginStop())
        {
            return;
        }

        try
        {
            _acceptLoop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Stops accepting and completes <see cref="Sessions"/>, without blocking a thread while the accept loop ends.
    /// Idempotent, and interchangeable with <see cref="Dispose"/>; sessions already accepted live on until they are closed.
    /// </summary>
    /// <returns>A task that completes once the accept loop has ended and <see cref="Sessions"/> has completed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!BeginStop())
        {
            return;
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Cancels the accept loop and closes the listening socket; false when another call already did.</summary>
    private bool BeginStop()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return false;
        }

        _stop.Cancel();
        _socket.Dispose();
        TelnetLog.ListenerStopped(_log, LocalEndPoint, AcceptedCount, RejectedCount);
        return true;
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        await Task.Yield();
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                End(null);
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The client gave up before we accepted it: nothing to serve.
                continue;
            }
            catch (Exception ex)
            {
                End(ex);
                return;
            }

            Interlocked.Increment(ref _accepted);
            if (Interlocked.Increment(ref _active) > MaxSessions)
            {
                // A connection flood must not exhaust the process: past the limit, no session, no thread, no buffer.
                Interlocked.Decrement(ref _active);
                Interlocked.Increment(ref _rejected);
                _metrics.LimitHits.Add(
                    1,
                    new KeyValuePair<string, object?>(TelnetDiagnostics.LimitTag, nameof(MaxSessions)),
                    new KeyValuePair<string, object?>(TelnetDiagnostics.SideTag, "server"));
                ListenerLog.SessionLimitHit(_log, LocalEndPoint, MaxSessions, EndPoints.Remote(accepted));
                accepted.Dispose();
                continue;
            }

            if (_log.IsEnabled(LogLevel.Debug))
            {
                TelnetLog.ConnectionAccepted(_log, LocalEndPoint, EndPoints.Remote(accepted), ActiveSessionCount);
            }

            // Off the accept loop: nothing about this connection delays the next accept.
            var certificate = _certificate;
            _ = Task.Run(() => certificate is null ? ServePlain(accepted) : HandshakeAsync(accepted, certificate, token), CancellationToken.None);
        }
    }

    /// <summary>
    /// Starts the <see cref="TelnetDiagnostics.AcceptActivityName"/> span of one connection. Called on the
    /// connection's own work item, so it is the current activity there only, never on the accept loop.
    /// </summary>
    private Activity? StartAcceptActivity(Socket accepted)
    {
        var activity = TelnetDiagnostics.ActivitySource.StartActivity(TelnetDiagnostics.AcceptActivityName, ActivityKind.Server);
        if (activity is not null)
        {
            activity.SetTag("server.port", LocalEndPoint.Port);
            if (EndPoints.Remote(accepted) is IPEndPoint remote)
            {
                activity.SetTag("client.address", remote.Address.ToString());
                activity.SetTag("client.port", remote.Port);
            }

            activity.SetTag("tls", _certificate is not null);
        }

        return activity;
    }

    private static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelnetDiagnostics.ErrorTypeTag, ConnectTelemetry.ErrorType(error));
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.Dispose();
    }

    private Task ServePlain(Socket accepted)
    {
        var activity = StartAcceptActivity(accepted);
        SocketTransport transport;
        try
        {
            accepted.NoDelay = true;
            transport = new SocketTransport(accepted);
        }
        catch (Exception ex) when (ex is ArgumentException or SocketException or ObjectDisposedException)
        {
            // Disconnected between accept and wrap.
            Fail(activity, ex);
            accepted.Dispose();
            Interlocked.Decrement(ref _active);
            return Task.CompletedTask;
        }

        Serve(transport, activity);
        return Task.CompletedTask;
    }

    private async Task HandshakeAsync(Socket accepted, X509Certificate2 certificate, CancellationToken token)
    {
        var activity = StartAcceptActivity(accepted);
        TlsTransport transport;
        var remote = EndPoints.Remote(accepted);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(HandshakeTimeout);
        try
        {
            accepted.NoDelay = true;
            transport = await TlsTransport.AcceptAsync(accepted, certificate, limit.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A client that fails the handshake, or takes too long, gets no session; the socket is already disposed.
            TelnetLog.TlsHandshakeFailed(_transportLog, LocalEndPoint, remote, ConnectTelemetry.ErrorType(ex), ex);
            Fail(activity, ex);
            accepted.Dispose();
            Interlocked.Decrement(ref _active);
            return;
        }

        Serve(transport, activity);
    }

    /// <summary>Ends <see cref="Sessions"/> once, serialised with the sessions handed out.</summary>
    private void End(Exception? error)
    {
        lock (_sessions)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (error is null)
            {
                _sessions.OnCompleted();
            }
            else
            {
                _sessions.OnError(error);
            }
        }
    }

    /// <summary>Hands the connection to the subscribers as a session, ends its accept span, then starts the session.</summary>
    private void Serve(ITelnetTransport transport, Activity? activity)
    {
        var session = new TelnetSession(transport, _options);
        session.MarkListenerSession();
        // The place is held until the connection is closed both ways: a peer that half-closes keeps its socket, and
        // so its place, until the server closes the session.
        _ = session.ConnectionEnded.ContinueWith(
            _ => Interlocked.Decrement(ref _active), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            // Sessions start on different threads: keep OnNext calls serial (Rx grammar), and none after the end.
            lock (_sessions)
            {
                if (_ended)
                {
                    // Accepted (or still in its TLS handshake) when the listener stopped: nobody can take it now.
                    activity?.Dispose();
                    session.Dispose();
                    return;
                }

                _sessions.OnNext(session);
            }
        }
        catch (Exception ex)
        {
            // A subscriber that throws must not stop the listener; the session it failed on is closed.
            Fail(activity, ex);
            session.Dispose();
            return;
        }

        // Ended before the session starts receiving: the session's own work is not part of the accept.
        activity?.Dispose();

        // The subscriber may already have closed or disposed the session (a server that only greets).
        session.TryStart();
    }
}
