namespace RxTelnet.Cli;

using System.Text;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// The interactive loop: what the server sends goes to the output as it arrives; what the user types goes to
/// the server, key by key when input is a terminal, line by line when it is redirected. Ctrl-] opens the
/// <c>rxtelnet&gt; </c> prompt.
/// </summary>
public sealed class InteractiveClient
{
    /// <summary>The escape character, Ctrl-].</summary>
    public const char EscapeChar = '\x1d';

    private static readonly string NewLine = Environment.NewLine;
    private readonly TelnetSession _session;
    private readonly ITerminal _terminal;
    private readonly string _endpoint;
    private readonly TextSink _out;

    public InteractiveClient(TelnetSession session, ITerminal terminal, string endpoint)
    {
        _session = session;
        _terminal = terminal;
        _endpoint = endpoint;
        _out = new TextSink(terminal.Out);
    }

    private enum InputEnd
    {
        /// <summary>Input reached its end (or the connection refused a write).</summary>
        Ended,

        /// <summary>The user typed <c>close</c>.</summary>
        Close,
    }

    private enum EscapeResult
    {
        Stay,
        Continue,
        Close,
    }

    /// <summary>Gets or sets how long to wait for the server to close after redirected input ends.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs until either side closes.</summary>
    /// <param name="cancellationToken">Closes the connection.</param>
    /// <returns>The exit code: 0 when the connection ended normally, 1 when it failed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await _terminal.Error.WriteLineAsync($"Connected to {_endpoint}.{NewLine}Escape character is '^]'.").ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var raw = _terminal.IsInputTerminal ? _terminal.EnterRawMode() : null;
        // Input first: key mode switches the terminal to raw mode before anything from the server is shown,
        // so keys typed in answer to the first prompt are never lost to the mode switch.
        var input = _terminal.IsInputTerminal ? KeysAsync(stop.Token) : LinesAsync(stop.Token);
        var receive = ReceiveAsync(stop.Token);
        try
        {
            var first = await Task.WhenAny(receive, input).ConfigureAwait(false);
            if (first == input)
            {
                var end = await input.ConfigureAwait(false);
                if (end == InputEnd.Ended && !_terminal.IsInputTerminal)
                {
                    // Like `telnet < file`: give the server time to answer the last lines and close on its own.
                    await Task.WhenAny(receive, Task.Delay(Linger, stop.Token)).ConfigureAwait(false);
                }

                if (!receive.IsCompleted)
                {
                    _session.Close();
                    await receive.ConfigureAwait(false);
                    await _terminal.Error.WriteLineAsync(end == InputEnd.Close ? "Connection closed." : "rxtelnet: input ended; connection closed.").ConfigureAwait(false);
                    return 0;
                }
            }

            return await ReportEndAsync(await receive.ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (_terminal.IsInputTerminal)
            {
                // Console.ReadKey cannot be cancelled: leave that thread blocked (it ends with the process).
                _ = input.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            }
            else
            {
                try
                {
                    await input.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The input loop was waiting for a line; the connection is over.
                }
            }
        }
    }

    private async Task<int> ReportEndAsync(Exception? failure)
    {
        if (failure is null)
        {
            await _terminal.Error.WriteLineAsync($"{NewLine}Connection closed by foreign host.").ConfigureAwait(false);
            return 0;
        }

        await _terminal.Error.WriteLineAsync($"{NewLine}rxtelnet: connection lost: {(failure.InnerException ?? failure).Message}").ConfigureAwait(false);
        return 1;
    }

    /// <summary>Copies received data to the output until end of stream; returns the failure, if any.</summary>
    private async Task<Exception?> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var data = await _session.ReadSomeAsync(cancellationToken).ConfigureAwait(false);
                if (data.Length == 0)
                {
                    return _session.CurrentState.Error;
                }

