namespace RxTelnet.Samples.FleetCluster.Tests;

using RxTelnet.Samples.FleetCluster.Collecting;
using RxTelnet.Samples.FleetCluster.Grains;
using RxTelnet.Samples.FleetCluster.Hosting;

/// <summary>The pure parts: slot numbering, the ledger's verdicts, the CSV rows, keys and the command line.</summary>
[TestFixture]
public sealed class UnitTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    [Test]
    public void PollSlots_SlotAt_CountsPeriodsFromEpochPlusOffset()
    {
        var slots = new PollSlots(Epoch, Period, TimeSpan.FromMilliseconds(500));
        Assert.Multiple(() =>
        {
            Assert.That(slots.SlotAt(Epoch), Is.Zero, "before epoch + offset");
            Assert.That(slots.SlotAt(Epoch.AddMilliseconds(500)), Is.EqualTo(1));
            Assert.That(slots.SlotAt(Epoch.AddMilliseconds(2499)), Is.EqualTo(1));
            Assert.That(slots.SlotAt(Epoch.AddMilliseconds(2500)), Is.EqualTo(2));
            Assert.That(slots.PollTimeOf(2), Is.EqualTo(Epoch.AddMilliseconds(3500)), "the middle of slot 2");
        });
    }

    [Test]
    public void PollSlots_DelayToNextPoll_AimsAtTheMiddleOfTheFirstUnpolledSlot()
    {
        var slots = new PollSlots(Epoch, Period, TimeSpan.Zero);
        Assert.Multiple(() =>
        {
            // At 0.2 s into slot 1, nothing polled yet: the middle of slot 1 is 0.8 s away.
            Assert.That(slots.DelayToNextPoll(Epoch.AddMilliseconds(200), 0), Is.EqualTo(TimeSpan.FromMilliseconds(800)));
            // Slot 1 polled: the middle of slot 2.
            Assert.That(slots.DelayToNextPoll(Epoch.AddMilliseconds(1200), 1), Is.EqualTo(TimeSpan.FromMilliseconds(1800)));
            // Late in slot 2 and slot 2 not polled: now.
            Assert.That(slots.DelayToNextPoll(Epoch.AddMilliseconds(3500), 1), Is.EqualTo(TimeSpan.Zero));
            // A timer that fires early in the same slot is sent to the next one, never polling slot 2 twice.
            Assert.That(slots.DelayToNextPoll(Epoch.AddMilliseconds(2100), 2), Is.EqualTo(TimeSpan.FromMilliseconds(2900)));
        });
    }

    [Test]
    public void PollSlots_OffsetOutsidePeriod_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PollSlots(Epoch, Period, Period));
        Assert.That(ex!.Message, Does.Contain("00:00:02"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PollSlots(Epoch, TimeSpan.Zero, TimeSpan.Zero));
    }

    [Test]
    public void PollSlots_OffsetFor_IsStableAndInsideThePeriod()
    {
        var offsets = Enumerable.Range(0, 1000).Select(i => PollSlots.OffsetFor($"127.0.0.1:{40000 + i}", Period)).ToList();
        Assert.That(offsets, Is.All.InRange(TimeSpan.Zero, Period - TimeSpan.FromTicks(1)));
        Assert.That(PollSlots.OffsetFor("127.0.0.1:40000", Period), Is.EqualTo(offsets[0]), "the same key, the same offset");
        Assert.That(offsets.Distinct().Count(), Is.GreaterThan(900), "spread over the period");
    }

    [Test]
    public void ResultLedger_InOrderGapLateAndDuplicate_EachReportedAsSuch()
    {
        var ledger = new ResultLedger();
        var verdicts = new[] { 5L, 6, 9, 9, 7, 7, 10 }.Select(n => ledger.Record(Result("a", n))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(verdicts.Select(v => v.Verdict), Is.EqualTo(new[]
            {
                LedgerVerdict.First, LedgerVerdict.Next, LedgerVerdict.AfterGap, LedgerVerdict.Duplicate, LedgerVerdict.Late, LedgerVerdict.Duplicate, LedgerVerdict.Next,
            }));
            Assert.That((verdicts[2].MissingFrom, verdicts[2].MissingTo, verdicts[2].Missing), Is.EqualTo((7L, 8L, 2L)));
            Assert.That(ledger.Gaps, Is.EqualTo(1));
            Assert.That(ledger.MissingResults, Is.EqualTo(1), "8 is still missing; 7 came late");
            Assert.That(ledger.LateResults, Is.EqualTo(1));
            Assert.That(ledger.Duplicates, Is.EqualTo(2));
            Assert.That(ledger.Accepted, Is.EqualTo(5));
            Assert.That(ledger.LastOf("a"), Is.EqualTo(10));
        });
    }

    [Test]
    public void ResultLedger_LateBeyondTheWindow_CountsAsDuplicateNotAsFilled()
    {
        var ledger = new ResultLedger();
        ledger.Record(Result("a", 1));
        ledger.Record(Result("a", 2 + ResultLedger.Window));
        Assert.Multiple(() =>
        {
            Assert.That(ledger.Record(Result("a", 3)).Verdict, Is.EqualTo(LedgerVerdict.Late), "inside the window");
            Assert.That(ledger.Record(Result("a", 2)).Verdict, Is.EqualTo(LedgerVerdict.Duplicate), "too old to tell");
            Assert.That(ledger.MissingResults, Is.EqualTo(ResultLedger.Window - 1));
        });
    }

    [Test]
    public void ResultLedger_Devices_AreCheckedSeparately()
    {
        var ledger = new ResultLedger();
        ledger.Record(Result("a", 1));
        var b = ledger.Record(Result("b", 1));
        var a = ledger.Record(Result("a", 2));
        Assert.That((a.Verdict, b.Verdict, ledger.Devices), Is.EqualTo((LedgerVerdict.Next, LedgerVerdict.First, 2)));
    }

    [Test]
    public void CsvResults_Gap_GetsARowOfItsOwnBeforeTheResult()
    {
        var ledger = new ResultLedger();
        ledger.Record(Result("127.0.0.1:1", 1));
        var rows = CsvResults.Rows(ledger.Record(Result("127.0.0.1:1", 4))).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[0], Does.StartWith("127.0.0.1:1,2,2,").And.Contain(",Gap,"));
        Assert.That(rows[1], Does.StartWith("127.0.0.1:1,4,0,silo-0,").And.Contain(",Ok,"));
        Assert.That(CsvResults.Header.Split(',').Length, Is.EqualTo(rows[0].Split(',').Length).And.EqualTo(rows[1].Split(',').Length));
    }

    [Test]
    public void CsvResults_Duplicate_IsMarked()
    {
        var ledger = new ResultLedger();
        ledger.Record(Result("d", 3));
        Assert.That(CsvResults.Rows(ledger.Record(Result("d", 3))).Single(), Does.Contain(",Duplicate,"));
    }

    [TestCase("127.0.0.1:23", "127.0.0.1", 23)]
    [TestCase("[::1]:2323", "::1", 2323)]
    [TestCase("router-7.example:65535", "router-7.example", 65535)]
    public void DeviceKey_Parse_RoundTrips(string key, string host, int port)
    {
        var parsed = DeviceKey.Parse(key);
        Assert.That((parsed.Host, parsed.Port, parsed.ToString()), Is.EqualTo((host, port, key)));
    }

    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.1:")]
    [TestCase(":23")]
    [TestCase("h:0")]
    [TestCase("h:70000")]
    [TestCase("h:-1")]
    public void DeviceKey_Bad_ThrowsNamingTheKey(string key)
    {
        var ex = Assert.Throws<FormatException>(() => DeviceKey.Parse(key));
        Assert.That(ex!.Message, Does.Contain($"\"{key}\""));
    }

    [Test]
    public void CommandLine_Defaults_ThreeSilosUntilStopped()
    {
        var cli = CommandLine.Parse([]);
        Assert.That((cli.IsSilo, cli.Silos, cli.Devices, cli.Duration), Is.EqualTo((false, 3, 300, (double?)null)));
    }

    [Test]
    public void CommandLine_SiloArguments_ParseBackToTheSameSilo()
    {
        var cli = CommandLine.Parse(["run", "--period", "1.5", "--silo-port", "12000", "--gateway-port", "31000"]);
        var epoch = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
        var silo = CommandLine.Parse([.. cli.SiloArguments(2, epoch)]);
        Assert.That((silo.IsSilo, silo.SiloIndex, silo.Period, silo.EpochMs, silo.Ports), Is.EqualTo((true, 2, 1.5, 1_780_000_000_000L, new ClusterPorts(12000, 31000))));
    }

    [Test]
    public void CommandLine_MetricsPort_ReachesEverySilo_AndIsOffByDefault()
    {
        var epoch = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
        var cli = CommandLine.Parse(["--metrics-port", "9464"]);
        Assert.That(CommandLine.Parse([.. cli.SiloArguments(1, epoch)]).MetricsPort, Is.EqualTo(9464));
        Assert.That(CommandLine.Parse([.. CommandLine.Parse([]).SiloArguments(1, epoch)]).MetricsPort, Is.Null);
        Assert.Throws<FormatException>(() => CommandLine.Parse(["--metrics-port", "80"]));
    }

    [TestCase(new[] { "--bogus" }, "--bogus")]
    [TestCase(new[] { "--silos", "0" }, "\"0\"")]
    [TestCase(new[] { "--duration", "soon" }, "\"soon\"")]
    [TestCase(new[] { "--devices" }, "--devices")]
    [TestCase(new[] { "fly" }, "\"fly\"")]
    [TestCase(new[] { "--index", "1" }, "--index")]
    [TestCase(new[] { "--silos", "1", "--stop-silo-at", "5" }, "at least 2 silos")]
    public void CommandLine_Bad_ThrowsNamingTheValue(string[] args, string named)
    {
        var ex = Assert.Throws<FormatException>(() => CommandLine.Parse(args));
        Assert.That(ex!.Message, Does.Contain(named));
    }

    [Test]
    public void SiloFigures_Parse_ReadsTheFields()
    {
        Assert.That(SiloFigures.Parse("STATS devices=12 heap=3456 ws=7890"), Is.EqualTo(new SiloFigures(12, 3456, 7890)));
        Assert.That(SiloFigures.Parse("READY silo-0 pid=1 devices=0 heap=10 ws=20"), Is.EqualTo(new SiloFigures(0, 10, 20)));
    }

    [Test]
    public void FleetStatistics_Snapshot_CountsDevicesOnTheSiloOfTheirLastResult()
    {
        var ledger = new ResultLedger();
        var stats = new FleetStatistics();
        stats.Add(ledger.Record(Result("a", 1, "s1")));
        stats.Add(ledger.Record(Result("b", 1, "s1")));
        stats.Add(ledger.Record(Result("a", 3, "s2")));
        stats.Add(ledger.Record(Result("a", 3, "s2")));
        var snapshot = stats.Snapshot(Epoch);
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Silos.Select(s => (s.Silo, s.Devices, s.Polls)), Is.EqualTo(new[] { ("s1", 1, 2L), ("s2", 1, 1L) }));
            Assert.That((snapshot.Devices, snapshot.Gaps, snapshot.MissingResults, snapshot.Duplicates), Is.EqualTo((2, 1L, 1L, 1L)));
            Assert.That(snapshot.ToTable(), Does.Contain("gaps 1 (1 missing)  duplicates 1"));
        });
    }

    private static FleetPollResult Result(string device, long sequence, string silo = "silo-0") =>
        new(device, sequence, silo, false, Epoch, Epoch.AddMilliseconds(5), FleetPollStatus.Ok, 2, 100, 50, 0, null);
}
