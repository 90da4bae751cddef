namespace RxTelnet.Diagnostics;

using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

/// <summary>
/// The instruments of one <see cref="Meter"/> named <see cref="TelnetDiagnostics.MeterName"/>: a process-wide one,
/// or one per <see cref="IMeterFactory"/> (created once and kept as long as the factory lives).
/// </summary>
internal sealed class TelnetMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, TelnetMetrics> ByFactory = new();

    private TelnetMetrics(Meter meter)
    {
        Meter = meter;
        SessionActive = meter.CreateUpDownCounter<long>(TelnetDiagnostics.SessionActiveInstrument, "{session}", "Telnet sessions open now.");
        SessionOpened = meter.CreateCounter<long>(TelnetDiagnostics.SessionOpenedInstrument, "{session}", "Telnet sessions started.");
        SessionClosed = meter.CreateCounter<long>(TelnetDiagnostics.SessionClosedInstrument, "{session}", "Telnet sessions closed, by reason.");
        ConnectDuration = meter.CreateHistogram(
            TelnetDiagnostics.ConnectDurationInstrument, "s", "How long client connects took.", advice: DurationAdvice);
        StartTlsDuration = meter.CreateHistogram(
            TelnetDiagnostics.StartTlsDurationInstrument, "s", "How long START-TLS handshakes took.", advice: DurationAdvice);
        BytesReceived = meter.CreateCounter<long>(TelnetDiagnostics.BytesReceivedInstrument, "By", "Bytes received from the transport, before parsing.");
        BytesSent = meter.CreateCounter<long>(TelnetDiagnostics.BytesSentInstrument, "By", "Bytes the transport took to send.");
        Negotiations = meter.CreateCounter<long>(TelnetDiagnostics.NegotiationsInstrument, "{negotiation}", "Option negotiations received.");
        ProtocolWarnings = meter.CreateCounter<long>(TelnetDiagnostics.ProtocolWarningsInstrument, "{warning}", "Malformed input the parser skipped.");
        LimitHits = meter.CreateCounter<long>(TelnetDiagnostics.LimitHitsInstrument, "{hit}", "Limits reached.");
    }

    /// <summary>Gets the instruments of the process-wide meter, used when no <see cref="IMeterFactory"/> is set.</summary>
    public static TelnetMetrics Shared { get; } = new(new Meter(new MeterOptions(TelnetDiagnostics.MeterName) { Version = Version }));

    public Meter Meter { get; }

    public UpDownCounter<long> SessionActive { get; }

    public Counter<long> SessionOpened { get; }

    public Counter<long> SessionClosed { get; }

    public Histogram<double> ConnectDuration { get; }

    public Histogram<double> StartTlsDuration { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> Negotiations { get; }

    public Counter<long> ProtocolWarnings { get; }

    public Counter<long> LimitHits { get; }

    private static string? Version => typeof(TelnetMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>Bucket boundaries for durations that are usually milliseconds: OpenTelemetry's HTTP advice.</summary>
    private static InstrumentAdvice<double> DurationAdvice { get; } = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    /// <summary>Gets the instruments for <paramref name="factory"/>'s meter, or the process-wide ones when it is null.</summary>
    public static TelnetMetrics For(IMeterFactory? factory) =>
        factory is null
            ? Shared
            : ByFactory.GetValue(factory, static f => new TelnetMetrics(f.Create(new MeterOptions(TelnetDiagnostics.MeterName) { Version = Version })));
}
