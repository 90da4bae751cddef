namespace RxTelnet.Samples.FleetCluster.Hosting;

using System.Diagnostics;
using System.Globalization;
using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxTelnet.Samples.FleetCluster.Collecting;
using RxTelnet.Samples.FleetCluster.Grains;
using RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>
/// The <c>run</c> command: the simulated fleet in this process, the silos as child processes, and this process as the
/// cluster's client: the keeper, the collector, the live table and the CSV file. At the end it prints the figures
/// the scale write-up uses.
/// </summary>
public static class ClusterLauncher
{
    public static async Task<int> RunAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var period = TimeSpan.FromSeconds(cli.Period);
        var duration = cli.Duration is { } d ? TimeSpan.FromSeconds(d) : Timeout.InfiniteTimeSpan;
        var profiles = FleetProfiles.Demo(cli.Devices, cli.Seed, duration == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : duration, burstTo: 5_000_000, withFaults: !cli.NoFaults);
        using var fleet = LoopbackFleet.Start(profiles, DefaultScheduler.Instance);
        var devices = profiles.Select(p => DeviceKey.Of(fleet.EndPointOf(p.Name)).ToString()).ToList();
        Console.WriteLine($"{devices.Count} simulated devices on loopback; starting {cli.Silos} silos (silo ports {cli.SiloPort}+, gateways {cli.GatewayPort}+)");

