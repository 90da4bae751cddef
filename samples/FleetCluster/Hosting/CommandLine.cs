namespace RxTelnet.Samples.FleetCluster.Hosting;

using System.Globalization;

/// <summary>The sample's settings from its command line: <c>run</c> (the launcher, default) or <c>silo</c> (one silo, started by the launcher).</summary>
public sealed record CommandLine
{
    public const string Usage = """
        Usage: FleetCluster [run] [options]

        Starts a fleet of simulated Telnet devices on loopback, a cluster of silos as separate processes (localhost
        clustering), and a client that keeps every device's grain polling and shows the live table.
          --silos N           silos to start, 1 to 9 (default 3)
          --devices N         simulated devices (default 300)
          --period S          poll period in seconds (default 2)
          --duration S        stop after S seconds (default: run until Ctrl+C)
          --stop-silo-at S    stop the last silo gracefully after S seconds, to watch its devices move
          --kill-silo-at S    kill the last silo after S seconds (no goodbye: the cluster must notice)
          --no-faults         devices never fail, slow down or garble (for measuring)
          --seed N            seed of the fleet's rates and faults (default 42)
          --csv PATH          where the results go (default: a new file under the system's temp folder)
          --silo-port P       first silo-to-silo port (default 11111; silo i uses P + i)
          --gateway-port P    first client gateway port (default 30000; silo i uses P + i)
          --metrics-port P    each silo serves Prometheus metrics on 127.0.0.1:(P + i)/metrics: the library's
                              meter, the fleet's and Orleans' own (grain activations, messages)
          --help              show this text
        """;

    public bool Help { get; init; }

    public bool IsSilo { get; init; }

    public int SiloIndex { get; init; }

    public int Silos { get; init; } = 3;

    public int Devices { get; init; } = 300;

    public double Period { get; init; } = 2;

    public double? Duration { get; init; }

    public double? StopSiloAt { get; init; }

    public double? KillSiloAt { get; init; }

    public bool NoFaults { get; init; }

    public int Seed { get; init; } = 42;

    public string? CsvPath { get; init; }

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>The first silo's Prometheus port (silo i uses it + i), or null for no export.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>For a silo: the fleet's epoch in Unix milliseconds, the same for every silo.</summary>
    public long EpochMs { get; init; }

    public ClusterPorts Ports => new(SiloPort, GatewayPort);

    /// <summary>Parses the arguments; an unknown option or a bad value is a <see cref="FormatException"/> that names it.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cli = new CommandLine();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            cli = args[0] switch
            {
                "run" => cli,
                "silo" => cli with { IsSilo = true },
                _ => throw new FormatException($"Unknown command \"{args[0]}\": the commands are run and silo."),
            };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            cli = name switch
            {
                "--help" or "-h" => cli with { Help = true },
                "--silos" => cli with { Silos = Int(name, Value(), 1, 9) },
                "--devices" => cli with { Devices = Int(name, Value(), 1, 50_000) },
                "--period" => cli with { Period = Seconds(name, Value(), 0.1) },
                "--duration" => cli with { Duration = Seconds(name, Value(), 1) },
                "--stop-silo-at" => cli with { StopSiloAt = Seconds(name, Value(), 0) },
                "--kill-silo-at" => cli with { KillSiloAt = Seconds(name, Value(), 0) },
                "--no-faults" => cli with { NoFaults = true },
                "--seed" => cli with { Seed = Int(name, Value(), int.MinValue, int.MaxValue) },
                "--csv" => cli with { CsvPath = Value() },
                "--silo-port" => cli with { SiloPort = Int(name, Value(), 1024, 65_000) },
                "--gateway-port" => cli with { GatewayPort = Int(name, Value(), 1024, 65_000) },
                "--metrics-port" => cli with { MetricsPort = Int(name, Value(), 1024, 65_000) },
                "--index" when cli.IsSilo => cli with { SiloIndex = Int(name, Value(), 0, 8) },
                "--epoch-ms" when cli.IsSilo => cli with { EpochMs = long.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"Unknown option \"{name}\"."),
            };
        }

        if (cli.StopSiloAt is not null && cli.KillSiloAt is not null)
        {
            throw new FormatException("Give --stop-silo-at or --kill-silo-at, not both.");
        }

        if ((cli.StopSiloAt is not null || cli.KillSiloAt is not null) && cli.Silos < 2)
        {
            throw new FormatException($"Stopping a silo needs at least 2 silos, not {cli.Silos}.");
        }

        return cli;
    }

    /// <summary>The arguments that start silo <paramref name="index"/> of this run.</summary>
    public IReadOnlyList<string> SiloArguments(int index, DateTimeOffset epoch) =>
    [
        "silo", "--index", Str(index), "--period", Str(Period), "--epoch-ms", Str(epoch.ToUnixTimeMilliseconds()),
        "--silo-port", Str(SiloPort), "--gateway-port", Str(GatewayPort),
        .. MetricsPort is { } metrics ? new[] { "--metrics-port", Str(metrics) } : [],
    ];

    private static string Str(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} takes a whole number from {min} to {max}, not \"{value}\".");

    private static double Seconds(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= 86_400
            ? s
            : throw new FormatException($"{name} takes seconds from {min.ToString(CultureInfo.InvariantCulture)} to 86400, not \"{value}\".");
}
