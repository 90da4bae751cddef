namespace RxTelnet.Samples.ReactiveUi;

using System.CommandLine;

/// <summary>The sample's command line, parsed with System.CommandLine: <c>[--host HOST] [--port PORT]</c>.</summary>
public static class UiCommandLine
{
    /// <summary>Parses <paramref name="args"/>; prints help, the version or errors with the usage itself.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where help and the version go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>
    /// The host (null for the embedded demo server) and port to connect to, or the exit code when there is nothing
    /// to run: 0 after <c>--help</c> or <c>--version</c>, 1 after an error (unknown option, bad value).
    /// </returns>
    public static (string? Host, int Port, int? ExitCode) Parse(string[] args, TextWriter output, TextWriter error)
    {
        var host = new Option<string?>("--host") { Description = "The Telnet server to connect to; the embedded demo server when left out.", HelpName = "HOST" };
        var port = new Option<int>("--port") { Description = "The TCP port (23 by default).", HelpName = "PORT", DefaultValueFactory = _ => 23 };
        port.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[^1].Value, out var p) && p is < 1 or > 65535)
            {
                r.AddError($"Invalid --port '{r.Tokens[^1].Value}': expected a number from 1 to 65535.");
            }
        });
        var root = new RootCommand("RxTelnet reactive UI: a Terminal.Gui Telnet client bound to a session's observables.") { host, port };
        var run = false;
        root.SetAction(_ => run = true);

        var parse = root.Parse(args);
        var code = parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return run && code == 0
            ? (parse.GetValue(host), parse.GetValue(port), null)
            : (null, 0, code == 0 ? 0 : 1);
    }
}
