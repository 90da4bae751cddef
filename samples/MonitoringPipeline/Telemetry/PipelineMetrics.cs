namespace RxTelnet.Samples.MonitoringPipeline.Telemetry;

using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>The pipeline's own metrics, next to the library's (meter <c>RxTelnet</c>): polls by status, poll latency, alerts by kind.</summary>
public sealed class PipelineMetrics : IDisposable
{
    /// <summary>The name of the pipeline's meter.</summary>
    public const string MeterName = "RxTelnet.MonitoringPipeline";

    private readonly Meter _meter;
    private readonly Counter<long> _polls;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _alerts;

    /// <summary>Creates the pipeline's meter, from <paramref name="factory"/> when given.</summary>
    /// <param name="factory">Where the meter comes from; a meter of its own when null.</param>
    public PipelineMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _polls = _meter.CreateCounter<long>("monitoring.polls", "{poll}", "Polls finished, by status.");
        _latency = _meter.CreateHistogram(
            "monitoring.poll.duration",
            "s",
            "From a poll's tick to its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _alerts = _meter.CreateCounter<long>("monitoring.alerts", "{alert}", "Alerts raised, by kind.");
    }

    /// <summary>Records every poll and alert until disposed.</summary>
    /// <param name="polls">The poller's results.</param>
    /// <param name="alerts">The alerts.</param>
    /// <returns>The subscriptions.</returns>
    public IDisposable Observe(IObservable<PollResult> polls, IObservable<Alert> alerts)
    {
        var pollSubscription = polls.Subscribe(p =>
        {
            var status = new KeyValuePair<string, object?>("poll.status", p.Status.ToString().ToLowerInvariant());
            _polls.Add(1, status);
            if (p.Status != PollStatus.Skipped)
            {
                _latency.Record(p.Latency.TotalSeconds, status);
            }
        });
        var alertSubscription = alerts.Subscribe(a => _alerts.Add(1, new KeyValuePair<string, object?>("alert.kind", a.Kind.ToString())));
        return new System.Reactive.Disposables.CompositeDisposable(pollSubscription, alertSubscription);
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
