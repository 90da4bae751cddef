namespace RxTelnet.Samples.FleetCluster.Tests;

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using Orleans.TestingHost;
using RxTelnet.Samples.FleetCluster.Collecting;
using RxTelnet.Samples.FleetCluster.Grains;
using RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>
/// Three silos (Orleans TestingHost, in this process) poll simulated devices served by real <c>TelnetListener</c>s on
/// loopback; one silo is stopped mid-run. Its devices' grains must come back on the other two and poll again within
/// a stated bound, and no result may be duplicated or go missing without the collector reporting the gap.
/// </summary>
/// <remarks>
/// The bounds. A stopped silo says goodbye: the keeper's round (1 s) re-activates a moved grain, which logs in and
/// polls at the middle of its next slot (at most one period, 2 s, later); 15 s leaves room for a machine shared with
/// other builds (measured: 4–5 s). A killed silo says nothing: the cluster first has to declare it dead from missed
/// probes before its grains can be placed again, so that bound is 40 s (measured: 3–15 s).
/// </remarks>
[TestFixture]
[NonParallelizable]
public sealed class FailoverTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KeeperInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KillBound = TimeSpan.FromSeconds(40);

    [Test]
    [CancelAfter(170_000)]
    public async Task Failover_StopOneOfThreeSilos_ThousandDevicesResumeWithoutSilentGaps()
    {
        await RunAsync(1000, kill: false, StopBound);
    }

    /// <summary>The same with no goodbye; 300 devices, so the two tests stay near a minute together on two cores.</summary>
    [Test]
    [CancelAfter(170_000)]
    public async Task Failover_KillOneOfThreeSilos_DevicesResumeOnceTheClusterNotices()
    {
        await RunAsync(300, kill: true, KillBound);
    }

    private static async Task RunAsync(int devices, bool kill, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        long metered = 0;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FleetMetrics.MeterName && instrument.Name == "fleet.polls")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref metered, value));
        meter.Start();
        using var fleet = LoopbackFleet.Start(FleetProfiles.Uniform(devices, RandomFaults.None), DefaultScheduler.Instance);
        var keys = fleet.Devices.Select(d => DeviceKey.Of(fleet.EndPointOf(d.Name)).ToString()).ToList();
        FleetSilo.Settings = (DateTimeOffset.UtcNow, Period);

        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<FleetSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        TestContext.Progress.WriteLine($"{devices} devices, 3 silos deployed after {clock.Elapsed.TotalSeconds:0.0} s");
        try
        {
            using var collector = new PollCollector();
            var log = new RunLog(keys);
            using var recording = collector.Entries.Subscribe(log.Add);
            var observer = cluster.Client.CreateObjectReference<IPollObserver>(collector);
            var keeper = new FleetKeeper(cluster.Client, keys, observer, TimeSpan.FromSeconds(10));
            using var stopKeeper = new CancellationTokenSource();
            var keeping = keeper.RunAsync(KeeperInterval, stopKeeper.Token);

            // Every device polled well twice.
            await log.WhenAll(keys, okResults: 2).WaitAsync(TimeSpan.FromSeconds(90));
            var warm = clock.Elapsed;
            var placement = collector.Read(l => l.SiloOfEachDevice());
            var victim = cluster.SecondarySilos[^1];
            var moved = placement.Where(p => p.Value == victim.Name).Select(p => p.Key).ToHashSet();
            TestContext.Progress.WriteLine($"warm after {warm.TotalSeconds:0.0} s; per silo: {string.Join(", ", placement.GroupBy(p => p.Value).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
            Assert.That(placement.Values.Distinct().Count(), Is.EqualTo(3), "every silo polls some devices before the stop");
            Assert.That(moved, Is.Not.Empty);

            // Stop one silo; from then on only results from the others count as resumed.
            var stopAt = DateTimeOffset.UtcNow;
            log.Mark(stopAt, victim.Name);
            if (kill)
            {
                await cluster.KillSiloAsync(victim);
            }
            else
            {
                await cluster.StopSiloAsync(victim);
            }

            // A graceful stop lets the polls under way finish: results from the victim may still arrive until here.
            var stoppedAt = DateTimeOffset.UtcNow;

            await log.WhenResumed(moved).WaitAsync(bound + TimeSpan.FromSeconds(30));
            var resumedIn = log.ResumedAt(moved) - stopAt;
            TestContext.Progress.WriteLine($"{victim.Name} {(kill ? "killed" : "stopped")}: {moved.Count} devices moved, all polling again {resumedIn.TotalSeconds:0.0} s after the stop");

            // Then three more good polls of every device, wherever it lives now.
            await log.WhenAll(keys, okResults: 3, after: log.ResumedAt(moved)).WaitAsync(TimeSpan.FromSeconds(60));
            await stopKeeper.CancelAsync();
            await keeping.WaitAsync(TimeSpan.FromSeconds(30));

            var entries = log.Snapshot();
            var (gaps, missing, duplicates) = collector.Read(l => (l.Gaps, l.MissingResults, l.Duplicates));
            TestContext.Progress.WriteLine($"{entries.Count} results, gaps {gaps} ({missing} missing; {entries.Where(e => e.Verdict == LedgerVerdict.AfterGap).Count(e => moved.Contains(e.Result.DeviceId))} of them on moved devices), duplicates {duplicates}, keeper call failures {keeper.FailedCalls}; {clock.Elapsed.TotalSeconds:0.0} s in all");

            Assert.Multiple(() =>
            {
                Assert.That(resumedIn, Is.LessThanOrEqualTo(bound), "moved devices polled again within the bound");
                Assert.That(duplicates, Is.Zero, "no result counted twice");
                Assert.That(entries.Where(e => e.Result.Silo == victim.Name && e.Result.Completed > stoppedAt), Is.Empty, "nothing polled on the stopped silo once it is down");
                foreach (var device in moved)
                {
                    // In arrival order: the victim's last results, then only the new silo's; never both at once, never back.
                    var silos = entries.Where(e => e.Result.DeviceId == device).Select(e => e.Result.Silo).ToList();
                    var firstElsewhere = silos.FindIndex(s => s != victim.Name);
                    Assert.That(firstElsewhere, Is.GreaterThan(0), $"{device} polled on {victim.Name}, then elsewhere");
                    Assert.That(silos.Skip(firstElsewhere).Distinct(), Is.EqualTo(new[] { silos[firstElsewhere] }), $"{device} stays on one surviving silo");
                }

                AssertEveryHoleReported(entries);
                Assert.That(entries.Sum(e => e.Missing) - entries.Count(e => e.Verdict == LedgerVerdict.Late), Is.EqualTo(missing), "the ledger's count agrees with the gaps it reported");
                Assert.That(Interlocked.Read(ref metered), Is.GreaterThanOrEqualTo(entries.Count), "the silos' fleet.polls counter counted every result (and those still on their way)");
            });
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Checks the ledger from outside: for each device, every number between the first and the last that never
    /// arrived lies in a gap the ledger reported, every late arrival lies in one too, and what the gaps report minus
    /// what came late is exactly what is missing. A number that went missing without a report fails here.
    /// </summary>
    private static void AssertEveryHoleReported(IReadOnlyList<LedgerEntry> entries)
    {
        foreach (var device in entries.GroupBy(e => e.Result.DeviceId))
        {
            var accepted = device.Where(e => e.Verdict != LedgerVerdict.Duplicate).ToList();
            var numbers = accepted.Select(e => e.Result.Sequence).ToList();
            Assert.That(numbers, Is.Unique, $"{device.Key}: each number accepted once");
            var gaps = accepted.Where(e => e.Verdict == LedgerVerdict.AfterGap).Select(e => (e.MissingFrom, e.MissingTo)).ToList();
            bool InGap(long n) => gaps.Any(g => n >= g.MissingFrom && n <= g.MissingTo);
            var present = numbers.ToHashSet();
            var holes = Enumerable.Range(0, (int)(numbers.Max() - numbers.Min() + 1)).Select(i => numbers.Min() + i).Where(n => !present.Contains(n)).ToList();
            Assert.That(holes.Where(h => !InGap(h)), Is.Empty, $"{device.Key}: every missing number is in a reported gap");
            var late = accepted.Where(e => e.Verdict == LedgerVerdict.Late).Select(e => e.Result.Sequence).ToList();
            Assert.That(late.Where(n => !InGap(n)), Is.Empty, $"{device.Key}: a late result fills a reported gap");
            Assert.That(gaps.Sum(g => g.MissingTo - g.MissingFrom + 1) - late.Count, Is.EqualTo(holes.Count), $"{device.Key}: reported minus late is what is missing");
        }
    }

    /// <summary>Every entry the collector emitted, with waits on conditions over them (fed serially by the collector).</summary>
    private sealed class RunLog(IReadOnlyList<string> devices)
    {
        private readonly object _gate = new();
        private readonly List<LedgerEntry> _entries = new(devices.Count * 20);
        private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waits = [];
        private readonly Dictionary<string, DateTimeOffset> _resumed = new(StringComparer.Ordinal);
        private DateTimeOffset _stopAt = DateTimeOffset.MaxValue;
        private string _victim = string.Empty;

        public void Add(LedgerEntry entry)
        {
            lock (_gate)
            {
                _entries.Add(entry);
                var r = entry.Result;
                if (r.Status == FleetPollStatus.Ok && r.Silo != _victim && r.Completed > _stopAt)
                {
                    _resumed.TryAdd(r.DeviceId, r.Completed);
                }

                _waits.RemoveAll(w =>
                {
                    if (!w.Done())
                    {
                        return false;
                    }

                    w.Signal.TrySetResult();
                    return true;
                });
            }
        }

        public void Mark(DateTimeOffset stopAt, string victim)
        {
            lock (_gate)
            {
                (_stopAt, _victim) = (stopAt, victim);
            }
        }

        public DateTimeOffset ResumedAt(IEnumerable<string> moved)
        {
            lock (_gate)
            {
                return moved.Max(d => _resumed[d]);
            }
        }

        public Task WhenResumed(IReadOnlySet<string> moved) => When(() => moved.All(_resumed.ContainsKey));

        public Task WhenAll(IEnumerable<string> keys, int okResults, DateTimeOffset? after = null)
        {
            var set = keys.ToHashSet(StringComparer.Ordinal);
            var since = after ?? DateTimeOffset.MinValue;
            return When(() => _entries
                .Where(e => e.Result.Status == FleetPollStatus.Ok && e.Result.Completed > since && set.Contains(e.Result.DeviceId))
                .GroupBy(e => e.Result.DeviceId)
                .Count(g => g.Count() >= okResults) == set.Count);
        }

        public List<LedgerEntry> Snapshot()
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }

        private Task When(Func<bool> done)
        {
            lock (_gate)
            {
                if (done())
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((done, signal));
                return signal.Task;
            }
        }
    }
}
