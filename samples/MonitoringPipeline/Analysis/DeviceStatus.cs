namespace RxTelnet.Samples.MonitoringPipeline.Analysis;

using System.Collections.Immutable;
using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>An interface as of its last good sample, with the rates from the sample before.</summary>
/// <param name="Counters">The last counters read.</param>
/// <param name="SampledAt">When they were read.</param>
/// <param name="RxBytesPerSecond">Receive rate since the previous sample; null for the first sample or after a counter reset.</param>
/// <param name="TxBytesPerSecond">Transmit rate since the previous sample.</param>
/// <param name="RateHigh">Whether the rate is above the threshold (alerts fire on the crossing).</param>
/// <param name="ErrorsRising">Whether errors grew since the previous sample (alerts fire when this turns on).</param>
public sealed record InterfaceStatus(
    InterfaceCounters Counters,
    DateTimeOffset SampledAt,
    double? RxBytesPerSecond,
    double? TxBytesPerSecond,
    bool RateHigh,
    bool ErrorsRising);

/// <summary>One device after a poll: the aggregate the dashboard shows and the alerts this poll raised.</summary>
public sealed record DeviceStatus(
    string DeviceId,
    PollResult? LastPoll,
    ImmutableSortedDictionary<string, InterfaceStatus> Interfaces,
    int ConsecutiveFailures,
    long Polls,
    long Failures,
    long Skipped,
    long GarbledLines,
    bool IsUnreachable,
    ImmutableArray<Alert> NewAlerts,
    Alert? LastAlert)
{
    public static DeviceStatus Initial(string deviceId) =>
        new(deviceId, null, NoInterfaces, 0, 0, 0, 0, 0, false, [], null);

    // Ordinal: the default string comparer is culture-aware, and this lookup runs for every interface of every poll.
    private static ImmutableSortedDictionary<string, InterfaceStatus> NoInterfaces { get; } =
        ImmutableSortedDictionary.Create<string, InterfaceStatus>(StringComparer.Ordinal);

    /// <summary>Gets the interfaces read by the last poll (empty unless it succeeded), with their rates: the CSV rows.</summary>
    public IEnumerable<InterfaceStatus> Sampled =>
        LastPoll is { IsOk: true } poll ? poll.Interfaces.Select(c => Interfaces[c.Name]) : [];

    public double RxBytesPerSecond => Interfaces.Values.Sum(i => i.RxBytesPerSecond ?? 0);

    public double TxBytesPerSecond => Interfaces.Values.Sum(i => i.TxBytesPerSecond ?? 0);

    public long Errors => Interfaces.Values.Sum(i => i.Counters.Errors);
}
