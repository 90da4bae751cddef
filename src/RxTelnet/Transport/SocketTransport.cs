namespace RxTelnet.Transport;

using System.Net;
using System.Net.Sockets;

/// <summary>A TCP transport: connects by host name or address (IPv4 or IPv6), or wraps an accepted socket.</summary>
public sealed class SocketTransport : StreamTransport
{
    /// <summary>The Telnet port, 23 (telnetlib's <c>TELNET_PORT</c>).</summary>
    public const int DefaultPort = 23;

    private readonly Socket _socket;

    /// <summary>Wraps a connected socket (for example one accepted by a listener). The transport owns it.</summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="receiveBufferSize">The most bytes one read asks for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="socket"/> is not connected.</exception>
    public SocketTransport(Socket socket, int receiveBufferSize = DefaultReceiveBufferSize)
        : base(CreateStream(socket), ownsStream: true, receiveBufferSize)
    {
        _socket = socket;
    }

    /// <inheritdoc/>
    public override Socket? Socket => _socket;

    /// <inheritdoc/>
    public override EndPoint? RemoteEndPoint => SafeEndPoint(static s => s.RemoteEndPoint);

    /// <inheritdoc/>
    public override EndPoint? LocalEndPoint => SafeEndPoint(static s => s.LocalEndPoint);

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, trying each resolved address in turn.</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 23 by default.</param>
    /// <param name="timeout">How long the whole connect may take; <see cref="Timeout.InfiniteTimeSpan"/> to wait for the operating system's own timeout.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535, or <paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="TimeoutException">The connect did not complete within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">No address accepted the connection.</exception>
    public static Task<SocketTransport> ConnectAsync(string host, int port = DefaultPort, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        // Checked here, not in the async body, so that bad arguments throw at once instead of faulting the task.
        var limit = ValidateConnectArguments(host, port, timeout);
        return ConnectCoreAsync(host, port, limit, cancellationToken);
    }

    /// <summary>Checks a connect's arguments; returns the timeout, infinite when null.</summary>
    internal static TimeSpan ValidateConnectArguments(string host, int port, TimeSpan? timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is between 0 and 65535.");
        }

        var limit = timeout ?? Timeout.InfiniteTimeSpan;
        if (limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The connect timeout must not be negative.");
        }

        return limit;
    }

    private static async Task<SocketTransport> ConnectCoreAsync(string host, int port, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit != Timeout.InfiniteTimeSpan)
        {
            cts.CancelAfter(limit);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            return new SocketTransport(socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to {host}:{port} took longer than {limit}.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void OnClosing()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static NetworkStream CreateStream(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!socket.Connected)
        {
            throw new ArgumentException("The socket must be connected.", nameof(socket));
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    private EndPoint? SafeEndPoint(Func<Socket, EndPoint?> get)
    {
        try
        {
            return get(_socket);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
