namespace RxTelnet.Compat;

using RxTelnet.Protocol;

/// <content>The write side: telnetlib's <c>write</c>, plus raw writes and commands that <c>write</c> would escape.</content>
public sealed partial class Telnet
{
    /// <summary>Sends <paramref name="buffer"/> with every IAC (255) doubled (telnetlib's <c>write</c>); blocks until the bytes are handed to the connection.</summary>
    /// <param name="buffer">The data.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed (telnetlib raises <c>OSError</c> or <c>AttributeError</c>).</exception>
    /// <remarks>
    /// Nothing else is translated: line ends go as given (send <c>"\r\n"</c> where the server wants it). Raises
    /// <see cref="TelnetAudit.WriteEventName"/> with the escaped bytes and writes the debug message <c>send b'...'</c>
    /// before sending, as telnetlib does.
    /// </remarks>
    public void Write(byte[] buffer) => WriteAsync(buffer).GetAwaiter().GetResult();

    /// <summary>Sends <paramref name="buffer"/> with every IAC doubled; see <see cref="Write"/>.</summary>
    /// <param name="buffer">The data.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet (a write never stops half-way).</param>
    /// <returns>A task that completes when the bytes are handed to the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    public Task WriteAsync(byte[] buffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return SendAsync(TelnetEncoder.EscapeData(buffer), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="buffer"/> exactly as given, IAC not doubled: the counterpart of a telnetlib callback's
    /// <c>sock.sendall(IAC + WONT + opt)</c> that also works over a transport without a socket.
    /// </summary>
    /// <param name="buffer">The wire bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    /// <remarks>Goes through the same serialised writer as <see cref="Write"/>, so it never splits another write. Like a script's <c>sock.sendall</c>, it raises no audit event and writes no debug message.</remarks>
    public void WriteRaw(byte[] buffer) => WriteRawAsync(buffer).GetAwaiter().GetResult();

    /// <summary>Sends <paramref name="buffer"/> exactly as given; see <see cref="WriteRaw"/>.</summary>
    /// <param name="buffer">The wire bytes.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes are handed to the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    public Task WriteRawAsync(byte[] buffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return SendRawAsync([.. buffer], cancellationToken);
    }

    /// <summary>
    /// Sends the two-byte command <c>IAC <paramref name="command"/></c>: NOP, AYT, BRK, IP, AO, EC, EL, GA, DM, EOR...,
    /// which <see cref="Write"/> would escape into data. Not in telnetlib.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <exception cref="ArgumentException"><paramref name="command"/> is IAC, SB or a negotiation verb (they need more bytes; use <see cref="WriteRaw"/>).</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    public void SendCommand(TelnetVerb command) => SendCommandAsync(command).GetAwaiter().GetResult();

    /// <summary>Sends the two-byte command <c>IAC <paramref name="command"/></c>, given as a <see cref="TelnetConstants"/> byte such as <see cref="TelnetConstants.AYT"/>.</summary>
    /// <param name="command">The command byte.</param>
    /// <exception cref="ArgumentException"><paramref name="command"/> is IAC, SB or a negotiation verb.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    public void SendCommand(byte command) => SendCommand((TelnetVerb)command);

    /// <summary>Sends the two-byte command <c>IAC <paramref name="command"/></c>; see <see cref="SendCommand(TelnetVerb)"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes are handed to the connection.</returns>
    /// <exception cref="ArgumentException"><paramref name="command"/> is IAC, SB or a negotiation verb.</exception>
    /// <exception cref="TelnetClosedException">The instance is not connected or the connection is closed.</exception>
    public Task SendCommandAsync(TelnetVerb command, CancellationToken cancellationToken = default)
    {
        if (command is TelnetVerb.Iac or TelnetVerb.Sb or TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont)
        {
            throw new ArgumentException($"IAC {(byte)command} is not a two-byte command; send it with WriteRaw.", nameof(command));
        }

        return SendRawAsync(TelnetEncoder.Command(command), cancellationToken);
    }

    private Task SendAsync(byte[] wire, CancellationToken cancellationToken)
    {
        // telnetlib's order: audit, debug message, then the send (which fails when there is no connection).
        TelnetAudit.RaiseWrite(this, wire);
        using var activity = TelnetAudit.ActivitySource.StartActivity(TelnetAudit.WriteEventName);
        activity?.SetTag(TelnetAudit.BufferTag, wire);
        Debug("send " + PythonRepr.Bytes(wire));
        return SendRawAsync(wire, cancellationToken);
    }

    /// <summary>A script's <c>sock.sendall(...)</c>: no audit event and no debug message, as telnetlib shows none for it.</summary>
    private Task SendRawAsync(byte[] wire, CancellationToken cancellationToken)
    {
        TelnetSocket sock;
        try
        {
            sock = RequireSocket();
        }
        catch (TelnetClosedException ex)
        {
            return Task.FromException(ex);
        }

        // Python's sendall(b'') sends nothing; after the peer's end of stream a send still goes out (half-close).
        return wire.Length == 0 ? Task.CompletedTask : sock.SendAsync(wire, cancellationToken);
    }
}