        // Whole seconds, so the slots line up with the clock and the table.
        var epoch = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var silos = new List<SiloProcess>();
        try
        {
            // The primary first: the others join the cluster through it.
            silos.Add(SiloProcess.Start(0, cli.SiloArguments(0, epoch)));
            await silos[0].WaitReadyAsync(TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            for (var i = 1; i < cli.Silos; i++)
            {
                silos.Add(SiloProcess.Start(i, cli.SiloArguments(i, epoch)));
            }

            await Task.WhenAll(silos.Skip(1).Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90)))).ConfigureAwait(false);
            Console.WriteLine(string.Join("  ", silos.Select(s => $"{s.Name} pid {s.ProcessId}")));
            return await PollAsync(cli, devices, silos, period, duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(20)))).ConfigureAwait(false);
            silos.ForEach(s => s.Dispose());
        }
    }

    private static async Task<int> PollAsync(CommandLine cli, List<string> devices, List<SiloProcess> silos, TimeSpan period, TimeSpan duration, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(c => c.UseLocalhostClustering(cli.Ports.Gateways(cli.Silos), ClusterPorts.ServiceId, ClusterPorts.ClusterId));
        using var client = builder.Build();
        await client.StartAsync(cancellationToken).ConfigureAwait(false);
        var grains = client.Services.GetRequiredService<IClusterClient>();

        using var collector = new PollCollector();
        var statistics = new FleetStatistics();
        var csvPath = Path.GetFullPath(cli.CsvPath ?? CsvResults.DefaultPath());
        Directory.CreateDirectory(Path.GetDirectoryName(csvPath)!);
        using var csv = new StreamWriter(csvPath);
        using var counting = collector.Entries.Subscribe(statistics.Add);
        using var writing = collector.Entries.WriteTo(csv);

        // The runtime holds observers weakly: `collector` stays referenced until the end of this method.
        var observer = grains.CreateObjectReference<IPollObserver>(collector);
        var keeper = new FleetKeeper(grains, devices, observer, TimeSpan.FromSeconds(10));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration != Timeout.InfiniteTimeSpan)
        {
            stop.CancelAfter(duration);
        }

        var clock = Stopwatch.StartNew();
        var keeping = keeper.RunAsync(TimeSpan.FromSeconds(Math.Max(1, Math.Min(5, cli.Period))), stop.Token);
        var live = !Console.IsOutputRedirected;
        var warmUp = period * 3;
        (TimeSpan At, long Polls)? warm = null;
        var stoppedSilo = false;
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(live ? 1 : 5));
        try
        {
            while (await ticks.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                var snapshot = collector.Read(_ => statistics.Snapshot(DateTimeOffset.UtcNow));
                if (warm is null && clock.Elapsed >= warmUp)
                {
                    warm = (clock.Elapsed, snapshot.Polls);
                }

                var footer = FormattableString.Invariant($"{clock.Elapsed.TotalSeconds:0}s  keeper call failures {keeper.FailedCalls}  latency mean {snapshot.MeanLatency.TotalMilliseconds:0.0} ms max {snapshot.MaxLatency.TotalMilliseconds:0} ms  csv {csvPath}");
                Console.Write((live ? "\u001b[H\u001b[J" : "\n") + snapshot.ToTable() + footer + "\n");

                var at = cli.StopSiloAt ?? cli.KillSiloAt;
                if (!stoppedSilo && at is { } seconds && clock.Elapsed.TotalSeconds >= seconds)
                {
                    stoppedSilo = true;
                    var victim = silos[^1];
                    Console.WriteLine($"{(cli.KillSiloAt is null ? "stopping" : "killing")} {victim.Name} at {clock.Elapsed.TotalSeconds:0} s");
                    if (cli.KillSiloAt is null)
                    {
                        _ = victim.StopAsync(TimeSpan.FromSeconds(30));
                    }
                    else
                    {
                        victim.Kill();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        var end = collector.Read(_ => statistics.Snapshot(DateTimeOffset.UtcNow));
        var elapsed = clock.Elapsed;
        await keeping.ConfigureAwait(false);
        var figures = await Task.WhenAll(silos.Select(s => s.StatsAsync(TimeSpan.FromSeconds(30)))).ConfigureAwait(false);

        // The silos go first, while this client still takes their last results; the primary last, since the
        // others keep the membership table in it while they leave.
        await Task.WhenAll(silos.Skip(1).Select(s => s.StopAsync(TimeSpan.FromSeconds(20)))).ConfigureAwait(false);
        await silos[0].StopAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await csv.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(Summary(cli, devices.Count, period, silos, figures, end, warm, elapsed, csvPath));
        GC.KeepAlive(collector);
        return 0;
    }

    private static string Summary(CommandLine cli, int devices, TimeSpan period, List<SiloProcess> silos, SiloFigures?[] figures, FleetSnapshot end, (TimeSpan At, long Polls)? warm, TimeSpan elapsed, string csvPath)
    {
        var text = new System.Text.StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var rate = warm is { } w && elapsed > w.At ? (end.Polls - w.Polls) / (elapsed - w.At).TotalSeconds : double.NaN;
        text.AppendLine();
        text.AppendLine(inv, $"devices {devices}, silos {cli.Silos}, period {period.TotalSeconds:0.###} s, ran {elapsed.TotalSeconds:0} s");
        text.AppendLine(inv, $"polls/s after warm-up   {rate:0.0} (the fleet needs {devices / period.TotalSeconds:0.0})");
        text.AppendLine(inv, $"polls                   {end.Polls} (failures {end.Failures}), latency mean {end.MeanLatency.TotalMilliseconds:0.0} ms, max {end.MaxLatency.TotalMilliseconds:0} ms");
        text.AppendLine(inv, $"sequence checks         gaps {end.Gaps} ({end.MissingResults} results missing), duplicates {end.Duplicates}");
        for (var i = 0; i < silos.Count; i++)
        {
            var baseline = silos[i].Baseline;
            if (figures[i] is not { } f || baseline is null)
            {
                text.AppendLine(inv, $"{silos[i].Name,-8}                gone");
                continue;
            }

            var perDevice = f.Devices > 0 ? (f.HeapBytes - baseline.HeapBytes) / (double)f.Devices / 1024 : double.NaN;
            var wsPerDevice = f.Devices > 0 ? (f.WorkingSetBytes - baseline.WorkingSetBytes) / (double)f.Devices / 1024 : double.NaN;
            text.AppendLine(inv, $"{silos[i].Name,-8} devices {f.Devices,6}  heap {f.HeapBytes / 1048576.0,7:0.0} MiB (+{perDevice:0.0} KiB/device)  working set {f.WorkingSetBytes / 1048576.0,7:0.0} MiB (+{wsPerDevice:0.0} KiB/device)");
        }

        text.AppendLine(inv, $"load average            {LoadAverage()}");
        text.Append(inv, $"results                 {csvPath}");
        return text.ToString();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
