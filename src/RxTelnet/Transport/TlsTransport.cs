namespace RxTelnet.Transport;

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

/// <summary>Telnet over TLS ("telnets", port 992): a <see cref="SslStream"/> over a TCP socket.</summary>
/// <remarks>
/// Certificates are validated by the operating system's rules unless a validation callback is given; a
/// self-signed or mismatched certificate fails the connect with <see cref="AuthenticationException"/>.
/// </remarks>
public sealed class TlsTransport : StreamTransport
{
    /// <summary>The telnets port, 992.</summary>
    public const int DefaultPort = 992;

    private readonly Socket _socket;

    private TlsTransport(SslStream stream, Socket socket)
        : base(stream, ownsStream: true)
    {
        _socket = socket;
        SslStream = stream;
    }

    /// <summary>Gets the TLS stream (negotiated protocol, cipher, remote certificate).</summary>
    public SslStream SslStream { get; }

    /// <inheritdoc/>
    public override Socket? Socket => _socket;

    /// <inheritdoc/>
    public override EndPoint? RemoteEndPoint => _socket.Connected ? _socket.RemoteEndPoint : null;

    /// <inheritdoc/>
    public override EndPoint? LocalEndPoint => _socket.Connected ? _socket.LocalEndPoint : null;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and negotiates TLS as a client.</summary>
    /// <param name="host">A host name or address; also the name the certificate must carry unless <paramref name="validation"/> decides otherwise.</param>
    /// <param name="port">The TCP port; 992 by default.</param>
    /// <param name="validation">A custom certificate check, or null for the operating system's rules.</param>
    /// <param name="timeout">How long connect and handshake may take together; null for no limit.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> or <paramref name="timeout"/> is out of range.</exception>
    /// <exception cref="AuthenticationException">The handshake failed or the certificate was rejected.</exception>
    /// <exception cref="TimeoutException">The connect and handshake took longer than <paramref name="timeout"/>.</exception>
    public static Task<TlsTransport> ConnectAsync(
        string host,
        int port = DefaultPort,
        RemoteCertificateValidationCallback? validation = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        // Called outside the async body so that its argument checks throw at once instead of faulting the task.
        var connecting = SocketTransport.ConnectAsync(host, port, timeout, cancellationToken);
        return AuthenticateAsClientAsync(connecting, host, port, validation, timeout, cancellationToken);
    }

    /// <summary>The client handshake once <paramref name="connecting"/> is done (internal: tests pass a connect they finish themselves).</summary>
    internal static async Task<TlsTransport> AuthenticateAsClientAsync(
        Task<SocketTransport> connecting,
        string host,
        int port,
        RemoteCertificateValidationCallback? validation,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        var tcp = await connecting.ConfigureAwait(false);
        var socket = tcp.Socket!;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false, validation);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
            {
                cts.CancelAfter(limit);
            }

            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cts.Token).ConfigureAwait(false);
            return new TlsTransport(ssl, socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"The TLS handshake with {host}:{port} took longer than {timeout}.");
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Negotiates TLS as a server over an accepted socket.</summary>
    /// <param name="socket">The accepted socket; the transport owns it.</param>
    /// <param name="certificate">The server certificate, with its private key.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The transport.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="AuthenticationException">The handshake failed.</exception>
    public static Task<TlsTransport> AcceptAsync(Socket socket, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        // Checked here, not in the async body, so that bad arguments throw at once instead of faulting the task.
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(certificate);
        return AcceptCoreAsync(socket, certificate, cancellationToken);
    }

    private static async Task<TlsTransport> AcceptCoreAsync(Socket socket, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
            return new TlsTransport(ssl, socket);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
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
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
