namespace RxTelnet.Compat;

using System.Net.Sockets;
using System.Reactive.Concurrency;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// A Telnet client shaped like Python's <c>telnetlib.Telnet</c>: the same methods under .NET names, the same
/// semantics, so that a telnetlib script ports line by line. Built on <see cref="TelnetSession"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Sync and async.</b> Every method that may wait has an <c>…Async</c> variant that takes a
/// <see cref="CancellationToken"/>. The synchronous variants block the calling thread on the asynchronous ones
/// (<c>GetAwaiter().GetResult()</c>), which is what a ported script expects; do not call them on a thread whose
/// <see cref="SynchronizationContext"/> runs continuations one at a time (a UI thread), and do not call them while a
/// <c>TestScheduler</c> drives the timeouts unless another thread advances its clock: use the async variants there.
/// </para>
/// <para>
/// <b>Parsing.</b> Received bytes are parsed once, on arrival, with <see cref="TelnetParserOptions.Telnetlib"/> cooking
/// (NUL and 0x11 are dropped everywhere, as telnetlib does). Option negotiation and subnegotiation data follow
/// telnetlib's rules exactly: see <see cref="SetOptionNegotiationCallback"/> and <see cref="ReadSbData"/>.
/// </para>
/// <para>
/// <b>Lifetime.</b> An instance holds at most one connection at a time. <see cref="Close"/> ends it; the data already
/// received stays readable and the reads then report end of stream, as telnetlib's reads do after <c>close()</c>.
/// <see cref="Dispose"/> and <see cref="DisposeAsync"/> close (telnetlib's context-manager exit) and forbid reopening.
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
    private TelnetSession? _session;
    private Connection? _connection;
    private Socket? _socket;
    private string? _host;
    private int _port;
    private TimeSpan? _timeout;
    private bool _opening;
    private bool _disposed;

    /// <summary>Creates an unconnected instance; call <see cref="Open"/> to connect (telnetlib's <c>Telnet()</c>).</summary>
    public Telnet()
    {
        _options = CreateOptions(null);
    }

    /// <summary>Creates an instance and connects it to <paramref name="host"/> (telnetlib's <c>Telnet(host, port, timeout)</c>).</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 0 means <see cref="TelnetPort"/>, as in telnetlib.</param>
    /// <param name="timeout">How long the connect may take; null to wait for the operating system's own timeout.</param>
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

    /// <summary>Creates an instance over a connected transport with session options (buffer limits, scheduler).</summary>
    /// <param name="transport">The connection; the instance owns it from now on.</param>
    /// <param name="options">The session options. Their parser options are replaced by <see cref="TelnetParserOptions.Telnetlib"/> (keeping the subnegotiation limit).</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> or <paramref name="options"/> is null.</exception>
    public Telnet(ITelnetTransport transport, TelnetSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        _options = CreateOptions(options);
        Attach(transport);
    }

    /// <summary>Gets the host of the last <see cref="Open"/> (telnetlib's <c>host</c>); null for an instance built over a transport.</summary>
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

    /// <summary>Gets the timeout given to the last <see cref="Open"/> (telnetlib's <c>timeout</c>); null when none was given.</summary>
    /// <remarks>
    /// It bounds the connect and is set as the socket's send and receive timeout (which applies to synchronous socket
    /// calls, such as a negotiation callback's <c>Socket.Send</c>). Unlike telnetlib, the reads do not fail after that
    /// much silence: give them their own timeout or cancellation token.
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
    /// Gets whether the connection has reached its end (telnetlib's <c>eof</c>): the peer closed it, it failed, or
    /// <see cref="Close"/> was called. Data received before the end may still be buffered.
    /// </summary>
    /// <remarks>telnetlib notices the end only when a read reaches it; RxTelnet notices it when it arrives.</remarks>
    public bool Eof => CurrentSession?.IsEof ?? false;

    /// <summary>Gets the session of the current connection, for its hot streams and Rx reads; null before the first <see cref="Open"/>.</summary>
    /// <remarks>
    /// Its reads consume the same queue as this instance's. Leave its negotiation callback alone: the facade sets it so
    /// that it alone answers negotiations, telnetlib's way.
    /// </remarks>
    public TelnetSession? Session => CurrentSession;

    private TelnetSession? CurrentSession
    {
        get
        {
            lock (_gate)
            {
                return _session;
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
    /// <returns>The handle, or -1 when there is no open socket (Python's <c>socket.fileno()</c> of a closed socket).</returns>
    public nint FileNo()
    {
        var socket = GetSocket();
        if (socket is null)
        {
            return -1;
        }

        try
        {
            return socket.Handle;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    private static TelnetSessionOptions CreateOptions(TelnetSessionOptions? options)
    {
        var given = options ?? TelnetSessionOptions.Default;
        return given with
        {
            Parser = TelnetParserOptions.Telnetlib with { MaxSubnegotiationLength = given.Parser.MaxSubnegotiationLength },
        };
    }

    private void Attach(ITelnetTransport transport)
    {
        var connection = new Connection(this, _options.MaxBufferedBytes, _options.Parser.MaxSubnegotiationLength);
        var session = new TelnetSession(new TelnetlibTransport(transport, connection.OnReceived, connection.OnEnd), _options);

        // The facade answers negotiations itself, exactly where telnetlib does (see Connection): keep the session from
        // sending refusals of its own.
        session.SetOptionNegotiationCallback(static _ => { });
        lock (_gate)
        {
            _session = session;
            _connection = connection;
            _socket = transport.Socket;
        }

        session.Start();
    }

    private TelnetSession RequireSession() =>
        CurrentSession ?? throw new TelnetClosedException("This Telnet instance is not connected; call Open first.");

    /// <summary>What every read does first: handle the commands held since the connection opened, then report a callback failure.</summary>
    private TelnetSession BeginRead()
    {
        TelnetSession session;
        Connection? connection;
        lock (_gate)
        {
            session = _session ?? throw new TelnetClosedException("This Telnet instance is not connected; call Open first.");
            connection = _connection;
        }

        connection?.Activate();
        ThrowIfCallbackFailed();
        return session;
    }
}
