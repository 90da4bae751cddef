namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Samples.MonitoringPipeline.Telemetry;
using RxTelnet.Session;

/// <summary>The sample's OpenTelemetry export: one scrape of its Prometheus endpoint shows the library's and the pipeline's metrics.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class PrometheusScrapeTests
{
    [Test]
    public async Task Scrape_ShowsTheLibrarysAndThePipelinesMetrics()
    {
        using var export = MetricsExport.Start(prometheusPort: 0, console: false);
        Assert.That(export?.ScrapeUri, Is.Not.Null);
        using var pipeline = new PipelineMetrics();
        var now = DateTimeOffset.UtcNow;
        using var recording = pipeline.Observe(
            Observable.Return(new PollResult("dev-0", 1, now, now.AddMilliseconds(20), PollStatus.Ok, [])),
            Observable.Return(new Alert(now, "dev-0", AlertKind.Unreachable, null, "down")));

        // One real session each way over loopback, on the process-wide RxTelnet meter the sample exports.
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        await using (listener.ConfigureAwait(false))
        {
            var accepted = listener.Sessions.FirstAsync().ToTask();
            await using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port);
            await using var served = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
            await served.WriteTextAsync("hello\r\n");
            await client.ReadUntilAsync("hello"u8.ToArray(), TimeSpan.FromSeconds(10));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync(export!.ScrapeUri);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Does.StartWith("text/plain").Or.StartWith("application/openmetrics-text"));
            Assert.That(text, Does.Contain("# TYPE rxtelnet_session_opened_total counter"));
            Assert.That(text, Does.Contain("rxtelnet_session_opened_total{").And.Contain("telnet_side=\"server\""));
            Assert.That(text, Does.Contain("rxtelnet_session_active"));
            Assert.That(text, Does.Contain("rxtelnet_io_received_bytes_total"));
            Assert.That(text, Does.Contain("rxtelnet_connect_duration_seconds_count"));
            Assert.That(text, Does.Contain("rxtelnet_session_closed_total{").And.Contain("telnet_close_reason="));
            Assert.That(text, Does.Contain("monitoring_polls_total{").And.Contain("poll_status=\"ok\""));
            Assert.That(text, Does.Contain("monitoring_alerts_total{").And.Contain("alert_kind=\"Unreachable\""));
            Assert.That(text, Does.Contain("monitoring_poll_duration_seconds_bucket"));
        });
    }

    [Test]
    public void NoExport_WhenNeitherIsAskedFor()
    {
        Assert.That(MetricsExport.Start(prometheusPort: null, console: false), Is.Null);
    }
}
