namespace RxTelnet.Samples.MonitoringPipeline;

using System.Globalization;

/// <summary>The console demo's settings, from the command line.</summary>
public sealed record CommandLine
{
    public const string Usage = """
        Usage: MonitoringPipeline [options]

        Embedded fleet (default): simulated devices on loopback, polled over real Telnet.
          --devices N            number of simulated devices (default 20)
          --seed N               seed for the fleet's rates and faults (default 42)
          --no-faults            no outages, bursts, slowness or noise: for measuring the poller

        A real device instead of the fleet:
          --host H               host to poll (e.g. a busybox telnetd)
          --port P               port (default 23)
          --user U               login name; leave out if the device opens straight into a shell
          --password P           password
          --command C            command that prints counters (default "cat /proc/net/dev";
                                 the fleet's devices answer "show interfaces")
          --prompt REGEX         shell prompt (default "[#$>] ?$", multiline)

        Polling and output:
          --seconds S            run this long, then exit (default 15)
          --period S             poll period in seconds (default 1)
          --timeout S            command timeout in seconds (default: 80% of the period, at most 30)
          --threshold B          rate alert threshold in bytes/s (default 3000000)
          --unreachable-after K  failed polls before an unreachable alert (default 3)
          --csv PATH             where to write samples (default samples.csv)
          --no-live              plain line output even on a terminal (automatic when output is redirected)
          --help                 show this text
        """;

    public int Devices { get; init; } = 20;

    public int Seed { get; init; } = 42;

    public string? Host { get; init; }

    public int Port { get; init; } = 23;

    public string? User { get; init; }

    public string? Password { get; init; }

    public string? Command { get; init; }

    public string Prompt { get; init; } = "[#$>] ?$";

    public double Seconds { get; init; } = 15;

    public double Period { get; init; } = 1;

    public double? Timeout { get; init; }

    public double Threshold { get; init; } = 3_000_000;

    public int UnreachableAfter { get; init; } = 3;

    public string CsvPath { get; init; } = "samples.csv";

    public bool NoLive { get; init; }

    public bool NoFaults { get; init; }

    public bool Help { get; init; }

    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(Timeout ?? Math.Min(Period * 0.8, 30));

    /// <exception cref="FormatException">An option is unknown, lacks its value, or the value is not valid.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            int Int(int min) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new FormatException($"{name} needs a whole number of at least {min}.");
            double Positive() => double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new FormatException($"{name} needs a positive number.");

            result = name switch
            {
                "--devices" => result with { Devices = Int(1) },
                "--seed" => result with { Seed = Int(int.MinValue) },
                "--host" => result with { Host = Value() },
                "--port" => result with { Port = Int(1) },
                "--user" => result with { User = Value() },
                "--password" => result with { Password = Value() },
                "--command" => result with { Command = Value() },
                "--prompt" => result with { Prompt = Value() },
                "--seconds" => result with { Seconds = Positive() },
                "--period" => result with { Period = Positive() },
                "--timeout" => result with { Timeout = Positive() },
                "--threshold" => result with { Threshold = Positive() },
                "--unreachable-after" => result with { UnreachableAfter = Int(1) },
                "--csv" => result with { CsvPath = Value() },
                "--no-live" => result with { NoLive = true },
                "--no-faults" => result with { NoFaults = true },
                "--help" or "-h" or "-?" => result with { Help = true },
                _ => throw new FormatException($"Unknown option {name}."),
            };
        }

        return result;
    }
}
