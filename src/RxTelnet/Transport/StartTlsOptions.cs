namespace RxTelnet.Transport;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// How to take part in a START-TLS upgrade (Telnet option 46): as the TLS client, with the checks to apply to the
/// server's certificate, or as the TLS server, with the certificate to present.
/// </summary>
/// <remarks>
/// In Telnet START-TLS the side that says <c>WILL START_TLS</c> is the TLS client and the side that says
/// <c>DO START_TLS</c> is the TLS server: normally the Telnet client and the Telnet server respectively.
/// </remarks>
public sealed class StartTlsOptions
{
    private StartTlsOptions(SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server, TimeSpan handshakeTimeout)
    {
        ClientOptions = client;
        ServerOptions = server;
        HandshakeTimeout = handshakeTimeout;
    }

    /// <summary>The default limit for the TLS handshake: 30 seconds.</summary>
    public static TimeSpan DefaultHandshakeTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets whether this side is the TLS server (it says <c>DO START_TLS</c>).</summary>
    public bool IsServer => ServerOptions is not null;

    /// <summary>Gets the client handshake settings, when this side is the TLS client.</summary>
    public SslClientAuthenticationOptions? ClientOptions { get; }

    /// <summary>Gets the server handshake settings, when this side is the TLS server.</summary>
    public SslServerAuthenticationOptions? ServerOptions { get; }

    /// <summary>Gets how long the handshake may take before the connection is failed.</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>Takes the TLS client's part, checking the server's certificate by the operating system's rules unless <paramref name="validation"/> decides.</summary>
    /// <param name="targetHost">The name the server's certificate must carry.</param>
    /// <param name="validation">A custom certificate check, or null for the operating system's rules.</param>
    /// <param name="handshakeTimeout">How long the handshake may take; null for <see cref="DefaultHandshakeTimeout"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException"><paramref name="targetHost"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="handshakeTimeout"/> is not positive.</exception>
    public static StartTlsOptions Client(string targetHost, RemoteCertificateValidationCallback? validation = null, TimeSpan? handshakeTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        return Client(new SslClientAuthenticationOptions { TargetHost = targetHost, RemoteCertificateValidationCallback = validation }, handshakeTimeout);
    }

    /// <summary>Takes the TLS client's part with full control of the handshake settings.</summary>
    /// <param name="options">The handshake settings; <see cref="SslClientAuthenticationOptions.TargetHost"/> should be set.</param>
    /// <param name="handshakeTimeout">How long the handshake may take; null for <see cref="DefaultHandshakeTimeout"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="handshakeTimeout"/> is not positive.</exception>
    public static StartTlsOptions Client(SslClientAuthenticationOptions options, TimeSpan? handshakeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StartTlsOptions(options, null, CheckTimeout(handshakeTimeout));
    }

    /// <summary>Takes the TLS server's part, presenting <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The server certificate, with its private key.</param>
    /// <param name="handshakeTimeout">How long the handshake may take; null for <see cref="DefaultHandshakeTimeout"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="certificate"/> has no private key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="handshakeTimeout"/> is not positive.</exception>
    public static StartTlsOptions Server(X509Certificate2 certificate, TimeSpan? handshakeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"The certificate '{certificate.Subject}' has no private key; a TLS server needs one.", nameof(certificate));
        }

        return Server(new SslServerAuthenticationOptions { ServerCertificate = certificate }, handshakeTimeout);
    }

    /// <summary>Takes the TLS server's part with full control of the handshake settings.</summary>
    /// <param name="options">The handshake settings, with a server certificate or certificate selector.</param>
    /// <param name="handshakeTimeout">How long the handshake may take; null for <see cref="DefaultHandshakeTimeout"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="handshakeTimeout"/> is not positive.</exception>
    public static StartTlsOptions Server(SslServerAuthenticationOptions options, TimeSpan? handshakeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StartTlsOptions(null, options, CheckTimeout(handshakeTimeout));
    }

    private static TimeSpan CheckTimeout(TimeSpan? timeout)
    {
        var value = timeout ?? DefaultHandshakeTimeout;
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), value, "The handshake timeout must be positive or infinite.");
        }

        return value;
    }
}
