namespace RxTelnet.Options;

using System.Text;

/// <summary>The subnegotiation codes of RFC 1091 TERMINAL-TYPE.</summary>
public enum TerminalTypeCommand : byte
{
    /// <summary>RFC 1091: the client states its terminal type (<c>IS</c> = 0).</summary>
    Is = 0,

    /// <summary>RFC 1091: the server asks for the client's next terminal type (<c>SEND</c> = 1).</summary>
    Send = 1,
}

/// <summary>
/// RFC 1091 TERMINAL-TYPE (option 24): <c>IAC SB TERMINAL-TYPE SEND IAC SE</c> from the server and
/// <c>IAC SB TERMINAL-TYPE IS name IAC SE</c> from the client.
/// </summary>
/// <remarks>Names are NVT ASCII and case-insensitive; to answer repeated SENDs use <see cref="TerminalTypeCycler"/>.</remarks>
public static class TerminalType
{
    /// <summary>Encodes the server's request for the next terminal type.</summary>
    /// <returns>The payload <c>SEND</c>.</returns>
    public static byte[] EncodeSend() => [(byte)TerminalTypeCommand.Send];

    /// <summary>Gets whether a received payload is a <c>SEND</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns><see langword="true"/> for exactly <c>SEND</c>.</returns>
    public static bool IsSend(ReadOnlySpan<byte> payload) => payload.Length == 1 && payload[0] == (byte)TerminalTypeCommand.Send;

    /// <summary>Encodes the client's <c>IS name</c>.</summary>
    /// <param name="name">The terminal type, printable ASCII, for example <c>XTERM-256COLOR</c>.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not printable ASCII.</exception>
    public static byte[] EncodeIs(string name)
    {
        ValidateName(name, nameof(name));
        var payload = new byte[name.Length + 1];
        payload[0] = (byte)TerminalTypeCommand.Is;
        Encoding.ASCII.GetBytes(name, payload.AsSpan(1));
        return payload;
    }

    /// <summary>Reads the name from a received <c>IS</c> payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="name">The terminal type as sent (every byte kept, read as Latin-1), when valid.</param>
    /// <returns><see langword="false"/> when the payload is not <c>IS</c> followed by at least one byte.</returns>
    /// <remarks>RFC 1123 §3.2.8: the receiver MUST accept any name, so any bytes are accepted.</remarks>
    public static bool TryParseIs(ReadOnlySpan<byte> payload, out string name)
    {
        if (payload.Length < 2 || payload[0] != (byte)TerminalTypeCommand.Is)
        {
            name = string.Empty;
            return false;
        }

        name = Encoding.Latin1.GetString(payload.Slice(1));
        return true;
    }

    internal static void ValidateName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length == 0)
        {
            throw new ArgumentException("A terminal type name is not empty.", paramName);
        }

        foreach (var c in name)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"A terminal type name is printable ASCII; \"{name}\" is not.", paramName);
            }
        }
    }
}
