namespace RxTelnet.Diagnostics;

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>A client connect's log lines (category <see cref="TelnetDiagnostics.TransportCategory"/>).</summary>
internal static class ConnectTelemetry
{
    /// <summary>
    /// Runs <paramref name="connect"/> inside a <see cref="TelnetDiagnostics.ConnectActivityName"/> span, logs it and
    /// records its duration. Async, so the span is the current activity only inside this call.
    /// </summary>
    public static async Task<SocketTransport> MeasureAsync(string host, int port, TelnetSessionOptions? options, Func<Task<SocketTransport>> connect)
    {
        options ??= TelnetSessionOptions.Default;
        var logger = options.LoggerFactory.CreateLogger(TelnetDiagnostics.TransportCategory);
        var metrics = TelnetMetrics.For(options.MeterFactory);
        TelnetLog.Connecting(logger, host, port);
        using var activity = TelnetDiagnostics.ActivitySource.StartActivity(TelnetDiagnostics.ConnectActivityName, ActivityKind.Client);
        activity?.SetTag("server.address", host);
        activity?.SetTag("server.port", port);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var transport = await connect().ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.ConnectDuration.Record(elapsed.TotalSeconds);
            var remote = EndPoints.Remote(transport.Socket);
            if (activity is not null && remote is System.Net.IPEndPoint ip)
            {
                activity.SetTag("network.peer.address", ip.Address.ToString());
                activity.SetTag("network.peer.port", ip.Port);
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                TelnetLog.Connected(logger, host, port, remote, elapsed.TotalMilliseconds);
            }

            return transport;
        }
        catch (Exception ex)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var errorType = ErrorType(ex);
            metrics.ConnectDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelnetDiagnostics.ErrorTypeTag, errorType));
            activity?.SetTag(TelnetDiagnostics.ErrorTypeTag, errorType);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            TelnetLog.ConnectFailed(logger, host, port, elapsed.TotalMilliseconds, errorType, ex);
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
