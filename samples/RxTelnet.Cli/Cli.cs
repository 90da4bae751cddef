namespace RxTelnet.Cli;

using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Security.Authentication;
using RxTelnet.Samples.Demo;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>The <c>rxtelnet</c> command line.</summary>
public static class Cli
{
    /// <summary>Exit code for usage errors, connection failures and invalid scripts.</summary>
    public const int Failure = 1;

    /// <summary>The one-line synopsis printed after a command-line error.</summary>
    public const string Usage = "Usage: rxtelnet [<HOST> [<PORT>]] [options]   (rxtelnet --help lists the options)";

    /// <summary>Parses <paramref name="args"/> and runs the client on <paramref name="terminal"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="terminal">The console (a fake one in tests).</param>
    /// <param name="cancellationToken">Ends the session.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, ITerminal terminal, CancellationToken cancellationToken = default)
    {
        var root = BuildCommand(terminal);
        var configuration = new InvocationConfiguration
        {
            Output = terminal.Out,
            Error = terminal.Error,
            // Only the real console's process hooks Ctrl-C and SIGTERM; in raw mode Ctrl-C is a key for the server.
            ProcessTerminationTimeout = terminal is SystemTerminal ? TimeSpan.FromSeconds(2) : null,
        };
        var parse = root.Parse(args);

        // HOST and PORT take any word, so a mistyped option (--tsl) would otherwise be taken for a host name.
        var unknown = root.Arguments
            .SelectMany(a => parse.GetResult(a)?.Tokens ?? [])
            .Select(t => t.Value)
            .Concat(parse.UnmatchedTokens)
            .Where(LooksLikeAnOption)
            .Distinct()
            .ToList();
        if (unknown.Count > 0 || parse.Action is ParseErrorAction)
        {
            // The errors name the bad value, then one line of usage: the whole help page would bury them.
            terminal.Error.WriteLine("rxtelnet: invalid command line:");
            var messages = unknown.Count > 0
                ? unknown.Select(u => $"Unknown option '{u}'.")
                : parse.Errors.Select(e => e.Message);
            foreach (var message in messages)
            {
                terminal.Error.WriteLine($"  {message}");
            }

            terminal.Error.WriteLine(Usage);
            return Task.FromResult(Failure);
        }

        return parse.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>Whether a word in a HOST or PORT place is an option: a dash, then not a number.</summary>
    private static bool LooksLikeAnOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    public static Command BuildCommand(ITerminal terminal)
    {
        var host = new Argument<string?>("HOST")
        {
            Description = "The host to connect to (a name or an address).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var port = new Argument<int?>("PORT")
        {
            Description = "The TCP port: 23, or 992 with --tls.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = ParsePort,
        };
        var tls = new Option<bool>("--tls") { Description = "Telnet over TLS (telnets, port 992 by default)." };
        var startTls = new Option<bool>("--starttls")
        {
            Description = "Connect in plain text, then upgrade to TLS with the START-TLS option (46) before anything is read; fail if the server refuses (no silent fallback to plain text).",
        };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "With --tls or --starttls, accept any certificate (self-signed, expired, wrong name). For lab gear only: it gives up protection against impostors.",
        };
        var log = new Option<FileInfo?>("--log") { Description = "Write a trace of both directions (time, hex, printable text, commands) to FILE.", HelpName = "FILE" };
        var script = new Option<FileInfo?>("--script")
        {
            Description = "Run expect/send steps from FILE instead of going interactive; exit 0 when all pass, 2 on a timeout or end of connection before a match.",
            HelpName = "FILE",
        };
        var demo = new Option<bool>("--demo") { Description = "Start the embedded demo server on a free loopback port and connect to it." };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds a script's expect waits (until a 'timeout' step changes it), and seconds redirected input waits for the server to close.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };
        var connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "Seconds the connection (and TLS handshake) may take.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };
        timeout.Validators.Add(r => CheckSeconds(r, timeout));
        connectTimeout.Validators.Add(r => CheckSeconds(r, connectTimeout));

        // A plain Command named rxtelnet rather than RootCommand, whose name would be the assembly's.
        var root = new Command(
            "rxtelnet",
            "rxtelnet: an interactive Telnet client built on RxTelnet. Ctrl-] opens the rxtelnet> prompt (close, status, send ayt|brk|nop, continue).")
        {
            host, port, tls, startTls, insecure, log, script, demo, timeout, connectTimeout, new HelpOption(), new VersionOption { Action = new PrintVersion(terminal) },
        };
        root.Validators.Add(r =>
        {
            var isDemo = r.GetValue(demo);
            if (isDemo && r.GetValue(host) is not null)
            {
                r.AddError("--demo connects to the embedded server: give no HOST.");
            }
            else if (isDemo && r.GetValue(tls))
            {
                r.AddError("--demo serves plain Telnet: --tls cannot be used with it.");
            }
            else if (!isDemo && r.GetValue(host) is null)
            {
                r.AddError("Missing HOST (or use --demo).");
            }

            if (r.GetValue(tls) && r.GetValue(startTls))
            {
                r.AddError("--tls and --starttls exclude each other: --tls starts in TLS, --starttls upgrades a plain connection.");
            }
            else if (isDemo && r.GetValue(startTls))
            {
                r.AddError("--demo serves plain Telnet: --starttls cannot be used with it.");
            }

            if (r.GetValue(insecure) && !r.GetValue(tls) && !r.GetValue(startTls))
            {
                r.AddError("--insecure only applies with --tls or --starttls.");
            }
        });

        root.SetAction((parse, cancellationToken) =>
        {
            var isTls = parse.GetValue(tls);
            var settings = new ClientSettings
            {
                Host = parse.GetValue(host) ?? "127.0.0.1",
                Port = parse.GetValue(port) ?? (isTls ? TlsTransport.DefaultPort : SocketTransport.DefaultPort),
                Tls = isTls,
                StartTls = parse.GetValue(startTls),
                Insecure = parse.GetValue(insecure),
                LogFile = parse.GetValue(log)?.FullName,
                ScriptFile = parse.GetValue(script)?.FullName,
                Demo = parse.GetValue(demo),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(connectTimeout)),
            };
            return RunAsync(settings, terminal, cancellationToken);
        });
        return root;
    }

