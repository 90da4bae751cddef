namespace RxTelnet.Options;

/// <summary>The LINEMODE MODE mask (RFC 1184 section 2.2).</summary>
[Flags]
public enum LinemodeModes : byte
{
    /// <summary>Character at a time: the client sends each key as typed.</summary>
    None = 0,

    /// <summary>The client edits lines locally and sends whole lines (<c>EDIT</c>).</summary>
    Edit = 1,

    /// <summary>The client turns interrupt characters into Telnet commands (<c>TRAPSIG</c>: IP, AO, AYT, ABORT, EOF, SUSP).</summary>
    TrapSig = 2,

    /// <summary>Marks a MODE that acknowledges one (<c>MODE_ACK</c>).</summary>
    ModeAck = 4,

    /// <summary>The client expands tabs (<c>SOFT_TAB</c>).</summary>
    SoftTab = 8,

    /// <summary>The client echoes non-printable characters literally (<c>LIT_ECHO</c>).</summary>
    LitEcho = 16,
}

/// <summary>The functions of SLC, Set Local Characters (RFC 1184 section 2.3).</summary>
public enum SlcFunction : byte
{
    /// <summary>Synch (<c>SLC_SYNCH</c>).</summary>
    Synch = 1,

    /// <summary>Break (<c>SLC_BRK</c>).</summary>
    Break = 2,

    /// <summary>Interrupt process (<c>SLC_IP</c>).</summary>
    InterruptProcess = 3,

    /// <summary>Abort output (<c>SLC_AO</c>).</summary>
    AbortOutput = 4,

    /// <summary>Are you there (<c>SLC_AYT</c>).</summary>
    AreYouThere = 5,

    /// <summary>End of record (<c>SLC_EOR</c>).</summary>
    EndOfRecord = 6,

    /// <summary>Abort (<c>SLC_ABORT</c>).</summary>
    Abort = 7,

    /// <summary>End of file (<c>SLC_EOF</c>).</summary>
    EndOfFile = 8,

    /// <summary>Suspend (<c>SLC_SUSP</c>).</summary>
    Suspend = 9,

    /// <summary>Erase character (<c>SLC_EC</c>).</summary>
    EraseCharacter = 10,

    /// <summary>Erase line (<c>SLC_EL</c>).</summary>
    EraseLine = 11,

    /// <summary>Erase word (<c>SLC_EW</c>).</summary>
    EraseWord = 12,

    /// <summary>Reprint line (<c>SLC_RP</c>).</summary>
    Reprint = 13,

    /// <summary>Literal next (<c>SLC_LNEXT</c>).</summary>
    LiteralNext = 14,

    /// <summary>Resume output (<c>SLC_XON</c>).</summary>
    Xon = 15,

    /// <summary>Suspend output (<c>SLC_XOFF</c>).</summary>
    Xoff = 16,

    /// <summary>Forwarding character 1 (<c>SLC_FORW1</c>).</summary>
    Forward1 = 17,

    /// <summary>Forwarding character 2 (<c>SLC_FORW2</c>).</summary>
    Forward2 = 18,
}

/// <summary>The support level of an SLC function (the low two bits of its modifier).</summary>
public enum SlcLevel : byte
{
    /// <summary>Not supported (<c>SLC_NOSUPPORT</c>).</summary>
    NoSupport = 0,

    /// <summary>Supported, but the value cannot be changed (<c>SLC_CANTCHANGE</c>).</summary>
    CantChange = 1,

    /// <summary>Supported, with the value given (<c>SLC_VALUE</c>).</summary>
    Value = 2,

    /// <summary>Use the default value (<c>SLC_DEFAULT</c>).</summary>
    Default = 3,
}

/// <summary>One SLC triplet: a function, its modifier (level and flags) and its character.</summary>
/// <param name="Function">The function byte (1 to 18 are defined; 0 addresses the whole table).</param>
/// <param name="Modifier">The level in bits 0–1, with <see cref="Linemode.SlcAck"/>, <see cref="Linemode.SlcFlushIn"/> and <see cref="Linemode.SlcFlushOut"/>.</param>
/// <param name="Value">The character, or 0 (<c>_POSIX_VDISABLE</c> as 255 is also seen) for none.</param>
public readonly record struct SlcTriplet(byte Function, byte Modifier, byte Value)
{
    /// <summary>Gets the level in the modifier.</summary>
    public SlcLevel Level => (SlcLevel)(Modifier & Linemode.SlcLevelBits);

    /// <summary>Gets whether the modifier acknowledges a triplet (<c>SLC_ACK</c>).</summary>
    public bool IsAck => (Modifier & Linemode.SlcAck) != 0;
}

