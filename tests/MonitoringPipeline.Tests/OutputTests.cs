namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Reactive.Linq;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Output;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using static FleetRun;

[TestFixture]
public sealed class OutputTests
{
    [Test]
    public void WriteCsv_OneRowPerSampledInterface()
    {
        var polls = new[]
        {
            new PollResult("dev-1", 1, At(1, 0, 0), At(1, 0, 0), PollStatus.Ok, [new InterfaceCounters("eth0", true, 0, 10, 1, 2), new InterfaceCounters("eth1", true, 5, 5, 0, 0)]),
            new PollResult("dev-1", 2, At(1, 1, 0), At(1, 1, 0), PollStatus.Timeout, []),
            new PollResult("dev-1", 3, At(1, 2, 0), At(1, 2, 30), PollStatus.Ok, [new InterfaceCounters("eth0", true, 150_000, 10, 1, 2)]),
        };
        using var csv = new StringWriter();

        using (polls.ToObservable().Analyze(new AlertThresholds(1e9)).WriteCsv(csv))
        {
        }

        Assert.That(csv.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            CsvSamples.Header,
            "0001-01-01T01:00:00.000Z,dev-1,eth0,0,10,1,2,,",
            "0001-01-01T01:00:00.000Z,dev-1,eth1,5,5,0,0,,",
            "0001-01-01T01:02:30.000Z,dev-1,eth0,150000,10,1,2,1000.0,0.0",
        }));
    }

    [Test]
    public void Summarize_EveryDeviceEveryRoundInTime_IntervalMet()
    {
        var stats = new RunStatistics(2, TimeSpan.FromSeconds(10));
        foreach (var round in Enumerable.Range(1, 3))
        {
            foreach (var device in new[] { "a", "b" })
            {
                var start = At(0, 0, 10 * round);
                stats.Observe(new PollResult(device, round, start, start + TimeSpan.FromMilliseconds(device == "a" ? 5 : 40), PollStatus.Ok, []));
            }
        }

        var summary = stats.Summarize(At(0, 0, 35));

        Assert.That(summary, Has.Property(nameof(RunStatistics.Summary.Rounds)).EqualTo(2).And.Property(nameof(RunStatistics.Summary.IntervalMet)).True,
            "round 3 (at 30 s) has not had its whole period yet");
        Assert.That(summary.AchievedPollsPerSecond, Is.EqualTo(0.2), "4 good polls in 2 rounds of 10 s");
        Assert.That(summary.MaxLatency, Is.EqualTo(TimeSpan.FromMilliseconds(40)));
    }

    [Test]
    public void Summarize_DeviceMissingFromARound_IntervalNotMet()
    {
        var stats = new RunStatistics(2, TimeSpan.FromSeconds(10));
        stats.Observe(new PollResult("a", 1, At(0, 0, 10), At(0, 0, 10), PollStatus.Ok, []));

        Assert.That(stats.Summarize(At(0, 1, 0)).IntervalMet, Is.False);
    }
}

[TestFixture]
public sealed class CommandLineTests
{
    [Test]
    public void Parse_Defaults()
    {
        var cli = CommandLine.Parse([]);

        Assert.That(cli, Has.Property(nameof(CommandLine.Devices)).EqualTo(20).And.Property(nameof(CommandLine.Seconds)).EqualTo(15).And.Property(nameof(CommandLine.Host)).Null);
        Assert.That(cli.CommandTimeout, Is.EqualTo(TimeSpan.FromSeconds(0.8)));
    }

    [Test]
    public void Parse_RealHost()
    {
        var cli = CommandLine.Parse(["--host", "10.0.0.1", "--port", "2323", "--user", "root", "--password", "pw", "--period", "10", "--seconds", "60"]);

        Assert.That(cli, Has.Property(nameof(CommandLine.Host)).EqualTo("10.0.0.1").And.Property(nameof(CommandLine.Port)).EqualTo(2323)
            .And.Property(nameof(CommandLine.User)).EqualTo("root").And.Property(nameof(CommandLine.Password)).EqualTo("pw"));
        Assert.That(cli.CommandTimeout, Is.EqualTo(TimeSpan.FromSeconds(8)));
    }

    [TestCase("--devices", "0")]
    [TestCase("--seconds", "-1")]
    [TestCase("--bogus", "1")]
    [TestCase("--csv")]
    [TestCase("--port", "70000")]
    [TestCase("--period", "soon")]
    [TestCase("--metrics-port", "-5")]
    public void Parse_BadArguments_FormatException(params string[] args)
    {
        Assert.Throws<FormatException>(() => CommandLine.Parse(args));
    }

    [Test]
    public void Parse_UnknownOption_NamedInTheMessage()
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse(["--bogus"]));

        Assert.That(error!.Message, Does.Contain("--bogus"));
    }

    [Test]
    public void Csv_DefaultsUnderTheTempFolder_NeverTheWorkingFolder()
    {
        var cli = CommandLine.Parse([]);

        Assert.That(cli.CsvPath, Does.StartWith(Path.GetTempPath()));
        Assert.That(Path.GetFullPath(cli.CsvPath), Does.Not.StartWith(Path.GetFullPath(Directory.GetCurrentDirectory()) + Path.DirectorySeparatorChar));
        Assert.That(CommandLine.Parse(["--csv", "/some/where/else.csv"]).CsvPath, Is.EqualTo("/some/where/else.csv"));
    }

    [Test]
    public void Metrics_Options()
    {
        Assert.That(CommandLine.Parse([]).MetricsPort, Is.Null);
        var cli = CommandLine.Parse(["--metrics-port", "9464", "--metrics-console"]);

        Assert.That(cli.MetricsPort, Is.EqualTo(9464));
        Assert.That(cli.MetricsConsole, Is.True);
    }

    [Test]
    public void Help_IsRecognised_AndTheUsageListsEveryOption()
    {
        Assert.That(CommandLine.Parse(["--help"]).Help, Is.True);
        foreach (var option in new[] { "--devices", "--host", "--csv", "--metrics-port", "--metrics-console", "--no-live" })
        {
            Assert.That(CommandLine.Usage, Does.Contain(option));
        }
    }
}
