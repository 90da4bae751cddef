namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using static FleetRun;

/// <summary>
/// 24 simulated hours of ten devices polled every 60 s, with scripted trouble on four of them and seeded noise on all:
/// <list type="bullet">
/// <item>dev-2 answers one command 45 s late (the timeout is 30 s): one failed poll, no alert;</item>
/// <item>dev-3 is down from 10:00:30 to 10:05:30: five failed polls, one unreachable alert, one recovery;</item>
/// <item>dev-5 eth0 bursts by 20 kB/s from 12:00:30 to 12:20:30: one rate alert (threshold 10 kB/s);</item>
/// <item>dev-7 eth1 counts 0.5 errors/s from 15:00:10 to 15:30:00: one errors-increasing alert.</item>
/// </list>
/// Every device also gets garbage lines and stray IAC sequences in 20 % of replies and drops the connection after 2 %;
/// the devices without timed assertions also answer up to 5 s late in 10 % of replies. None of it may raise an alert.
/// </summary>
[TestFixture]
public sealed class PipelineVirtualTimeTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private FleetRun _run = null!;

    [OneTimeSetUp]
    public void RunOneDay()
    {
        var noisy = new RandomFaults(0.1, TimeSpan.FromSeconds(5), GarbageProbability: 0.2, CorruptLineProbability: 0, DisconnectProbability: 0.02);
        var punctual = noisy with { SlowReplyProbability = 0 };
        var profiles = FleetProfiles.Uniform(10, noisy, seed: 2024).ToArray();
        profiles[2] = profiles[2].With(new SlowReplies(new TimeSpan(8, 0, 30), new TimeSpan(8, 1, 30), TimeSpan.FromSeconds(45)));
        profiles[3] = profiles[3].With(new Outage(new TimeSpan(10, 0, 30), new TimeSpan(10, 5, 30))) with { Random = punctual };
        profiles[5] = profiles[5].With(new TrafficBurst("eth0", new TimeSpan(12, 0, 30), new TimeSpan(12, 20, 30), 20_000, 0)) with { Random = punctual };
        profiles[7] = profiles[7].With(new ErrorStorm("eth1", new TimeSpan(15, 0, 10), new TimeSpan(15, 30, 0), 0.5)) with { Random = punctual };

        var options = new PollerOptions
        {
            PollPeriod = TimeSpan.FromSeconds(60),
            CommandTimeout = TimeSpan.FromSeconds(30),
            LoginTimeout = TimeSpan.FromSeconds(30),
            BackoffInitial = TimeSpan.FromSeconds(1),
            BackoffMax = TimeSpan.FromSeconds(60),
        };
        WarmUp();
        _run = Execute(profiles, options, new AlertThresholds(MaxBytesPerSecond: 10_000, UnreachableAfterPolls: 3), Day);
        TestContext.Progress.WriteLine($"24 virtual hours, 10 devices, {_run.Polls.Count} polls: {_run.RealTime.TotalMilliseconds:F0} ms of real time");
    }

    [Test]
    public void Pipeline_OneDay_EveryDevicePolledOncePerMinute()
    {
        Assert.That(_run.Polls, Has.Count.EqualTo(10 * 1440), "1440 rounds of 10 devices");
        Assert.That(_run.Polls.GroupBy(p => p.DeviceId).Select(g => g.Count()), Is.All.EqualTo(1440));
        Assert.That(_run.Polls.GroupBy(p => p.Poll).Select(g => g.First().Scheduled), Is.EqualTo(Enumerable.Range(1, 1440).Select(i => At(0, i, 0))),
            "round n starts at n minutes");
        Assert.That(_run.Polls.Count(p => p.Status == PollStatus.Skipped), Is.Zero, "no round ever caught the previous one running");
    }

    [Test]
    public void Pipeline_OneDay_RaisesExactlyTheScriptedAlerts()
    {
        Assert.That(_run.Alerts.Select(a => (a.Time, a.DeviceId, a.Kind, a.Interface)), Is.EqualTo(new[]
        {
            // The third failed poll: no session, so the result is immediate.
            (At(10, 3, 0), "dev-3", AlertKind.Unreachable, (string?)null),

            // The first poll after the outage: a command and its reply, two hops.
            (At(10, 6, 0) + Ticks(2), "dev-3", AlertKind.Recovered, null),
            (At(12, 1, 0) + Ticks(2), "dev-5", AlertKind.RateAboveThreshold, "eth0"),
            (At(15, 1, 0) + Ticks(2), "dev-7", AlertKind.ErrorsIncreasing, "eth1"),
        }));
        Assert.That(_run.Alerts[2].Message, Does.StartWith("rx 11000 B/s"), "(60 s x 1000 + 30 s x 20000) / 60 s");
        Assert.That(_run.Alerts[3].Message, Does.StartWith("25 new errors in 60 s"), "0.5/s for the 50 s since 15:00:10");
    }

    [Test]
    public void Pipeline_OneDay_FailedPollsAreExactlyTheOutageAndTheSlowReply()
    {
        var failed = _run.Polls.Where(p => p.IsFailure).Select(p => (p.DeviceId, p.Scheduled, p.Completed, p.Status));
        Assert.That(failed, Is.EqualTo(new[]
        {
            ("dev-2", At(8, 1, 0), At(8, 1, 30), PollStatus.Timeout),
            ("dev-3", At(10, 1, 0), At(10, 1, 0), PollStatus.NotConnected),
            ("dev-3", At(10, 2, 0), At(10, 2, 0), PollStatus.NotConnected),
            ("dev-3", At(10, 3, 0), At(10, 3, 0), PollStatus.NotConnected),
            ("dev-3", At(10, 4, 0), At(10, 4, 0), PollStatus.NotConnected),
            ("dev-3", At(10, 5, 0), At(10, 5, 0), PollStatus.NotConnected),
        }));
    }

    [Test]
    public void Pipeline_OneDay_ReconnectBackoffDoublesUpToTheCap()
    {
        var outage = _run.Connections
            .Where(e => e.DeviceId == "dev-3" && e.Time >= At(10, 0, 30) && e.Time < At(10, 6, 0))
            .ToList();

        Assert.That(outage[0].Kind, Is.EqualTo(ConnectionEventKind.Lost), "the device drops the session when it goes down");
        // The close reaches the poller one hop after 10:00:30 and the retry runs one tick after that; each refused
        // attempt is seen failing one hop later, and the backoff counts from the failure, hence one more tick each time.
        Assert.That(outage.Where(e => e.Kind == ConnectionEventKind.Attempt).Select(e => e.Time), Is.EqualTo(new[]
        {
            At(10, 0, 30) + Ticks(2), At(10, 0, 31) + Ticks(3), At(10, 0, 33) + Ticks(4), At(10, 0, 37) + Ticks(5),
            At(10, 0, 45) + Ticks(6), At(10, 1, 1) + Ticks(7), At(10, 1, 33) + Ticks(8), At(10, 2, 33) + Ticks(9),
            At(10, 3, 33) + Ticks(10), At(10, 4, 33) + Ticks(11), At(10, 5, 33) + Ticks(12),
        }), "at once, then 1, 2, 4, 8, 16, 32 s and 60 s (the cap) after each failure");
        var failures = outage.Where(e => e.Kind == ConnectionEventKind.Failed).ToList();
        var retries = outage.Where(e => e.Kind == ConnectionEventKind.Attempt).Skip(1).ToList();
        Assert.That(failures.Zip(retries, (f, a) => a.Time - f.Time), Is.EqualTo(failures.Select(f => f.RetryIn!.Value)), "each retry waits exactly its backoff");
        Assert.That(outage.Where(e => e.Kind == ConnectionEventKind.Failed).Select(e => e.RetryIn!.Value.TotalSeconds),
            Is.EqualTo(new double[] { 1, 2, 4, 8, 16, 32, 60, 60, 60, 60 }));
        Assert.That(outage[^1], Has.Property(nameof(ConnectionEvent.Kind)).EqualTo(ConnectionEventKind.Connected)
            .And.Property(nameof(ConnectionEvent.Time)).EqualTo(At(10, 5, 33) + Ticks(17)), "the first attempt after the outage logs in (five more hops)");
    }

    [Test]
    public void Pipeline_OneDay_WritesOneCsvRowPerInterfacePerGoodPoll()
    {
        Assert.That(_run.CsvRows, Is.EqualTo((14_400 - 6) * 2), "14 400 polls, 6 failed, 2 interfaces each");
    }

    [Test]
    public void Pipeline_OneDay_NoiseWasThereAndChangedNothing()
    {
        Assert.That(_run.LastStatus.Values.Sum(s => s.GarbledLines), Is.GreaterThan(1000), "about one reply in five had a garbage line");
        Assert.That(_run.Connections.Count(e => e.Kind == ConnectionEventKind.Lost), Is.GreaterThan(100), "about one reply in fifty ended the session");
        Assert.That(_run.Polls.Where(p => p.IsOk).Max(p => p.Latency), Is.GreaterThan(TimeSpan.FromSeconds(1)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(5)),
            "slow replies were late but within the timeout");

        var dev0 = _run.LastStatus["dev-0"];
        Assert.That(dev0.Interfaces["eth0"].RxBytesPerSecond, Is.EqualTo(1000).Within(0.01),
            "the rate is right whatever the noise, to within the one-tick hop between the device reading its counters and the poller stamping them");
        var eth1 = dev0.Interfaces["eth1"];
        Assert.That(eth1.Counters.RxBytes, Is.EqualTo(200 * (long)(eth1.SampledAt - At(0, 0, 0)).TotalSeconds), "200 B/s since the epoch");
    }
}
