namespace RxTelnet.Samples.MonitoringPipeline.Telemetry;

using System.Net;
using System.Net.Sockets;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using RxTelnet.Diagnostics;

/// <summary>
/// Exports the library's meter (<see cref="TelnetDiagnostics.MeterName"/>) and the pipeline's
/// (<see cref="PipelineMetrics.MeterName"/>) with OpenTelemetry: a Prometheus scrape endpoint on loopback, the
/// console exporter, or both.
/// </summary>
public sealed class MetricsExport : IDisposable
{
    private readonly MeterProvider _provider;

    private MetricsExport(MeterProvider provider, Uri? scrapeUri)
    {
        _provider = provider;
        ScrapeUri = scrapeUri;
    }

    /// <summary>Gets the Prometheus scrape address, when one is served.</summary>
    public Uri? ScrapeUri { get; }

    /// <summary>Starts exporting, or returns null when neither export is asked for.</summary>
    /// <param name="prometheusPort">The loopback port to serve <c>/metrics</c> on; 0 for a free one; null for none.</param>
    /// <param name="console">Whether the console exporter prints the metrics.</param>
    /// <param name="service">The service name the metrics carry.</param>
    /// <param name="meters">Meters to export besides the library's and the pipeline's.</param>
    /// <returns>The running export, to dispose at exit (which flushes the console exporter once more).</returns>
    public static MetricsExport? Start(int? prometheusPort, bool console, string service = "rxtelnet-monitoring-pipeline", params string[] meters)
    {
        if (prometheusPort is null && !console)
        {
            return null;
        }

        Uri? scrape = null;
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(service))
            .AddMeter([TelnetDiagnostics.MeterName, PipelineMetrics.MeterName, .. meters]);
        if (prometheusPort is { } port)
        {
            var chosen = port == 0 ? FreeLoopbackPort() : port;
            var prefix = $"http://127.0.0.1:{chosen}/";
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = chosen;
            });
            scrape = new Uri(prefix + "metrics");
        }

        if (console)
        {
            builder.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000);
        }

        return new MetricsExport(builder.Build(), scrape);
    }

    /// <inheritdoc/>
    public void Dispose() => _provider.Dispose();

    /// <summary>A loopback port nobody listens on now (HttpListener cannot bind port 0 itself).</summary>
    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
