namespace RxTelnet.Cli;

using RxTelnet.Session;

/// <summary>
/// What the client needs from the console: its text streams, whether they are terminals, the window size and
/// key reading. The real console is <see cref="SystemTerminal"/>; tests drive the client through their own.
/// </summary>
public interface ITerminal
{
    /// <summary>Gets the standard input, read line by line when <see cref="IsInputTerminal"/> is false.</summary>
    TextReader In { get; }

    /// <summary>Gets the standard output: received data, local echo, the escape prompt.</summary>
    TextWriter Out { get; }

    /// <summary>Gets the standard error: connection messages and errors.</summary>
    TextWriter Error { get; }

    /// <summary>Gets whether input comes from a terminal, read key by key with <see cref="ReadKey"/>.</summary>
    bool IsInputTerminal { get; }

    /// <summary>Gets whether output goes to a terminal (then the window size is offered with NAWS).</summary>
    bool IsOutputTerminal { get; }

    /// <summary>Gets the terminal type to offer with TTYPE (the TERM variable), or null to refuse TTYPE.</summary>
    string? TerminalType { get; }

    /// <summary>Gets the current window size, or null when unknown.</summary>
    WindowSize? WindowSize { get; }

    /// <summary>Waits for one key press without echoing it; null when input has ended or <paramref name="cancellationToken"/> fired.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The key, or null.</returns>
    ConsoleKeyInfo? ReadKey(CancellationToken cancellationToken);

    /// <summary>Puts the terminal in raw mode (Ctrl-C is a key, not a signal) until the result is disposed.</summary>
    /// <returns>Restores the previous mode.</returns>
    IDisposable EnterRawMode();
}
