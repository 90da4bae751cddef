namespace RxTelnet.Samples.MonitoringPipeline;

using System.CommandLine;
using System.CommandLine.Parsing;

/// <summary>The console demo's settings, from the command line (System.CommandLine).</summary>
public sealed record CommandLine
{
    /// <summary>Gets where the CSV of samples goes unless <c>--csv</c> says: the system's temporary folder, never the working folder.</summary>
    public static string DefaultCsvPath => Path.Combine(Path.GetTempPath(), "rxtelnet-monitoring", "samples.csv");

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

    public string CsvPath { get; init; } = DefaultCsvPath;

    public bool NoLive { get; init; }

    public bool NoFaults { get; init; }

    /// <summary>Gets the loopback port of the Prometheus scrape endpoint (<c>http://127.0.0.1:PORT/metrics</c>); none when null, 0 for a free port.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Gets whether the OpenTelemetry console exporter prints the metrics (every 5 s and at exit).</summary>
    public bool MetricsConsole { get; init; }

    public bool Help { get; init; }

    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(Timeout ?? Math.Min(Period * 0.8, 30));

    /// <summary>Gets the usage: System.CommandLine's help page for the command.</summary>
    public static string Usage
    {
        get
        {
            var (root, _) = Build();
            var output = new StringWriter();
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });
            return output.ToString();
        }
    }

    /// <exception cref="FormatException">An option is unknown, lacks its value, or the value is not valid; the message names each problem.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (root, bind) = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            throw new FormatException(string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message)));
        }

        return bind(parse);
    }

    private static (Command Root, Func<ParseResult, CommandLine> Bind) Build()
    {
        var defaults = new CommandLine();
        var devices = AtLeast(new Option<int>("--devices") { Description = "Number of simulated devices.", HelpName = "N", DefaultValueFactory = _ => defaults.Devices }, 1);
        var seed = new Option<int>("--seed") { Description = "Seed for the fleet's rates and faults.", HelpName = "N", DefaultValueFactory = _ => defaults.Seed };
        var noFaults = new Option<bool>("--no-faults") { Description = "No outages, bursts, slowness or noise: for measuring the poller." };
        var host = new Option<string?>("--host") { Description = "A real device to poll instead of the fleet (e.g. a busybox telnetd).", HelpName = "H" };
        var port = Between(new Option<int>("--port") { Description = "The device's port.", HelpName = "P", DefaultValueFactory = _ => defaults.Port }, 1, 65535);
        var user = new Option<string?>("--user") { Description = "Login name; leave out if the device opens straight into a shell.", HelpName = "U" };
        var password = new Option<string?>("--password") { Description = "Password.", HelpName = "P" };
        var command = new Option<string?>("--command")
        {
            Description = "Command that prints counters (default \"cat /proc/net/dev\"; the fleet's devices answer \"show interfaces\").",
            HelpName = "C",
        };
        var prompt = new Option<string>("--prompt") { Description = "Shell prompt, a regular expression (multiline).", HelpName = "REGEX", DefaultValueFactory = _ => defaults.Prompt };
        var seconds = Positive(new Option<double>("--seconds") { Description = "Run this long, then exit.", HelpName = "S", DefaultValueFactory = _ => defaults.Seconds });
        var period = Positive(new Option<double>("--period") { Description = "Poll period in seconds.", HelpName = "S", DefaultValueFactory = _ => defaults.Period });
        var timeout = Positive(new Option<double?>("--timeout") { Description = "Command timeout in seconds (default: 80% of the period, at most 30).", HelpName = "S" });
        var threshold = Positive(new Option<double>("--threshold") { Description = "Rate alert threshold in bytes/s.", HelpName = "B", DefaultValueFactory = _ => defaults.Threshold });
        var unreachableAfter = AtLeast(
            new Option<int>("--unreachable-after") { Description = "Failed polls before an unreachable alert.", HelpName = "K", DefaultValueFactory = _ => defaults.UnreachableAfter }, 1);
        var csv = new Option<string>("--csv")
        {
            Description = "Where to write the samples (default: samples.csv in the system's temporary folder, under rxtelnet-monitoring).",
            HelpName = "PATH",
            DefaultValueFactory = _ => DefaultCsvPath,
        };
        var noLive = new Option<bool>("--no-live") { Description = "Plain line output even on a terminal (automatic when output is redirected)." };
        var metricsPort = Between(
            new Option<int?>("--metrics-port")
            {
                Description = "Serve the library's and the pipeline's metrics for Prometheus at http://127.0.0.1:PORT/metrics (0: a free port).",
                HelpName = "PORT",
            },
            0,
            65535);
        var metricsConsole = new Option<bool>("--metrics-console") { Description = "Print the metrics with OpenTelemetry's console exporter (every 5 s and at exit)." };

        var root = new RootCommand("Monitoring pipeline: a fleet of Telnet devices (simulated on loopback, or one real one) polled by a pure-Rx pipeline.")
        {
            devices, seed, noFaults, host, port, user, password, command, prompt, seconds, period, timeout, threshold, unreachableAfter, csv, noLive,
            metricsPort, metricsConsole,
        };
        return (root, parse => new CommandLine
        {
            Devices = parse.GetValue(devices),
            Seed = parse.GetValue(seed),
            NoFaults = parse.GetValue(noFaults),
            Host = parse.GetValue(host),
            Port = parse.GetValue(port),
            User = parse.GetValue(user),
            Password = parse.GetValue(password),
            Command = parse.GetValue(command),
            Prompt = parse.GetValue(prompt)!,
            Seconds = parse.GetValue(seconds),
            Period = parse.GetValue(period),
            Timeout = parse.GetValue(timeout),
            Threshold = parse.GetValue(threshold),
            UnreachableAfter = parse.GetValue(unreachableAfter),
            CsvPath = parse.GetValue(csv)!,
            NoLive = parse.GetValue(noLive),
            MetricsPort = parse.GetValue(metricsPort),
            MetricsConsole = parse.GetValue(metricsConsole),
            Help = parse.Action is System.CommandLine.Help.HelpAction,
        });
    }

    private static Option<T> Positive<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (Value(r) is { } v && !(v > 0))
            {
                r.AddError($"{option.Name} needs a positive number.");
            }
        });
        return option;
    }

    private static Option<T> AtLeast<T>(Option<T> option, int min) => Between(option, min, int.MaxValue);

    private static Option<T> Between<T>(Option<T> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (Value(r) is { } v && (v < min || v > max))
            {
                r.AddError(max == int.MaxValue ? $"{option.Name} needs a whole number of at least {min}." : $"{option.Name} needs a whole number from {min} to {max}.");
            }
        });
        return option;
    }

    /// <summary>The option's number, or null when it was not given or is not a number (the parser reports that itself).</summary>
    private static double? Value(OptionResult result) =>
        result.Tokens.Count > 0 && double.TryParse(result.Tokens[^1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : null;
}