                _out.WriteBytes(data, _session.TextEncoding);
            }
        }
        catch (TelnetException e) when (e is not TelnetEofException)
        {
            return e;
        }
        catch (TelnetEofException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<InputEnd> LinesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _terminal.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return InputEnd.Ended;
            }

            if (line.StartsWith(EscapeChar))
            {
                // "^]status" runs one command and goes back; "^]" alone opens the prompt until continue, close or an empty line.
                var command = line[1..].Trim();
                var result = EscapeResult.Stay;
                if (command.Length > 0)
                {
                    result = await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                    result = result == EscapeResult.Stay ? EscapeResult.Continue : result;
                }

                while (result == EscapeResult.Stay)
                {
                    _out.Write("rxtelnet> ");
                    var next = await _terminal.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (next is null)
                    {
                        return InputEnd.Ended;
                    }

                    result = await ExecuteAsync(next.Trim(), cancellationToken).ConfigureAwait(false);
                }

                if (result == EscapeResult.Close)
                {
                    return InputEnd.Close;
                }

                continue;
            }

            if (!await SendAsync(line + "\n", cancellationToken).ConfigureAwait(false))
            {
                return InputEnd.Ended;
            }
        }
    }

    private async Task<InputEnd> KeysAsync(CancellationToken cancellationToken)
    {
        var pending = new StringBuilder();
        while (true)
        {
            var read = await ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            if (read is not { } key)
            {
                return InputEnd.Ended;
            }

            if (IsEscape(key))
            {
                var result = EscapeResult.Stay;
                _out.Write(NewLine);
                while (result == EscapeResult.Stay)
                {
                    _out.Write("rxtelnet> ");
                    var command = await ReadEchoedLineAsync(cancellationToken).ConfigureAwait(false);
                    if (command is null)
                    {
                        return InputEnd.Ended;
                    }

                    result = await ExecuteAsync(command.Trim(), cancellationToken).ConfigureAwait(false);
                }

                if (result == EscapeResult.Close)
                {
                    return InputEnd.Close;
                }

                continue;
            }

            var remoteEcho = _session.IsRemoteEnabled(TelnetOption.Echo);
            bool sent;
            if (remoteEcho)
            {
                // Character mode: the server echoes, every key goes out at once.
                var text = pending.ToString() + KeyText(key);
                pending.Clear();
                sent = text.Length == 0 || await SendAsync(text, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                sent = await EditLocallyAsync(key, pending, cancellationToken).ConfigureAwait(false);
            }

            if (!sent)
            {
                return InputEnd.Ended;
            }
        }
    }

    /// <summary>Line mode with local echo: the line is edited here and sent on Enter; control keys go out at once.</summary>
    private async Task<bool> EditLocallyAsync(ConsoleKeyInfo key, StringBuilder pending, CancellationToken cancellationToken)
    {
        switch (key)
        {
            case { Key: ConsoleKey.Enter } or { KeyChar: '\r' or '\n' }:
                _out.Write(NewLine);
                var line = pending.Append('\n').ToString();
                pending.Clear();
                return await SendAsync(line, cancellationToken).ConfigureAwait(false);

            case { Key: ConsoleKey.Backspace } or { KeyChar: '\b' or '\x7f' }:
                if (pending.Length > 0)
                {
                    pending.Length--;
                    _out.Write("\b \b");
                }

                return true;

            case { KeyChar: >= ' ' and not '\x7f' } or { KeyChar: '\t' }:
                pending.Append(key.KeyChar);
                _out.Write(key.KeyChar.ToString());
                return true;

            default:
                var text = KeyText(key);
                return text.Length == 0 || await SendAsync(text, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a line from the keys, echoing it (the escape prompt's input).</summary>
    private async Task<string?> ReadEchoedLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            var read = await ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            switch (read)
            {
                case null:
                    return null;
                case { Key: ConsoleKey.Enter } or { KeyChar: '\r' or '\n' }:
                    _out.Write(NewLine);
                    return line.ToString();
                case { Key: ConsoleKey.Backspace } or { KeyChar: '\b' or '\x7f' }:
                    if (line.Length > 0)
                    {
                        line.Length--;
                        _out.Write("\b \b");
                    }

                    break;
                case { KeyChar: >= ' ' and not '\x7f' } key:
                    line.Append(key.KeyChar);
                    _out.Write(key.KeyChar.ToString());
                    break;
            }
        }
    }

    private Task<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken) =>
        Task.Run(() => _terminal.ReadKey(cancellationToken), CancellationToken.None);

    /// <summary>
    /// Whether <paramref name="key"/> is Ctrl-]: the character 0x1D, or as .NET on Unix reports that byte, Control+5
    /// (the VT convention: Ctrl-2..8 are NUL, ESC, 0x1C..0x1F, DEL).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>True for the escape key.</returns>
    public static bool IsEscape(ConsoleKeyInfo key) =>
        key.KeyChar == EscapeChar
        || (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.D5 or ConsoleKey.Oem6);

    /// <summary>What a key sends: its character, or the VT100/xterm sequence of a special key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The text to send; empty for keys that send nothing.</returns>
    public static string KeyText(ConsoleKeyInfo key) => key.Key switch
    {
        ConsoleKey.Enter => "\n",
        ConsoleKey.Backspace => "\x7f",
        ConsoleKey.UpArrow => "\x1b[A",
        ConsoleKey.DownArrow => "\x1b[B",
        ConsoleKey.RightArrow => "\x1b[C",
        ConsoleKey.LeftArrow => "\x1b[D",
        ConsoleKey.Home => "\x1b[H",
        ConsoleKey.End => "\x1b[F",
        ConsoleKey.Insert => "\x1b[2~",
        ConsoleKey.Delete => "\x1b[3~",
        ConsoleKey.PageUp => "\x1b[5~",
        ConsoleKey.PageDown => "\x1b[6~",
        ConsoleKey.F1 => "\x1bOP",
        ConsoleKey.F2 => "\x1bOQ",
        ConsoleKey.F3 => "\x1bOR",
        ConsoleKey.F4 => "\x1bOS",
        _ when key.KeyChar == '\r' => "\n",
        _ when key.KeyChar == '\0' && key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is >= ConsoleKey.D2 and <= ConsoleKey.D8 =>
            ((char)(key.Key switch { ConsoleKey.D2 => 0x00, ConsoleKey.D3 => 0x1b, ConsoleKey.D8 => 0x7f, _ => key.Key - ConsoleKey.D4 + 0x1c })).ToString(),
        _ when key.KeyChar != '\0' => key.KeyChar.ToString(),
        _ => string.Empty,
    };

    private async Task<bool> SendAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            // NVT line ends: "\n" goes out as CR LF, a lone CR as CR NUL; IAC is doubled.
            await _session.WriteTextAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is TelnetException or ObjectDisposedException or IOException)
        {
            return false;
        }
    }

    private async Task<EscapeResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (words)
        {
            case []:
            case ["continue" or "c"]:
                return EscapeResult.Continue;

            case ["close" or "quit"]:
                return EscapeResult.Close;

            case ["status"]:
                _out.Write(Status());
                return EscapeResult.Stay;

            case ["send", var what] when SendVerbs.TryGetValue(what, out var verb):
                try
                {
                    await _session.SendCommandAsync(verb, cancellationToken).ConfigureAwait(false);
                    _out.Write($"sent IAC {what.ToUpperInvariant()}{NewLine}");
                }
                catch (Exception e) when (e is TelnetException or ObjectDisposedException or IOException)
                {
                    _out.Write($"?not sent: {e.Message}{NewLine}");
                }

                return EscapeResult.Stay;

            case ["send", "escape"]:
                var sent = await SendAsync(EscapeChar.ToString(), cancellationToken).ConfigureAwait(false);
                _out.Write(sent ? $"sent ^]{NewLine}" : $"?not sent{NewLine}");
                return EscapeResult.Stay;

            case ["help" or "?"]:
                _out.Write(Help);
                return EscapeResult.Stay;

            default:
                _out.Write($"?Invalid command '{command}'{NewLine}{Help}");
                return EscapeResult.Stay;
        }
    }

    private static readonly Dictionary<string, TelnetVerb> SendVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ayt"] = TelnetVerb.AreYouThere,
        ["brk"] = TelnetVerb.Break,
        ["nop"] = TelnetVerb.Nop,
        ["ip"] = TelnetVerb.InterruptProcess,
        ["ao"] = TelnetVerb.AbortOutput,
        ["ec"] = TelnetVerb.EraseCharacter,
        ["el"] = TelnetVerb.EraseLine,
        ["ga"] = TelnetVerb.GoAhead,
    };

    private static string Help =>
        $"Commands: close, status, send ayt|brk|nop|ip|ao|ec|el|ga|escape, continue (or an empty line), help{NewLine}";

    /// <summary>The <c>status</c> report: where we are connected, the state and the options in force.</summary>
    public string Status()
    {
        var state = _session.CurrentState;
        var sb = new StringBuilder();
        sb.Append(state.IsClosed ? $"Was connected to {_endpoint}." : $"Connected to {_endpoint}.").Append(NewLine);
        sb.Append("State: ").Append(state.Status);
        if (state.IsClosed)
        {
            sb.Append(" (").Append(state.Reason).Append(')');
        }

        sb.Append(NewLine);
        sb.Append("Local options: ").Append(Options(_session.IsLocalEnabled)).Append(NewLine);
        sb.Append("Remote options: ").Append(Options(_session.IsRemoteEnabled)).Append(NewLine);
        sb.Append(_session.IsRemoteEnabled(TelnetOption.Echo) ? "Echo: remote (character at a time)" : "Echo: local (line at a time)").Append(NewLine);
        sb.Append("Escape character is '^]'.").Append(NewLine);
        return sb.ToString();
    }

    private static string Options(Func<TelnetOption, bool> enabled)
    {
        var names = Enumerable.Range(0, 256)
            .Select(i => (TelnetOption)i)
            .Where(enabled)
            .Select(o => Enum.IsDefined(o) ? o.ToString() : ((byte)o).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
