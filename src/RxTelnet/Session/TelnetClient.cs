namespace RxTelnet.Session;

using RxTelnet.Diagnostics;
using RxTelnet.Transport;

/// <summary>Opens client sessions over TCP.</summary>
public static class TelnetClient
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and returns a started session.</summary>
    /// <param name="host">A host name or an IPv4/IPv6 address.</param>
    /// <param name="port">The TCP port; 23 by default.</param>
    /// <param name="options">Session options; <see cref="TelnetSessionOptions.Default"/> when null.</param>
    /// <param name="connectTimeout">How long the connect may take; null to wait for the operating system's own timeout.</param>
    /// <param name="configure">Called with the session before it starts receiving: subscribe to its hot streams or set a negotiation callback here to see everything from the first byte.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The started session.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535 or <paramref name="connectTimeout"/> is negative.</exception>
    /// <exception cref="TimeoutException">The connect took longer than <paramref name="connectTimeout"/>.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connection was refused or the host is unknown.</exception>
    public static Task<TelnetSession> ConnectAsync(
        string host,
        int port = SocketTransport.DefaultPort,
        TelnetSessionOptions? options = null,
        TimeSpan? connectTimeout = null,
        Action<TelnetSession>? configure = null,
        CancellationToken cancellationToken = default)
    {
        // Checked outside the async body so that bad arguments throw at once instead of faulting the task.
        _ = SocketTransport.ValidateConnectArguments(host, port, connectTimeout);
        return StartAsync(host, port, connectTimeout, options, configure, cancellationToken);
    }

    private static async Task<TelnetSession> StartAsync(
        string host, int port, TimeSpan? connectTimeout, TelnetSessionOptions? options, Action<TelnetSession>? configure, CancellationToken cancellationToken)
    {
        // In the async body: the span becomes Activity.Current here only, never in the caller's context.
        var transport = await ConnectTelemetry.MeasureAsync(
            host, port, options, () => SocketTransport.ConnectAsync(host, port, connectTimeout, cancellationToken)).ConfigureAwait(false);
        var session = new TelnetSession(transport, options);
        try
        {
            configure?.Invoke(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return session.Start();
    }
}