/// <summary>
/// LINEMODE (option 34, RFC 1184): the subnegotiation codec. <c>MODE mask</c>, <c>SLC (function modifier
/// value)*</c>, and <c>DO/DONT/WILL/WONT FORWARDMASK [mask]</c>.
/// </summary>
public static class Linemode
{
    /// <summary>The MODE subcommand (1).</summary>
    public const byte Mode = 1;

    /// <summary>The FORWARDMASK subcommand (2), after DO/DONT/WILL/WONT.</summary>
    public const byte ForwardMask = 2;

    /// <summary>The SLC subcommand (3).</summary>
    public const byte Slc = 3;

    /// <summary>The level bits of an SLC modifier.</summary>
    public const byte SlcLevelBits = 0x03;

    /// <summary>The SLC modifier bit that flushes output (<c>SLC_FLUSHOUT</c>).</summary>
    public const byte SlcFlushOut = 0x20;

    /// <summary>The SLC modifier bit that flushes input (<c>SLC_FLUSHIN</c>).</summary>
    public const byte SlcFlushIn = 0x40;

    /// <summary>The SLC modifier bit that acknowledges (<c>SLC_ACK</c>).</summary>
    public const byte SlcAck = 0x80;

    /// <summary>The highest SLC function defined by RFC 1184 (<see cref="SlcFunction.Forward2"/>).</summary>
    public const byte MaxSlcFunction = 18;

    /// <summary>Encodes a MODE subnegotiation payload.</summary>
    /// <param name="mode">The mask.</param>
    /// <returns>The payload (<c>MODE mask</c>).</returns>
    public static byte[] EncodeMode(LinemodeModes mode) => [Mode, (byte)mode];

    /// <summary>Encodes an SLC subnegotiation payload.</summary>
    /// <param name="triplets">The triplets, in order.</param>
    /// <returns>The payload (<c>SLC</c> then three bytes per triplet; an IAC among them is escaped by the encoder).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="triplets"/> is null.</exception>
    public static byte[] EncodeSlc(IEnumerable<SlcTriplet> triplets)
    {
        ArgumentNullException.ThrowIfNull(triplets);
        var bytes = new List<byte> { Slc };
        foreach (var t in triplets)
        {
            bytes.Add(t.Function);
            bytes.Add(t.Modifier);
            bytes.Add(t.Value);
        }

        return [.. bytes];
    }

    /// <summary>Reads a MODE payload.</summary>
    /// <param name="payload">The subnegotiation payload.</param>
    /// <param name="mode">The mask, when it is one.</param>
    /// <returns>Whether the payload is <c>MODE mask</c>.</returns>
    public static bool TryParseMode(ReadOnlySpan<byte> payload, out LinemodeModes mode)
    {
        mode = default;
        if (payload.Length != 2 || payload[0] != Mode)
        {
            return false;
        }

        mode = (LinemodeModes)payload[1];
        return true;
    }

    /// <summary>Reads an SLC payload. A trailing partial triplet is ignored.</summary>
    /// <param name="payload">The subnegotiation payload.</param>
    /// <param name="triplets">The triplets, when it is SLC.</param>
    /// <returns>Whether the payload starts with SLC.</returns>
    public static bool TryParseSlc(ReadOnlySpan<byte> payload, out IReadOnlyList<SlcTriplet> triplets)
    {
        triplets = [];
        if (payload.IsEmpty || payload[0] != Slc)
        {
            return false;
        }

        var list = new List<SlcTriplet>((payload.Length - 1) / 3);
        for (var i = 1; i + 2 < payload.Length; i += 3)
        {
            list.Add(new SlcTriplet(payload[i], payload[i + 1], payload[i + 2]));
        }

        triplets = list;
        return true;
    }

    /// <summary>Reads a FORWARDMASK payload: <c>DO/DONT/WILL/WONT FORWARDMASK [mask]</c>.</summary>
    /// <param name="payload">The subnegotiation payload.</param>
    /// <param name="verb">The negotiation verb byte (DO 253, DONT 254, WILL 251, WONT 252).</param>
    /// <returns>Whether the payload is a FORWARDMASK negotiation.</returns>
    public static bool TryParseForwardMask(ReadOnlySpan<byte> payload, out byte verb)
    {
        verb = 0;
        if (payload.Length < 2 || payload[0] is < 251 or > 254 || payload[1] != ForwardMask)
        {
            return false;
        }

        verb = payload[0];
        return true;
    }
}
