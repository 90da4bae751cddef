namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Diagnostics;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Output;
using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>
/// The whole pipeline over an in-memory fleet on one <see cref="TestScheduler"/>: devices, Telnet sessions, ticks,
/// timeouts and backoff all in virtual time. Virtual time starts at 0 (0001-01-01T00:00:00Z), which is the fleet's epoch.
/// </summary>
/// <remarks>
/// <see cref="TestScheduler"/> runs work scheduled for "now" one tick (100 ns) later, and the in-memory transport
/// delivers every chunk by scheduling it: each hop from one end to the other therefore takes exactly one tick. A
/// command and its reply take two; that is why expected times below read <c>At(...) + Ticks(2)</c>.
/// </remarks>
internal sealed class FleetRun
{
    private FleetRun(InMemoryFleet fleet, TestScheduler scheduler)
    {
        Fleet = fleet;
        Scheduler = scheduler;
    }

    public InMemoryFleet Fleet { get; }

    public TestScheduler Scheduler { get; }

    public List<PollResult> Polls { get; } = [];

    public List<Alert> Alerts { get; } = [];

    public List<ConnectionEvent> Connections { get; } = [];

    public Dictionary<string, DeviceStatus> LastStatus { get; } = [];

    public StringWriter Csv { get; } = new();

    public TimeSpan RealTime { get; private set; }

    public static DateTimeOffset At(int hours, int minutes, int seconds) =>
        new(new TimeSpan(hours, minutes, seconds).Ticks, TimeSpan.Zero);

    public static TimeSpan Ticks(long ticks) => TimeSpan.FromTicks(ticks);

    /// <summary>Runs a small fleet for a virtual hour, so a measured run that follows times the pipeline rather than the JIT.</summary>
    public static void WarmUp() =>
        Execute(FleetProfiles.Uniform(3, new RandomFaults(0.1, TimeSpan.FromSeconds(1), 0.2, 0.1, 0.05), seed: 7), new PollerOptions(), new AlertThresholds(10_000), TimeSpan.FromHours(1));

    /// <summary>Polls from virtual time 0 for <paramref name="duration"/>, and then for one command timeout more so the last round finishes.</summary>
    public static FleetRun Execute(IReadOnlyList<DeviceProfile> profiles, PollerOptions options, AlertThresholds thresholds, TimeSpan duration)
    {
        var scheduler = new TestScheduler();
        var run = new FleetRun(new InMemoryFleet(profiles, scheduler), scheduler);
        var poller = new DevicePoller(profiles.Select(DeviceTarget.For), run.Fleet.Connect, options, scheduler);
        using var connections = poller.ConnectionEvents.Subscribe(run.Connections.Add);
        var polls = poller.Polls.Publish();
        var statuses = polls.Analyze(thresholds).Publish();
        using var csv = statuses.WriteCsv(run.Csv);
        using var last = statuses.Subscribe(s => run.LastStatus[s.DeviceId] = s);
        using var alerts = statuses.Alerts().Subscribe(run.Alerts.Add);
        using var recorded = polls.Subscribe(run.Polls.Add);
        using var statusConnection = statuses.Connect();

        var clock = Stopwatch.StartNew();
        using (polls.Connect())
        {
            scheduler.AdvanceTo((duration + options.CommandTimeout).Ticks);
        }

        run.RealTime = clock.Elapsed;
        run.Fleet.Dispose();
        return run;
    }

    public int CsvRows => Csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
}
