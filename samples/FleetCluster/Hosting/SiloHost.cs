namespace RxTelnet.Samples.FleetCluster.Hosting;

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RxTelnet.Samples.FleetCluster.Grains;

/// <summary>
/// One silo as its own process (<c>FleetCluster silo ...</c>), started by the launcher. It speaks a tiny line protocol
/// on its standard streams: it prints <c>READY</c> once it has joined the cluster, answers a <c>stats</c> line with a
/// <c>STATS</c> line (active device grains, managed heap after a full collection, working set), and shuts down
/// gracefully when its standard input ends, so it never outlives the launcher.
/// </summary>
public static class SiloHost
{
    /// <summary>Adds the fleet's grains and their options to a silo; the test cluster uses the same.</summary>
    public static ISiloBuilder AddFleet(this ISiloBuilder silo, Action<FleetPollingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configure);
        silo.Services.Configure(configure);
        return silo;
    }

    public static async Task<int> RunAsync(int index, ClusterPorts ports, FleetPollingOptions polling, int? metricsPort = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(polling);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

        // A silo that leaves or a client that goes makes one warning per message in flight: expected here, not news.
        // The workstation-GC note is a choice here (a silo of a few MiB per thousand devices), not a fault.
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical).AddFilter("Polly", LogLevel.Error)
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports.SiloPort(index), ports.GatewayPort(index), ports.Primary, ClusterPorts.ServiceId, ClusterPorts.ClusterId);
            silo.Configure<SiloOptions>(o => o.SiloName = $"silo-{index}");
            silo.AddFleet(o => Copy(polling, o));
        });
        using var host = builder.Build();

        // OpenTelemetry: the library's meter (sessions, bytes, negotiations), the fleet's, and Orleans' own.
        using var metrics = metricsPort is { } port
            ? RxTelnet.Samples.MonitoringPipeline.Telemetry.MetricsExport.Start(port, console: false, $"fleet-silo-{index}", FleetMetrics.MeterName, "Microsoft.Orleans")
            : null;
        await host.StartAsync().ConfigureAwait(false);
        var baseline = Stats();
        Console.WriteLine(FormattableString.Invariant($"READY silo-{index} pid={Environment.ProcessId} {baseline}{(metrics?.ScrapeUri is { } uri ? " metrics=" + uri : string.Empty)}"));

        // Standard input is the launcher's lifeline: a line "stats" asks for figures, its end means stop.
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Trim() == "stats")
            {
                Console.WriteLine("STATS " + Stats());
            }
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await host.StopAsync(stop.Token).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The figures a silo reports: device grains active here, managed heap after a full collection, working set.</summary>
    public static string Stats()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        return string.Create(CultureInfo.InvariantCulture, $"devices={FleetMetrics.ActiveDevices} heap={heap} ws={Environment.WorkingSet}");
    }

    private static void Copy(FleetPollingOptions from, FleetPollingOptions to)
    {
        to.Epoch = from.Epoch;
        to.Period = from.Period;
        to.ConnectTimeout = from.ConnectTimeout;
        to.LoginTimeout = from.LoginTimeout;
        to.CommandTimeout = from.CommandTimeout;
        to.BackoffInitial = from.BackoffInitial;
        to.BackoffMax = from.BackoffMax;
        to.User = from.User;
        to.Password = from.Password;
        to.Command = from.Command;
        to.Prompt = from.Prompt;
    }
}