    /// <summary>Runs the client with validated settings.</summary>
    public static async Task<int> RunAsync(ClientSettings settings, ITerminal terminal, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScriptStep>? steps = null;
        if (settings.ScriptFile is { } scriptFile)
        {
            if (Directory.Exists(scriptFile))
            {
                await terminal.Error.WriteLineAsync($"rxtelnet: the script '{scriptFile}' is a folder; give the path of a script file.").ConfigureAwait(false);
                return Failure;
            }

            if (!File.Exists(scriptFile))
            {
                await terminal.Error.WriteLineAsync($"rxtelnet: there is no script file '{scriptFile}'.").ConfigureAwait(false);
                return Failure;
            }

            try
            {
                steps = Script.Parse(await File.ReadAllTextAsync(scriptFile, cancellationToken).ConfigureAwait(false), Path.GetFileName(scriptFile));
            }
            catch (Exception e) when (e is ScriptException or IOException or UnauthorizedAccessException)
            {
                await terminal.Error.WriteLineAsync($"rxtelnet: {e.Message}").ConfigureAwait(false);
                return Failure;
            }
        }

        using var demoServer = settings.Demo ? new DemoServer() : null;
        if (demoServer is not null)
        {
            settings = settings with { Host = "127.0.0.1", Port = demoServer.Port };
            await terminal.Error.WriteLineAsync($"demo server listening on 127.0.0.1:{demoServer.Port} (log in with any name and password)").ConfigureAwait(false);
        }

        TraceLog? trace = null;
        try
        {
            if (settings.LogFile is { } logFile)
            {
                if (Directory.Exists(logFile))
                {
                    await terminal.Error.WriteLineAsync($"rxtelnet: the log '{logFile}' is a folder; give the path of a file to write.").ConfigureAwait(false);
                    return Failure;
                }

                try
                {
                    trace = TraceLog.Open(logFile);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await terminal.Error.WriteLineAsync($"rxtelnet: cannot write the log '{logFile}': {e.Message}").ConfigureAwait(false);
                    return Failure;
                }

                trace.Note($"connecting to {settings.Endpoint}");
            }

            if (steps is null && terminal.IsInputTerminal)
            {
                await terminal.Error.WriteLineAsync($"Trying {settings.Endpoint}...").ConfigureAwait(false);
            }

            var options = SessionFactory.CreateOptions(terminal, TaskPoolScheduler.Default);
            var output = new TextSink(terminal.Out);
            TelnetSession session;
            try
            {
                session = await SessionFactory.ConnectAsync(
                    settings,
                    options,
                    s => trace?.Attach(s),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or TimeoutException or AuthenticationException or IOException or ArgumentException)
            {
                trace?.Note($"connect failed: {e.Message}");
                await terminal.Error.WriteLineAsync($"rxtelnet: cannot connect to {settings.Endpoint}: {DescribeConnectFailure(e, settings)}").ConfigureAwait(false);
                return Failure;
            }

            await using (session.ConfigureAwait(false))
            {
                if (steps is not null)
                {
                    var code = await ScriptRunner.RunAsync(session, steps, settings.Timeout, output, terminal.Error, cancellationToken).ConfigureAwait(false);
                    trace?.Note(code == 0 ? "script passed" : "script failed");
                    return code;
                }

                var client = new InteractiveClient(session, terminal, settings.Endpoint) { Linger = settings.Timeout };
                return await client.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            trace?.Dispose();
        }
    }

    /// <summary>The common connect failures in plain words; anything else as the exception says it.</summary>
    internal static string DescribeConnectFailure(Exception error, ClientSettings settings)
    {
        var certificate = error is AuthenticationException && error.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase);
        return error switch
        {
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } =>
                $"the host name '{settings.Host}' could not be found (it does not resolve to an address; check the spelling and the DNS).",
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
                "nothing is listening on that port (connection refused).",
            _ when certificate =>
                $"the server's TLS certificate was not accepted ({error.Message}). For lab gear with a self-signed certificate, --insecure accepts it.",
            AuthenticationException or IOException when settings.Tls =>
                $"the server did not answer in TLS: port {settings.Port} looks like a plain Telnet port. Leave out --tls (or use --starttls if the server offers START-TLS).",
            _ => error.Message,
        };
    }

