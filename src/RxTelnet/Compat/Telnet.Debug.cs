namespace RxTelnet.Compat;

using System.Globalization;
using Microsoft.Extensions.Logging;

/// <content>Debug output: telnetlib's <c>msg</c> and <c>set_debuglevel</c>.</content>
public sealed partial class Telnet
{
    private static readonly Action<ILogger, string, int, string, Exception?> LogDebugMessage =
        LoggerMessage.Define<string, int, string>(LogLevel.Debug, new EventId(1, "TelnetDebug"), "Telnet({Host},{Port}): {Message}");

    private readonly object _debugGate = new();
    private int _debugLevel;
    private TextWriter? _debugOutput;
    private ILogger? _logger;

    /// <summary>Gets or sets the debug level (telnetlib's <c>debuglevel</c>): above 0, <see cref="Msg"/> writes its messages.</summary>
    public int DebugLevel
    {
        get => Volatile.Read(ref _debugLevel);
        set => Volatile.Write(ref _debugLevel, value);
    }

    /// <summary>
    /// Gets or sets where debug messages are written, one line each; null (the default) writes to
    /// <see cref="Console.Out"/> as it is when the message is written, as telnetlib prints to <c>sys.stdout</c>.
    /// Set <see cref="TextWriter.Null"/> to send messages only to <see cref="Logger"/>.
    /// </summary>
    public TextWriter? DebugOutput
    {
        get => Volatile.Read(ref _debugOutput);
        set => Volatile.Write(ref _debugOutput, value);
    }

    /// <summary>Gets or sets a logger that also receives the debug messages, at <see cref="LogLevel.Debug"/>; null for none.</summary>
    public ILogger? Logger
    {
        get => Volatile.Read(ref _logger);
        set => Volatile.Write(ref _logger, value);
    }

    /// <summary>Sets the debug level (telnetlib's <c>set_debuglevel</c>); the higher it is, the more is written (today: anything above 0 writes everything).</summary>
    /// <param name="debugLevel">The level; 0 turns the messages off.</param>
    public void SetDebugLevel(int debugLevel) => DebugLevel = debugLevel;

    /// <summary>
    /// Writes a debug message when <see cref="DebugLevel"/> is above 0 (telnetlib's <c>msg</c>), prefixed with
    /// <c>Telnet(host,port): </c>, to <see cref="DebugOutput"/> and <see cref="Logger"/>.
    /// </summary>
    /// <param name="format">The message; a composite format string (<c>{0}</c>) when <paramref name="args"/> are given, used as is otherwise.</param>
    /// <param name="args">Values to format into <paramref name="format"/> with the invariant culture; none (or null) prints <paramref name="format"/> as it is.</param>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="format"/> does not match <paramref name="args"/>.</exception>
    /// <remarks>
    /// The messages the connection writes itself are telnetlib's: <c>send b'...'</c> for every write,
    /// <c>recv b'...'</c> for every chunk received (and <c>recv b''</c> at end of stream), <c>IAC DO 1</c> (DONT,
    /// WILL, WONT) for every negotiation, and <c>IAC 246 not recognized</c> for any other command when no negotiation
    /// callback is set. Bytes are shown as Python literals. Without a host (an instance built over a transport) the
    /// prefix reads <c>Telnet(None,0): </c>, as Python prints it.
    /// </remarks>
    public void Msg(string format, params object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (DebugLevel <= 0)
        {
            return;
        }

        Debug(args is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, format, args) : format);
    }

    private void Debug(string message)
    {
        if (DebugLevel <= 0)
        {
            return;
        }

        string host;
        int port;
        lock (_gate)
        {
            host = _host ?? "None";
            port = _port;
        }

        var output = DebugOutput ?? Console.Out;
        lock (_debugGate)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Telnet({host},{port}): {message}"));
        }

        if (Logger is { } logger)
        {
            LogDebugMessage(logger, host, port, message, null);
        }
    }
}
