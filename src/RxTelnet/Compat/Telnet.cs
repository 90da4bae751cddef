namespace RxTelnet.Compat;

using System.Net.Sockets;
using System.Reactive.Concurrency;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// A Telnet client shaped like Python's <c>telnetlib.Telnet</c>, and run as telnetlib runs: the same methods under .NET
/// names, the same algorithm, so that a telnetlib script ports line by line and sees what it saw in Python, read for read.
/// </summary>
/// <remarks>
/// <para>
/// <b>telnetlib's own pull model.</b> Received bytes wait at the connection (as in a socket's buffer) until a read
/// pulls them: <see cref="FillRawq"/> takes at most 50 bytes (one <c>recv(50)</c>), <see cref="ProcessRawq"/> cooks
/// the raw queue into the cooked and subnegotiation queues exactly as telnetlib does (its quirks included) and answers
/// negotiations, or calls the callback, at that moment. The end of the stream is seen when a read reaches it. Every
/// read and <see cref="Expect(IReadOnlyList{System.Text.RegularExpressions.Regex}, TimeSpan?)"/> follow telnetlib's code path step by step, with
/// time from the instance's <see cref="IScheduler"/> (a <c>TestScheduler</c> for virtual time).
/// </para>
/// <para>
/// <b>Sync and async.</b> Every method that may wait has an <c>…Async</c> variant that takes a
/// <see cref="CancellationToken"/>. The synchronous variants block the calling thread on the asynchronous ones
/// (<c>GetAwaiter().GetResult()</c>), which is what a ported script expects; do not call them on a thread whose
/// <see cref="SynchronizationContext"/> runs continuations one at a time (a UI thread), and do not call them while a
/// <c>TestScheduler</c> drives the timeouts unless another thread advances its clock: use the async variants there.
/// One read runs at a time (a second concurrent read throws <see cref="InvalidOperationException"/>); writes may come
/// from any thread.
/// </para>
/// <para>
/// <b>Half-close.</b> The peer's end of stream ends the reading side only: refusals and writes still go out, as they
/// do from telnetlib's half-closed socket, until <see cref="Close"/> or a failed send.
/// </para>
/// <para>
/// <b>Bounds.</b> telnetlib's queues grow without limit; here the bytes waiting at the connection are bounded by
/// <see cref="TelnetSessionOptions.MaxBufferedBytes"/> (receiving pauses first, over sockets), the cooked queue by
/// <see cref="TelnetSessionOptions.MaxReadAllBytes"/>, the subnegotiation data by
/// <see cref="TelnetParserOptions.MaxSubnegotiationLength"/> and the bytes waiting to be sent by
/// <see cref="TelnetSessionOptions.MaxPendingSendBytes"/> (the reads wait while refusals are not taken, as telnetlib's
/// <c>sendall</c> blocks). Going past a bound is a <see cref="TelnetBufferLimitExceededException"/>, never a silent cut.
/// </para>
/// <para>
/// <b>Audit.</b> <see cref="Open"/> and <see cref="Write"/> raise the audit events telnetlib raises through
/// <c>sys.audit</c>, on <see cref="TelnetAudit.DiagnosticListener"/> and <see cref="TelnetAudit.ActivitySource"/>.
/// </para>
/// </remarks>
public sealed partial class Telnet : IDisposable, IAsyncDisposable
{
    /// <summary>The default Telnet port, 23 (telnetlib's <c>TELNET_PORT</c>).</summary>
    public const int TelnetPort = SocketTransport.DefaultPort;

    private readonly object _gate = new();
    private readonly TelnetSessionOptions _options;
    private TelnetSocket? _sock;

    // The connection Close closed, kept until Dispose or the next Open releases its transport.
    private TelnetSocket? _closedSock;
    private Socket? _socket;
    private string? _host;
    private int _port;
    private TimeSpan? _timeout;
    private bool _opening;

    // Set by Close while an open is connecting: the connection it makes is closed instead of attached.
    private bool _closedWhileOpening;
    private bool _disposed;

    /// <summary>Creates an unconnected instance; call <see cref="Open"/> to connect (telnetlib's <c>Telnet()</c>).</summary>
    public Telnet()
    {
        _options = TelnetSessionOptions.Default;
    }

    /// <summary>Creates an instance and connects it to <paramref name="host"/> (telnetlib's <c>Telnet(host, port, timeout)</c>).</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 0 means <see cref="TelnetPort"/>, as in telnetlib.</param>
    /// <param name="timeout">How long the connect, and later each wait for received data inside a read, may take (telnetlib's socket timeout); null for no limit.</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535 or <paramref name="timeout"/> is negative.</exception>
    /// <exception cref="TimeoutException">The connect took longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">The connection was refused or the host is unknown.</exception>
    public Telnet(string host, int port = TelnetPort, TimeSpan? timeout = null)
        : this()
    {
        Open(host, port, timeout);
    }

    /// <summary>
    /// Creates an instance over a connected transport, for example one end of <see cref="InMemoryTransport.CreatePair"/>
    /// or an <see cref="ObservableTransport"/>, so that a ported script runs without a network.
    /// </summary>
    /// <param name="transport">The connection; the instance owns it from now on.</param>
    /// <param name="scheduler">The scheduler read timeouts run on (a <c>TestScheduler</c> for virtual time); <see cref="TelnetSchedulers.TimeBasedOperations"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    public Telnet(ITelnetTransport transport, IScheduler? scheduler = null)
        : this(transport, scheduler is null ? TelnetSessionOptions.Default : new TelnetSessionOptions { Scheduler = scheduler })
    {
    }

