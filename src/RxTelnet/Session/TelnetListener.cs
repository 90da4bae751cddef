namespace RxTelnet.Session;

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Transport;

/// <summary>
/// The server side: listens on a local end point and turns each accepted connection into a
/// <see cref="TelnetSession"/> of the same type a client uses.
/// </summary>
/// <remarks>
/// Each session is emitted on <see cref="Sessions"/> before it starts receiving and is started right after
/// <c>OnNext</c> returns, so a subscriber can attach to its hot streams, set a negotiation callback and send its
/// opening negotiation without missing a byte. Disposing the listener stops accepting; sessions already
/// accepted live on until they are closed.
/// </remarks>
public sealed class TelnetListener : IDisposable
{
    private readonly Socket _socket;
    private readonly TelnetSessionOptions? _options;
    private readonly X509Certificate2? _certificate;
    private readonly Subject<TelnetSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private long _accepted;

    private TelnetListener(Socket socket, TelnetSessionOptions? options, X509Certificate2? certificate)
    {
        _socket = socket;
        _options = options;
        _certificate = certificate;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    /// <summary>Gets the end point the listener is bound to (with the real port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Gets the accepted sessions (hot); completes when the listener is disposed, errors if accepting fails.</summary>
    public IObservable<TelnetSession> Sessions => _sessions.AsObservable();

    /// <summary>Gets how many connections were accepted so far.</summary>
    public long AcceptedCount => Interlocked.Read(ref _accepted);

    /// <summary>Starts listening on <paramref name="endPoint"/>.</summary>
    /// <param name="endPoint">Where to listen, for example <c>new IPEndPoint(IPAddress.Loopback, 0)</c>.</param>
    /// <param name="options">Options for every accepted session.</param>
    /// <param name="backlog">The most pending connections the operating system queues.</param>
    /// <param name="certificate">A certificate with its private key to serve Telnet over TLS (telnets); null for plain Telnet.</param>
    /// <returns>The running listener.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> is less than 1.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public static TelnetListener Start(IPEndPoint endPoint, TelnetSessionOptions? options = null, int backlog = 512, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(backlog, 1);
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

        return new TelnetListener(socket, options, certificate);
    }

    /// <summary>Stops accepting and completes <see cref="Sessions"/>. Idempotent.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _acceptLoop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
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
                _sessions.OnCompleted();
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The client gave up before we accepted it: nothing to serve.
                continue;
            }
            catch (Exception ex)
            {
                _sessions.OnError(ex);
                return;
            }

            accepted.NoDelay = true;
            Interlocked.Increment(ref _accepted);
            if (_certificate is null)
            {
                SocketTransport transport;
                try
                {
                    transport = new SocketTransport(accepted);
                }
                catch (ArgumentException)
                {
                    // Disconnected between accept and wrap.
                    accepted.Dispose();
                    continue;
                }

                Serve(transport);
            }
            else
            {
                // A slow or failing handshake must not hold up the accept loop.
                _ = HandshakeAsync(accepted, _certificate, token);
            }
        }
    }

    private async Task HandshakeAsync(Socket accepted, X509Certificate2 certificate, CancellationToken token)
    {
        TlsTransport transport;
        try
        {
            transport = await TlsTransport.AcceptAsync(accepted, certificate, token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A client that fails the handshake gets no session; the socket is already disposed.
            return;
        }

        Serve(transport);
    }

    private void Serve(ITelnetTransport transport)
    {
        var session = new TelnetSession(transport, _options);
        try
        {
            // TLS handshakes finish on different threads: keep OnNext calls serial (Rx grammar).
            lock (_sessions)
            {
                _sessions.OnNext(session);
            }
        }
        catch (Exception)
        {
            // A subscriber that throws must not stop the listener; the session it failed on is closed.
            session.Dispose();
            return;
        }

        // The subscriber may already have closed or disposed the session (a server that only greets).
        session.TryStart();
    }
}
