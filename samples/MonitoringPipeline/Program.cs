// The monitoring pipeline sample: an embedded fleet of simulated devices on loopback (or one real device), polled
// over Telnet by a pure-Rx pipeline on the real scheduler, with a live table, alerts and a CSV of samples.
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.RegularExpressions;
using RxTelnet.Samples.MonitoringPipeline;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Output;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Samples.MonitoringPipeline.Telemetry;
using RxTelnet.Session;

CommandLine cli;
try
{
    cli = CommandLine.Parse(args);
}
catch (FormatException ex)
{
    // Every problem, then the usage; exit 1 as for any invalid command line.
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(CommandLine.Usage);
    return 1;
}

if (cli.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

// Before any session exists: the library's meter (RxTelnet) and the pipeline's are exported from the start.
using var metricsExport = MetricsExport.Start(cli.MetricsPort, cli.MetricsConsole);
if (metricsExport?.ScrapeUri is { } scrapeUri)
{
    Console.WriteLine($"metrics for Prometheus at {scrapeUri}");
}

using var pipelineMetrics = new PipelineMetrics();

IScheduler scheduler = DefaultScheduler.Instance;
var sessionOptions = new TelnetSessionOptions { Scheduler = scheduler };
var duration = TimeSpan.FromSeconds(cli.Seconds);
var period = TimeSpan.FromSeconds(cli.Period);
var pollerOptions = new PollerOptions
{
    PollPeriod = period,
    CommandTimeout = cli.CommandTimeout,
    LoginTimeout = TimeSpan.FromSeconds(10),
    BackoffInitial = TimeSpan.FromMilliseconds(500),
    BackoffMax = TimeSpan.FromSeconds(10),
    Command = cli.Command ?? (cli.Host is null ? "show interfaces" : "cat /proc/net/dev"),
};

LoopbackFleet? fleet = null;
List<DeviceTarget> targets;
Func<string, IObservable<TelnetSession>> sessions;
if (cli.Host is { } host)
{
    targets = [new DeviceTarget($"{host}:{cli.Port}", cli.User, cli.Password, new Regex(cli.Prompt, RegexOptions.Multiline | RegexOptions.CultureInvariant))];
    sessions = TcpSessions.Factory(_ => (host, cli.Port), sessionOptions, TimeSpan.FromSeconds(5));
    Console.WriteLine($"polling {host}:{cli.Port} every {period.TotalSeconds:0.###} s with \"{pollerOptions.Command}\" for {duration.TotalSeconds:0.###} s");
}
else
{
    var profiles = FleetProfiles.Demo(cli.Devices, cli.Seed, duration, burstTo: (long)(cli.Threshold * 1.5), withFaults: !cli.NoFaults);
    var started = Stopwatch.StartNew();
    fleet = LoopbackFleet.Start(profiles, scheduler);
    var loopback = fleet;
    targets = [.. profiles.Select(DeviceTarget.For)];
    sessions = TcpSessions.Factory(id => ("127.0.0.1", loopback.EndPointOf(id).Port), sessionOptions, TimeSpan.FromSeconds(5));
    Console.WriteLine($"{profiles.Count} simulated devices listening on loopback (started in {started.ElapsedMilliseconds} ms); polling every {period.TotalSeconds:0.###} s for {duration.TotalSeconds:0.###} s");
}

var live = Dashboard.CanRunLive(cli.NoLive);
if (Console.IsOutputRedirected)
{
    // Redirected output has no width; Spectre would assume 80 columns and wrap the table.
    Spectre.Console.AnsiConsole.Profile.Width = 132;
}

var thresholds = new AlertThresholds(cli.Threshold, cli.UnreachableAfter);
var dashboard = new Dashboard([.. targets.Select(t => t.Id)]);
var statistics = new RunStatistics(targets.Count, period);
var poller = new DevicePoller(targets, sessions, pollerOptions, scheduler);

var polls = poller.Polls.Publish();
var statuses = polls.Analyze(thresholds).Publish();
var csvRows = 0L;
// Synchronized: a row still on its way from a pool thread must not race the flush at exit.
if (Path.GetDirectoryName(Path.GetFullPath(cli.CsvPath)) is { } csvFolder)
{
    Directory.CreateDirectory(csvFolder);
}

using var csv = TextWriter.Synchronized(new StreamWriter(cli.CsvPath));
using var csvSubscription = statuses.Do(s => csvRows += s.Sampled.Count()).WriteCsv(csv);
using var dashboardSubscription = statuses.Subscribe(dashboard.Update);
using var alertSubscription = statuses.Alerts().Subscribe(a => dashboard.OnAlert(a, print: !live));
using var statisticsSubscription = polls.Subscribe(statistics.Observe);
using var metricsSubscription = pipelineMetrics.Observe(polls, statuses.Alerts());
using var connectionSubscription = poller.ConnectionEvents.Subscribe(dashboard.OnConnection);
using var statusConnection = statuses.Connect();

var clock = Stopwatch.StartNew();
var running = polls.Connect();
using (var stop = new CancellationTokenSource(duration))
{
    string Footer()
    {
        var s = statistics.Summarize(scheduler.Now);
        return string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed.TotalSeconds:F0}/{duration.TotalSeconds:F0} s  rounds {s.Rounds} (on time {s.RoundsOnTime})  polls ok {s.Ok} failed {s.Failed} skipped {s.Skipped}  alerts {dashboard.AlertCount}  max latency {s.MaxLatency.TotalMilliseconds:F0} ms");
    }

    if (live)
    {
        await dashboard.RunLiveAsync(Footer, stop.Token);
    }
    else
    {
        await dashboard.RunPlainAsync(Footer, period < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : period, stop.Token);
    }
}

// Stop polling (closes every session), then take the figures.
running.Dispose();
var summary = statistics.Summarize(scheduler.Now);
csv.Flush();
fleet?.Dispose();

if (!live)
{
    Spectre.Console.AnsiConsole.Write(dashboard.Render("final state"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

    devices                 {targets.Count}
    poll period             {period.TotalSeconds:0.###} s
    rounds finished         {summary.Rounds} (every device answered within the period: {summary.RoundsOnTime})
    polls                   {summary.Results} (ok {summary.Ok}, failed {summary.Failed}, skipped {summary.Skipped})
    poll rate               {summary.PollsPerSecond:F1} polls/s made ({summary.AchievedPollsPerSecond:F1} ok), {summary.RequiredPollsPerSecond:F1}/s needed
    latency                 mean {summary.MeanLatency.TotalMilliseconds:F1} ms, max {summary.MaxLatency.TotalMilliseconds:F1} ms, slowest round done after {summary.SlowestRound.TotalMilliseconds:F0} ms
    interval met            {(summary.IntervalMet ? "yes" : "no")}
    alerts                  {dashboard.AlertCount}
    samples                 {csvRows} rows in {Path.GetFullPath(cli.CsvPath)}
    """));
return 0;