    /// <summary>Creates an instance over a connected transport with options (scheduler, bounds).</summary>
    /// <param name="transport">The connection; the instance owns it from now on.</param>
    /// <param name="options">The scheduler and the bounds (see the class remarks); other settings do not apply to the facade.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> or <paramref name="options"/> is null.</exception>
    public Telnet(ITelnetTransport transport, TelnetSessionOptions options)
        : this(transport, null, 0, null, options ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>
    /// Creates an instance over a connected transport that stands for a connection to <paramref name="host"/>:<paramref name="port"/>:
    /// <see cref="Host"/>, <see cref="Port"/> and <see cref="Timeout"/> are set as <c>open</c> sets them, and the debug
    /// messages name them.
    /// </summary>
    /// <param name="transport">The connection; the instance owns it from now on.</param>
    /// <param name="host">The host shown in messages (telnetlib's <c>host</c>); null shows <c>None</c>.</param>
    /// <param name="port">The port shown in messages (telnetlib's <c>port</c>).</param>
    /// <param name="timeout">telnetlib's socket timeout: how long each wait for received data inside a read may take before <see cref="TimeoutException"/>; null for no limit.</param>
    /// <param name="options">The scheduler and the bounds; <see cref="TelnetSessionOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Telnet(ITelnetTransport transport, string? host, int port, TimeSpan? timeout = null, TelnetSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (timeout is { } t && t < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative.");
        }

        _options = options ?? TelnetSessionOptions.Default;
        _host = host;
        _port = port;
        _timeout = timeout;
        Attach(transport);
    }

    /// <summary>Gets the host of the last <see cref="Open"/> (telnetlib's <c>host</c>); null before any, or for an instance built over a transport without one.</summary>
    public string? Host
    {
        get
        {
            lock (_gate)
            {
                return _host;
            }
        }
    }

    /// <summary>Gets the port of the last <see cref="Open"/> (telnetlib's <c>port</c>); 0 before any.</summary>
    public int Port
    {
        get
        {
            lock (_gate)
            {
                return _port;
            }
        }
    }

    /// <summary>Gets the timeout given to the last <see cref="Open"/> (telnetlib's <c>timeout</c>, the socket's timeout); null when none was given.</summary>
    /// <remarks>
    /// As in telnetlib, it bounds the connect and then every wait for received data that a read makes without a
    /// timeout of its own (<see cref="ReadAll"/>, <see cref="ReadSome"/>, <see cref="FillRawq"/>, <see cref="Expect(IReadOnlyList{System.Text.RegularExpressions.Regex}, TimeSpan?)"/>
    /// without a timeout): past it they throw <see cref="TimeoutException"/> (Python's <c>TimeoutError: timed out</c>).
    /// </remarks>
    public TimeSpan? Timeout
    {
        get
        {
            lock (_gate)
            {
                return _timeout;
            }
        }
    }

    /// <summary>
    /// Gets telnetlib's <c>eof</c>: true once a read reached the end of the stream (a <c>recv</c> returned nothing), or
    /// after <see cref="Close"/>. Data received before the end may still be queued.
    /// </summary>
    public bool Eof
    {
        get
        {
            lock (_gate)
            {
                return _eof;
            }
        }
    }

    /// <summary>Gets the socket of the connection (telnetlib's <c>get_socket</c>); null when not connected, after <see cref="Close"/>, or over a transport without a socket.</summary>
    /// <returns>The socket, or null.</returns>
    public Socket? GetSocket()
    {
        lock (_gate)
        {
            return _socket;
        }
    }

    /// <summary>Gets the operating-system handle of the socket (telnetlib's <c>fileno</c>): a file descriptor on Unix, a SOCKET on Windows.</summary>
    /// <returns>
    /// The handle, or -1 when there is no open socket: after <see cref="Close"/>, over a transport without a socket, or
    /// once the socket itself was closed (Python's <c>socket.fileno()</c> of a closed socket).
    /// </returns>
    public nint FileNo()
    {
        // Socket.Handle keeps answering the number the socket had after it is closed, which may by then be another
        // file's: ask the handle whether it is still open.
        var handle = GetSocket()?.SafeHandle;
        return handle is null || handle.IsClosed ? -1 : handle.DangerousGetHandle();
    }

    private IScheduler Scheduler => _options.Scheduler;

    private void Attach(ITelnetTransport transport)
    {
        var sock = new TelnetSocket(transport, _options.Scheduler, _options.MaxBufferedBytes, _options.MaxPendingSendBytes);
        lock (_gate)
        {
            if (!_disposed && !_closedWhileOpening)
            {
                _sock = sock;
                _socket = transport.Socket;
                return;
            }
        }

        // Closed or disposed while connecting: the new connection has no owner, and must not come alive after Close.
        sock.Dispose();
        throw _disposed
            ? new ObjectDisposedException(nameof(Telnet), "The Telnet instance was disposed while it was connecting.")
            : new TelnetClosedException($"Close was called while connecting to {_host}:{_port}; the new connection was closed.");
    }

    /// <summary>The connection, as telnetlib's <c>self.sock</c>: where telnetlib would fail with <c>AttributeError</c> on <c>None</c>, a typed exception.</summary>
    private TelnetSocket RequireSocket() =>
        Volatile.Read(ref _sock) ?? throw new TelnetClosedException("This Telnet instance has no connection (never opened, or closed).");
}
