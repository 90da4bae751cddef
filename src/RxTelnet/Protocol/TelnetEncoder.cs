namespace RxTelnet.Protocol;

using System.Buffers;

/// <summary>How <see cref="TelnetEncoder.EncodeText(ReadOnlySpan{byte}, TelnetNewline)"/> applies the NVT line-end rules.</summary>
public enum TelnetNewline
{
    /// <summary>Only IAC is doubled; CR and LF pass unchanged (binary data, or what telnetlib's <c>write</c> does).</summary>
    None = 0,

    /// <summary>RFC 854 NVT: a CR not followed by LF is sent as CR NUL; LF passes unchanged.</summary>
    Nvt,

    /// <summary>RFC 854 NVT, and a bare LF is sent as CR LF (what a user typing "line\n" means).</summary>
    NvtCrLf,
}

/// <summary>
/// Encodes what goes on the wire: data with IAC doubled, text with the NVT line-end rules, commands,
/// negotiations and subnegotiations (payload escaped).
/// </summary>
/// <remarks>Pure: returns bytes or writes them to a buffer; only the transport writes to a socket.</remarks>
public static class TelnetEncoder
{
    private const byte Iac = 255;
    private const byte Cr = 13;
    private const byte Lf = 10;

    private static readonly SearchValues<byte> TextSpecials = SearchValues.Create([Iac, Cr, Lf]);

    /// <summary>Gets the length of <paramref name="data"/> once IAC bytes are doubled.</summary>
    /// <param name="data">The raw data.</param>
    /// <returns>The escaped length.</returns>
    public static int GetEscapedLength(ReadOnlySpan<byte> data) => data.Length + data.Count(Iac);

    /// <summary>Doubles every IAC byte of <paramref name="data"/> into <paramref name="destination"/>.</summary>
    /// <param name="data">The raw data.</param>
    /// <param name="destination">Where to write; at least <see cref="GetEscapedLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int EscapeData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var idx = data.IndexOf(Iac);
            var run = idx < 0 ? data : data.Slice(0, idx + 1);
            var needed = run.Length + (idx < 0 ? 0 : 1);
            if (destination.Length - written < needed)
            {
                throw new ArgumentException($"The destination holds {destination.Length} bytes; the escaped data needs more.", nameof(destination));
            }

            run.CopyTo(destination.Slice(written));
            written += run.Length;
            if (idx < 0)
            {
                return written;
            }

