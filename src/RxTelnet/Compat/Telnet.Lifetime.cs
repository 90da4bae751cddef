namespace RxTelnet.Compat;

using System.Diagnostics;
using System.Net.Sockets;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <content>Opening and closing: telnetlib's <c>open</c>, <c>close</c> and context-manager exit.</content>
public sealed partial class Telnet
{
    /// <summary>Connects to <paramref name="host"/> (telnetlib's <c>open</c>); blocks until connected.</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 0 means <see cref="TelnetPort"/>, as in telnetlib.</param>
    /// <param name="timeout">How long the connect may take; null to wait for the operating system's own timeout.</param>
    /// <exception cref="InvalidOperationException">The instance is already connected (telnetlib: "don't try to reopen an already connected instance").</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535 or <paramref name="timeout"/> is negative.</exception>
    /// <exception cref="TimeoutException">The connect took longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">The connection was refused or the host is unknown.</exception>
    /// <remarks>
    /// Raises <see cref="TelnetAudit.OpenEventName"/> with (this, host, port) before connecting, as telnetlib raises
    /// <c>telnetlib.Telnet.open</c>. Reopening after <see cref="Close"/> is allowed and, as in telnetlib, keeps the
    /// queues: cooked data left unread from the previous connection is read first.
    /// </remarks>
    public void Open(string host, int port = TelnetPort, TimeSpan? timeout = null) =>
        OpenAsync(host, port, timeout).GetAwaiter().GetResult();

    /// <summary>Connects to <paramref name="host"/>; see <see cref="Open"/>.</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 0 means <see cref="TelnetPort"/>.</param>
    /// <param name="timeout">How long the connect may take; null to wait for the operating system's own timeout.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>A task that completes when connected.</returns>
    /// <exception cref="InvalidOperationException">The instance is already connected, or another open is in progress.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535 or <paramref name="timeout"/> is negative.</exception>
    /// <exception cref="TimeoutException">The connect took longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">The connection was refused or the host is unknown.</exception>
    /// <exception cref="TelnetClosedException"><see cref="Close"/> was called while connecting; the new connection was closed.</exception>
    public Task OpenAsync(string host, int port = TelnetPort, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        // Bad arguments throw here, at the call, not on the returned task.
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (timeout is { } t && t < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The connect timeout must not be negative.");
        }

        return OpenCoreAsync(host, port, timeout, cancellationToken);
    }

    private async Task OpenCoreAsync(string host, int port, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (port == 0)
        {
            port = TelnetPort;
        }

        TelnetSocket? previous;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_opening)
            {
                throw new InvalidOperationException("This Telnet instance is already opening a connection.");
            }

            if (_sock is not null && !_eof)
            {
                throw new InvalidOperationException(
                    $"This Telnet instance is already connected to {_host ?? "a transport"}:{_port}; close it before opening another connection.");
            }

            // telnetlib's open: eof, host, port and timeout are set before the connect; the queues are kept.
            _opening = true;
            _closedWhileOpening = false;
            previous = _sock ?? _closedSock;
            _closedSock = null;
            _sock = null;
            _socket = null;
            _eof = false;
            _host = host;
            _port = port;
            _timeout = timeout;
        }

        try
        {
            previous?.Dispose();
            TelnetAudit.RaiseOpen(this, host, port);
            using var activity = TelnetAudit.ActivitySource.StartActivity(TelnetAudit.OpenEventName, ActivityKind.Client);
            activity?.SetTag(TelnetAudit.HostTag, host);
            activity?.SetTag(TelnetAudit.PortTag, port);
            SocketTransport transport;
            try
            {
                transport = await SocketTransport.ConnectAsync(host, port, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                throw;
            }

            if (timeout is { } limit && transport.Socket is { } socket)
            {
                // telnetlib's timeout is the socket's timeout: also for synchronous calls on the socket (a callback's Send).
                var ms = (int)Math.Min(int.MaxValue, Math.Max(1, limit.TotalMilliseconds));
                socket.SendTimeout = ms;
                socket.ReceiveTimeout = ms;
            }

            Attach(transport);
        }
        finally
        {
            lock (_gate)
            {
                _opening = false;
            }
        }
    }

    /// <summary>Closes the connection (telnetlib's <c>close</c>). Idempotent.</summary>
    /// <remarks>
    /// As in telnetlib: <see cref="GetSocket"/> then returns null, <see cref="Eof"/> is true, and a command or
    /// subnegotiation split by the close is forgotten; the cooked queue stays readable, after which the reads report the
    /// end of the stream. Reads that need the connection (a wait, a <c>recv</c>, a refusal, <c>Expect</c>'s selector)
    /// throw <see cref="TelnetClosedException"/> where telnetlib fails with <c>AttributeError</c>. A read waiting on
    /// another thread wakes and ends as at the end of the stream.
    /// </remarks>
    public void Close()
    {
        TelnetSocket? sock;
        lock (_gate)
        {
            sock = _sock;
            _sock = null;
            _closedSock = sock ?? _closedSock;
            _socket = null;
            _closedWhileOpening = _opening;
            _eof = true;
            _iacseqLength = 0;
            _sb = 0;
        }

        sock?.Close();
    }

    /// <summary>Closes the connection and releases the transport (telnetlib's context-manager exit). The instance cannot be reopened.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        // Close keeps the connection it closes (or closed before) for this: its transport is released here.
        Close();
        TelnetSocket? closed;
        lock (_gate)
        {
            closed = _closedSock;
            _closedSock = null;
        }

        closed?.Dispose();
    }

    /// <summary>Closes the connection and releases the transport; see <see cref="Dispose"/>.</summary>
    /// <returns>A completed task: closing never waits.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
