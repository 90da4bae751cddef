namespace RxTelnet.Diagnostics;

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>A client connect's log lines (category <see cref="TelnetDiagnostics.TransportCategory"/>).</summary>
internal static class ConnectTelemetry
{
    public static async Task<SocketTransport> MeasureAsync(string host, int port, TelnetSessionOptions? options, Func<Task<SocketTransport>> connect)
    {
        var logger = (options ?? TelnetSessionOptions.Default).LoggerFactory.CreateLogger(TelnetDiagnostics.TransportCategory);
        TelnetLog.Connecting(logger, host, port);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var transport = await connect().ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                TelnetLog.Connected(logger, host, port, EndPoints.Remote(transport.Socket), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return transport;
        }
        catch (Exception ex)
        {
            TelnetLog.ConnectFailed(logger, host, port, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ErrorType(ex), ex);
            throw;
        }
    }

    /// <summary>The <see cref="TelnetDiagnostics.ErrorTypeTag"/> value of an exception: the socket error's name, or the exception type's full name.</summary>
    public static string ErrorType(Exception error) => error switch
    {
        System.Net.Sockets.SocketException socket => socket.SocketErrorCode.ToString(),
        _ => error.GetType().FullName ?? error.GetType().Name,
    };
}
