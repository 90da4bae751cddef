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
        if (parse.Action is ParseErrorAction errors)
        {
            // The errors name the bad value; the whole help page after them would bury it.
            errors.ShowHelp = false;
            terminal.Error.WriteLine("rxtelnet: invalid command line (see rxtelnet --help):");
        }

        return parse.InvokeAsync(configuration, cancellationToken);
    }

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
            host, port, tls, startTls, insecure, log, script, demo, timeout, connectTimeout, new HelpOption(), new VersionOption(),
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
                await terminal.Error.WriteLineAsync($"rxtelnet: cannot connect to {settings.Endpoint}: {e.Message}").ConfigureAwait(false);
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
        var value = result.GetValueOrDefault<double>();
        if (!(value > 0 && value <= 86400))
        {
            result.AddError($"Invalid {option.Name} '{string.Join(' ', result.Tokens.Select(t => t.Value))}': expected seconds, more than 0.");
        }
    }
}
