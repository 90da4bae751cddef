namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using static FleetRun;

/// <summary>
/// 500 devices polled every 10 s for 5 virtual minutes, with seeded noise (slow replies up to 2 s, garbage, dropped
/// sessions): every device must be polled once per period, every poll must succeed within the period.
/// The real-time counterpart (500 loopback devices) is a run of the console sample; see its README.
/// </summary>
[TestFixture]
public sealed class FleetScaleTests
{
    private const int Devices = 500;
    private const int Rounds = 30;

    [Test]
    public void Pipeline_FiveHundredDevices_EveryDevicePolledOncePerPeriod()
    {
        var noise = new RandomFaults(0.1, TimeSpan.FromSeconds(2), GarbageProbability: 0.1, CorruptLineProbability: 0, DisconnectProbability: 0.01);
        var options = new PollerOptions { PollPeriod = TimeSpan.FromSeconds(10), CommandTimeout = TimeSpan.FromSeconds(5), LoginTimeout = TimeSpan.FromSeconds(5) };

        var run = Execute(FleetProfiles.Uniform(Devices, noise, seed: 500), options, new AlertThresholds(10_000), TimeSpan.FromSeconds(10 * Rounds));
        TestContext.Progress.WriteLine($"{Devices} devices x {Rounds} rounds in virtual time: {run.Polls.Count} polls, {run.RealTime.TotalMilliseconds:F0} ms of real time");

        Assert.That(run.Polls, Has.Count.EqualTo(Devices * Rounds));
        var perRound = run.Polls.GroupBy(p => p.Poll).Select(g => g.Select(p => p.DeviceId).Distinct().Count()).ToList();
        Assert.That(perRound, Has.Count.EqualTo(Rounds));
        Assert.That(perRound, Is.All.EqualTo(Devices), "each round polled every device once");
        var perDevice = run.Polls.GroupBy(p => p.DeviceId).Select(g => g.Count()).ToList();
        Assert.That(perDevice, Has.Count.EqualTo(Devices));
        Assert.That(perDevice, Is.All.EqualTo(Rounds), "each device was polled once per period");
        Assert.That(run.Polls.Where(p => !p.IsOk), Is.Empty, "no failure, no skipped round");
        Assert.That(run.Polls.Max(p => p.Latency), Is.LessThan(options.PollPeriod), "every poll finished within its period");
        Assert.That(run.Alerts, Is.Empty);
        Assert.That(run.CsvRows, Is.EqualTo(Devices * Rounds * 2));
    }
}
