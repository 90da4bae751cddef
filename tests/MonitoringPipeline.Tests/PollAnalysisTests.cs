namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using static FleetRun;

[TestFixture]
public sealed class PollAnalysisTests
{
    private static readonly AlertThresholds Thresholds = new(MaxBytesPerSecond: 1000, UnreachableAfterPolls: 2);

    private static PollResult Ok(int minute, long rx, long errors = 0) =>
        new("d", minute, At(0, minute, 0), At(0, minute, 0), PollStatus.Ok, [new InterfaceCounters("eth0", true, rx, 0, errors, 0)]);

    private static PollResult Failed(int minute) =>
        new("d", minute, At(0, minute, 0), At(0, minute, 0), PollStatus.NotConnected, [], Error: "not connected");

    private static List<DeviceStatus> Fold(params PollResult[] polls)
    {
        var status = DeviceStatus.Initial("d");
        var all = new List<DeviceStatus>();
        foreach (var poll in polls)
        {
            status = PollAnalysis.Step(status, poll, Thresholds);
            all.Add(status);
        }

        return all;
    }

    [Test]
    public void Step_RateFromSuccessiveSamples()
    {
        var statuses = Fold(Ok(1, 0), Ok(2, 30_000));

        Assert.That(statuses[0].Interfaces["eth0"].RxBytesPerSecond, Is.Null, "first sample is the baseline");
        Assert.That(statuses[1].Interfaces["eth0"].RxBytesPerSecond, Is.EqualTo(500));
    }

    [Test]
    public void Step_RateAboveThreshold_AlertsOnCrossingOnly()
    {
        var statuses = Fold(Ok(1, 0), Ok(2, 120_000), Ok(3, 240_000), Ok(4, 250_000), Ok(5, 400_000));

        Assert.That(statuses.Select(s => s.NewAlerts.Length), Is.EqualTo(new[] { 0, 1, 0, 0, 1 }), "up at 2, stays up at 3, down at 4, up again at 5");
        Assert.That(statuses[1].NewAlerts[0], Has.Property(nameof(Alert.Kind)).EqualTo(AlertKind.RateAboveThreshold).And.Property(nameof(Alert.Interface)).EqualTo("eth0"));
    }

    [Test]
    public void Step_ErrorsIncreasing_AlertsWhenTheyStart()
    {
        var statuses = Fold(Ok(1, 0, 0), Ok(2, 0, 0), Ok(3, 0, 4), Ok(4, 0, 9), Ok(5, 0, 9), Ok(6, 0, 10));

        Assert.That(statuses.Select(s => string.Join(",", s.NewAlerts.Select(a => a.Kind))), Is.EqualTo(new[]
        {
            string.Empty, string.Empty, nameof(AlertKind.ErrorsIncreasing), string.Empty, string.Empty, nameof(AlertKind.ErrorsIncreasing),
        }), "starts rising at 3, keeps rising at 4, flat at 5, rising again at 6");
        Assert.That(statuses[2].NewAlerts[0].Message, Is.EqualTo("4 new errors in 60 s (now 4)"));
    }

    [Test]
    public void Step_UnreachableAfterKFailures_OnceThenRecovered()
    {
        var statuses = Fold(Ok(1, 0), Failed(2), Failed(3), Failed(4), Failed(5), Ok(6, 0));

        Assert.That(statuses.SelectMany(s => s.NewAlerts).Select(a => (a.Time, a.Kind)), Is.EqualTo(new[]
        {
            (At(0, 3, 0), AlertKind.Unreachable),
            (At(0, 6, 0), AlertKind.Recovered),
        }));
        Assert.That(statuses[4], Has.Property(nameof(DeviceStatus.ConsecutiveFailures)).EqualTo(4).And.Property(nameof(DeviceStatus.Failures)).EqualTo(4));
    }

    [Test]
    public void Step_FailuresBelowK_NoAlertAndNoRecovery()
    {
        var statuses = Fold(Ok(1, 0), Failed(2), Ok(3, 0));

        Assert.That(statuses.SelectMany(s => s.NewAlerts), Is.Empty);
    }

    [Test]
    public void Step_CounterWentBack_NewBaselineWithoutRate()
    {
        var statuses = Fold(Ok(1, 500_000), Ok(2, 10));

        Assert.That(statuses[1].Interfaces["eth0"].RxBytesPerSecond, Is.Null, "a reboot resets counters: no negative rate, no alert");
        Assert.That(statuses[1].NewAlerts, Is.Empty);
    }

    [Test]
    public void Step_InterfaceMissingFromAPoll_RateSpansTheGap()
    {
        var garbled = new PollResult("d", 2, At(0, 2, 0), At(0, 2, 0), PollStatus.Ok, [], GarbledLines: 1);

        var statuses = Fold(Ok(1, 0), garbled, Ok(3, 60_000));

        Assert.That(statuses[2].Interfaces["eth0"].RxBytesPerSecond, Is.EqualTo(500), "60 000 bytes over the 120 s since the last good sample");
        Assert.That(statuses[2].GarbledLines, Is.EqualTo(1));
        Assert.That(statuses[1].Sampled, Is.Empty, "nothing to write for a poll that read no interface");
    }

    [Test]
    public void Step_Skipped_CountedButNotAFailure()
    {
        var skipped = new PollResult("d", 2, At(0, 2, 0), At(0, 2, 0), PollStatus.Skipped, []);

        var statuses = Fold(Ok(1, 0), skipped, skipped, skipped);

        Assert.That(statuses[^1], Has.Property(nameof(DeviceStatus.Skipped)).EqualTo(3).And.Property(nameof(DeviceStatus.ConsecutiveFailures)).EqualTo(0));
        Assert.That(statuses.SelectMany(s => s.NewAlerts), Is.Empty);
    }
}
