namespace RxTelnet.Samples.MonitoringPipeline.Polling;

using System.Reactive.Linq;
using RxTelnet.Session;

/// <summary>Session factories over TCP, for <see cref="DevicePoller"/>.</summary>
public static class TcpSessions
{
    /// <summary>Connects to wherever <paramref name="resolve"/> says a device id lives. Cold: one connection per subscription; disposing cancels the connect.</summary>
    public static Func<string, IObservable<TelnetSession>> Factory(Func<string, (string Host, int Port)> resolve, TelnetSessionOptions options, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(options);
        return id => Observable.FromAsync(ct =>
        {
            var (host, port) = resolve(id);
            return TelnetClient.ConnectAsync(host, port, options, connectTimeout, cancellationToken: ct);
        });
    }
}
