namespace RxTelnet.Protocol;

/// <summary>
/// The Telnet command bytes that may follow IAC (RFC 854 "Telnet Command Structure", plus the
/// later additions listed in arpa/telnet.h).
/// </summary>
/// <remarks>
/// A byte after IAC that is not a member of this enumeration is still reported by the parser,
/// cast to <see cref="TelnetVerb"/>; RFC 854 leaves the meaning of unknown commands to the receiver.
/// </remarks>
public enum TelnetVerb : byte
{
    /// <summary>RFC 1184: End of file (arpa/telnet.h <c>xEOF</c>).</summary>
    EndOfFile = 236,

    /// <summary>RFC 1184: Suspend process (arpa/telnet.h <c>SUSP</c>).</summary>
    Suspend = 237,

    /// <summary>RFC 1184: Abort process (arpa/telnet.h <c>ABORT</c>).</summary>
    Abort = 238,

    /// <summary>RFC 885: End of record (arpa/telnet.h <c>EOR</c>), used as a prompt marker.</summary>
    EndOfRecord = 239,

    /// <summary>RFC 854: End of subnegotiation parameters (<c>SE</c>).</summary>
    Se = 240,

    /// <summary>RFC 854: No operation (<c>NOP</c>).</summary>
    Nop = 241,

    /// <summary>RFC 854: The data stream portion of a Synch (<c>DM</c>).</summary>
    DataMark = 242,

    /// <summary>RFC 854: NVT character BRK (<c>BRK</c>).</summary>
    Break = 243,

    /// <summary>RFC 854: Interrupt process (<c>IP</c>).</summary>
    InterruptProcess = 244,

    /// <summary>RFC 854: Abort output (<c>AO</c>).</summary>
    AbortOutput = 245,

    /// <summary>RFC 854: Are you there (<c>AYT</c>).</summary>
    AreYouThere = 246,

    /// <summary>RFC 854: Erase character (<c>EC</c>).</summary>
    EraseCharacter = 247,

    /// <summary>RFC 854: Erase line (<c>EL</c>).</summary>
    EraseLine = 248,

    /// <summary>RFC 854: Go ahead (<c>GA</c>), used as a prompt marker.</summary>
    GoAhead = 249,

    /// <summary>RFC 854: Begin subnegotiation (<c>SB</c>).</summary>
    Sb = 250,

    /// <summary>RFC 854: Sender wants to begin, or confirms, performing an option (<c>WILL</c>).</summary>
    Will = 251,

    /// <summary>RFC 854: Sender refuses to perform, or stops performing, an option (<c>WONT</c>).</summary>
    Wont = 252,

    /// <summary>RFC 854: Sender asks the receiver to perform an option (<c>DO</c>).</summary>
    Do = 253,

    /// <summary>RFC 854: Sender asks the receiver to stop performing an option (<c>DONT</c>).</summary>
    Dont = 254,

    /// <summary>RFC 854: Interpret as command (<c>IAC</c>).</summary>
    Iac = 255,
}
