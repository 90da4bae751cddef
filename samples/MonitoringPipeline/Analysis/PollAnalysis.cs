namespace RxTelnet.Samples.MonitoringPipeline.Analysis;

using System.Collections.Immutable;
using System.Globalization;
using System.Reactive.Linq;
using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>The aggregating half of the pipeline: pure operators from poll results to device status and alerts.</summary>
public static class PollAnalysis
{
    /// <summary>Folds each device's poll results into its status: one <see cref="DeviceStatus"/> per poll result.</summary>
    public static IObservable<DeviceStatus> Analyze(this IObservable<PollResult> polls, AlertThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(polls);
        ArgumentNullException.ThrowIfNull(thresholds);
        return polls
            .GroupBy(p => p.DeviceId)
            .SelectMany(device => device.Scan(DeviceStatus.Initial(device.Key), (status, poll) => Step(status, poll, thresholds)));
    }

    public static IObservable<Alert> Alerts(this IObservable<DeviceStatus> statuses) =>
        statuses.SelectMany(s => s.NewAlerts);

    /// <summary>The next status of a device, given a poll result.</summary>
    public static DeviceStatus Step(DeviceStatus status, PollResult poll, AlertThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(thresholds);
        var alerts = ImmutableArray.CreateBuilder<Alert>();
        var next = status with { LastPoll = poll, Polls = status.Polls + 1, NewAlerts = [] };

        if (poll.Status == PollStatus.Skipped)
        {
            // The poller fell behind; the device did nothing wrong.
            return next with { Skipped = status.Skipped + 1 };
        }

        if (poll.IsFailure)
        {
            var failures = status.ConsecutiveFailures + 1;
            var unreachable = status.IsUnreachable;
            if (failures == thresholds.UnreachableAfterPolls)
            {
                unreachable = true;
                alerts.Add(new Alert(poll.Completed, poll.DeviceId, AlertKind.Unreachable, null, $"{failures} polls failed in a row ({poll.Status}: {poll.Error})"));
            }

            return Finish(next with { ConsecutiveFailures = failures, Failures = status.Failures + 1, IsUnreachable = unreachable }, alerts);
        }

        if (status.IsUnreachable)
        {
            alerts.Add(new Alert(poll.Completed, poll.DeviceId, AlertKind.Recovered, null, $"answering again after {status.ConsecutiveFailures} failed polls"));
        }

        var interfaces = status.Interfaces;
        foreach (var counters in poll.Interfaces)
        {
            interfaces = interfaces.SetItem(counters.Name, Sample(interfaces.GetValueOrDefault(counters.Name), counters, poll, thresholds, alerts));
        }

        return Finish(
            next with
            {
                Interfaces = interfaces,
                ConsecutiveFailures = 0,
                IsUnreachable = false,
                GarbledLines = status.GarbledLines + poll.GarbledLines,
            },
            alerts);
    }

    private static InterfaceStatus Sample(InterfaceStatus? previous, InterfaceCounters counters, PollResult poll, AlertThresholds thresholds, ImmutableArray<Alert>.Builder alerts)
    {
        var seconds = previous is null ? 0 : (poll.Completed - previous.SampledAt).TotalSeconds;
        if (previous is null || seconds <= 0
            || counters.RxBytes < previous.Counters.RxBytes || counters.TxBytes < previous.Counters.TxBytes || counters.Errors < previous.Counters.Errors)
        {
            // First sight, or the counters went back (a reboot): a baseline, nothing to compare.
            return new InterfaceStatus(counters, poll.Completed, null, null, RateHigh: false, ErrorsRising: false);
        }

        var rx = (counters.RxBytes - previous.Counters.RxBytes) / seconds;
        var tx = (counters.TxBytes - previous.Counters.TxBytes) / seconds;
        var high = Math.Max(rx, tx) > thresholds.MaxBytesPerSecond;
        if (high && !previous.RateHigh)
        {
            alerts.Add(new Alert(poll.Completed, poll.DeviceId, AlertKind.RateAboveThreshold, counters.Name, string.Create(
                CultureInfo.InvariantCulture, $"rx {rx:F0} B/s, tx {tx:F0} B/s, above {thresholds.MaxBytesPerSecond:F0} B/s")));
        }

        var added = counters.Errors - previous.Counters.Errors;
        var rising = added > 0;
        if (rising && !previous.ErrorsRising)
        {
            alerts.Add(new Alert(poll.Completed, poll.DeviceId, AlertKind.ErrorsIncreasing, counters.Name, string.Create(
                CultureInfo.InvariantCulture, $"{added} new errors in {seconds:F0} s (now {counters.Errors})")));
        }

        return new InterfaceStatus(counters, poll.Completed, rx, tx, high, rising);
    }

    private static DeviceStatus Finish(DeviceStatus status, ImmutableArray<Alert>.Builder alerts) =>
        alerts.Count == 0 ? status : status with { NewAlerts = alerts.ToImmutable(), LastAlert = alerts[^1] };
}