            destination[written++] = Iac;
            data = data.Slice(idx + 1);
        }
    }

    /// <summary>Returns <paramref name="data"/> with every IAC byte doubled (what telnetlib's <c>write</c> sends).</summary>
    /// <param name="data">The raw data.</param>
    /// <returns>The escaped bytes, a new array.</returns>
    public static byte[] EscapeData(ReadOnlySpan<byte> data)
    {
        var result = new byte[GetEscapedLength(data)];
        EscapeData(data, result);
        return result;
    }

    /// <summary>Encodes text for the wire: IAC doubled and line ends following <paramref name="newline"/>.</summary>
    /// <param name="text">The text, already encoded to bytes.</param>
    /// <param name="newline">Which NVT line-end rules to apply.</param>
    /// <returns>The wire bytes, a new array.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newline"/> is not a defined value.</exception>
    public static byte[] EncodeText(ReadOnlySpan<byte> text, TelnetNewline newline)
    {
        var writer = new ArrayBufferWriter<byte>(text.Length + 16);
        EncodeText(text, newline, writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes text for the wire into <paramref name="writer"/>: IAC doubled and line ends following <paramref name="newline"/>.</summary>
    /// <param name="text">The text, already encoded to bytes.</param>
    /// <param name="newline">Which NVT line-end rules to apply.</param>
    /// <param name="writer">Receives the wire bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newline"/> is not a defined value.</exception>
    public static void EncodeText(ReadOnlySpan<byte> text, TelnetNewline newline, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!Enum.IsDefined(newline))
        {
            throw new ArgumentOutOfRangeException(nameof(newline), newline, "Unknown newline mode.");
        }

        if (newline == TelnetNewline.None)
        {
            var dest = writer.GetSpan(GetEscapedLength(text));
            writer.Advance(EscapeData(text, dest));
            return;
        }

        while (!text.IsEmpty)
        {
            var idx = text.IndexOfAny(TextSpecials);
            var run = idx < 0 ? text : text.Slice(0, idx);
            writer.Write(run);
            if (idx < 0)
            {
                return;
            }

            var b = text[idx];
            var span = writer.GetSpan(2);
            if (b == Iac)
            {
                span[0] = Iac;
                span[1] = Iac;
                writer.Advance(2);
            }
            else if (b == Cr)
            {
                // CR LF stays CR LF; any other CR becomes CR NUL (RFC 854, "The NVT printer").
                if (idx + 1 < text.Length && text[idx + 1] == Lf)
                {
                    span[0] = Cr;
                    span[1] = Lf;
                    writer.Advance(2);
                    text = text.Slice(idx + 2);
                    continue;
                }

                span[0] = Cr;
                span[1] = 0;
                writer.Advance(2);
            }
            else if (newline == TelnetNewline.NvtCrLf)
            {
                span[0] = Cr;
                span[1] = Lf;
                writer.Advance(2);
            }
            else
            {
                span[0] = Lf;
                writer.Advance(1);
            }

            text = text.Slice(idx + 1);
        }
    }

    /// <summary>Encodes a two-byte command such as <c>IAC NOP</c> or <c>IAC AYT</c>.</summary>
    /// <param name="verb">The command byte.</param>
    /// <returns>The two bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="verb"/> is SB, WILL, WONT, DO or DONT (which need more bytes) or IAC (IAC IAC is the data byte 255).
    /// </exception>
    public static byte[] Command(TelnetVerb verb)
    {
        if (verb is TelnetVerb.Sb or TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont or TelnetVerb.Iac)
        {
            // Alone, these would make the peer read what follows as an option or payload, or as data.
            throw new ArgumentOutOfRangeException(nameof(verb), verb, "Not a two-byte command: use Negotiation, Subnegotiation or EscapeData.");
        }

        return [Iac, (byte)verb];
    }

    /// <summary>Encodes <c>IAC verb option</c>.</summary>
    /// <param name="verb"><c>WILL</c>, <c>WONT</c>, <c>DO</c> or <c>DONT</c>.</param>
    /// <param name="option">The option.</param>
    /// <returns>The three bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="verb"/> is not a negotiation verb.</exception>
    public static byte[] Negotiation(TelnetVerb verb, TelnetOption option)
    {
        if (verb is not (TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont))
        {
            throw new ArgumentOutOfRangeException(nameof(verb), verb, "A negotiation verb is WILL, WONT, DO or DONT.");
        }

        return [Iac, (byte)verb, (byte)option];
    }

    /// <summary>Encodes <c>IAC SB option payload IAC SE</c>, doubling IAC inside the payload.</summary>
    /// <param name="option">The option.</param>
    /// <param name="payload">The payload, unescaped.</param>
    /// <returns>The wire bytes.</returns>
    public static byte[] Subnegotiation(TelnetOption option, ReadOnlySpan<byte> payload)
    {
        var result = new byte[GetEscapedLength(payload) + 5];
        result[0] = Iac;
        result[1] = (byte)TelnetVerb.Sb;
        result[2] = (byte)option;
        var n = EscapeData(payload, result.AsSpan(3));
        result[3 + n] = Iac;
        result[4 + n] = (byte)TelnetVerb.Se;
        return result;
    }

    /// <summary>Encodes any command notification back to its wire form.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The wire bytes.</returns>
    /// <exception cref="ArgumentException">A negotiation or subnegotiation without an option, or a command whose verb is IAC.</exception>
    public static byte[] Encode(TelnetCommand command)
    {
        if (command.Verb == TelnetVerb.Iac)
        {
            throw new ArgumentException("IAC is not a command; the data byte 255 is written with EscapeData.", nameof(command));
        }

        if (command.IsNegotiation || command.IsSubnegotiation)
        {
            if (command.Option is not { } option)
            {
                throw new ArgumentException($"{command.Verb} needs an option.", nameof(command));
            }

            return command.IsSubnegotiation ? Subnegotiation(option, command.Payload.Span) : Negotiation(command.Verb, option);
        }

        return Command(command.Verb);
    }
}
