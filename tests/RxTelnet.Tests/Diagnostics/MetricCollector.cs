namespace RxTelnet.Tests.Diagnostics;

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

/// <summary>
/// An <see cref="IMeterFactory"/> of its own (so tests running at once never see each other's measurements) and a
/// <see cref="MeterListener"/> that records every measurement of the meters it created.
/// </summary>
internal sealed class MetricCollector : IMeterFactory
{
    private readonly MeterListener _listener = new();
    private readonly List<Meter> _meters = [];

    public MetricCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this))
            {
                Instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public ConcurrentDictionary<string, Instrument> Instruments { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public IEnumerable<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument);

    public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(m => m.Value);

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        Measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    internal sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