    private static int? ParsePort(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 65535)
        {
            return value;
        }

        result.AddError($"Invalid PORT '{text}': expected a number from 1 to 65535.");
        return null;
    }

    private static void CheckSeconds(OptionResult result, Option<double> option)
    {
        // A word that is not a number is reported by the parser itself ("Cannot parse argument..."); reading its value would throw.
        if (result.Tokens.Count > 0 && !double.TryParse(result.Tokens[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            result.AddError($"Invalid {option.Name} '{result.Tokens[^1].Value}': expected seconds, a number more than 0.");
            return;
        }

        var value = result.GetValueOrDefault<double>();
        if (!(value > 0 && value <= 86400))
        {
            result.AddError($"Invalid {option.Name} '{string.Join(' ', result.Tokens.Select(t => t.Value))}': expected seconds, more than 0.");
        }
    }

    /// <summary>Gets the version <c>--version</c> prints: the informational version, one source for all (Directory.Build.props).</summary>
    public static string Version { get; } =
        typeof(Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute attribute, ..]
            ? attribute.InformationalVersion
            : typeof(Cli).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Prints <see cref="Version"/> to the terminal (the default action prints the entry assembly's, a test host's in tests).</summary>
    private sealed class PrintVersion(ITerminal terminal) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            terminal.Out.WriteLine(Version);
            return 0;
        }
    }
}
