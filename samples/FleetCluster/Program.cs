// The fleet cluster sample: one Orleans grain per Telnet device, silos as separate processes on one machine, a live
// table of devices per silo, polls per second and failures, and every result in a CSV file.
using RxTelnet.Samples.FleetCluster.Grains;
using RxTelnet.Samples.FleetCluster.Hosting;

CommandLine cli;
try
{
    cli = CommandLine.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 1;
}

if (cli.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (cli.IsSilo)
{
    var polling = new FleetPollingOptions
    {
        Epoch = DateTimeOffset.FromUnixTimeMilliseconds(cli.EpochMs),
        Period = TimeSpan.FromSeconds(cli.Period),
        CommandTimeout = TimeSpan.FromSeconds(Math.Min(30, cli.Period * 0.8)),
    };
    return await SiloHost.RunAsync(cli.SiloIndex, cli.Ports, polling, cli.MetricsPort is { } metrics ? metrics + cli.SiloIndex : null);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await ClusterLauncher.RunAsync(cli, cancel.Token);
