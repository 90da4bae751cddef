namespace RxTelnet.Protocol;

/// <summary>
/// Telnet option codes: every name of arpa/telnet.h and Python's telnetlib, with their assigned numbers,
/// plus the MUD options MSSP, MCCP2 and GMCP.
/// </summary>
/// <remarks>Any byte is a valid option on the wire; values without a member are reported cast to this type.</remarks>
public enum TelnetOption : byte
{
    /// <summary>RFC 856: 8-bit binary transmission (arpa/telnet.h <c>BINARY</c>).</summary>
    Binary = 0,

    /// <summary>RFC 857: echo (arpa/telnet.h <c>ECHO</c>).</summary>
    Echo = 1,

    /// <summary>NIC 15391: reconnection (arpa/telnet.h <c>RCP</c>).</summary>
    Reconnection = 2,

    /// <summary>RFC 858: suppress go ahead (arpa/telnet.h <c>SGA</c>).</summary>
    SuppressGoAhead = 3,

    /// <summary>NIC 15393: approximate message size negotiation (arpa/telnet.h <c>NAMS</c>).</summary>
    MessageSizeNegotiation = 4,

    /// <summary>RFC 859: status (arpa/telnet.h <c>STATUS</c>).</summary>
    Status = 5,

    /// <summary>RFC 860: timing mark (arpa/telnet.h <c>TM</c>).</summary>
    TimingMark = 6,

    /// <summary>RFC 726: remote controlled transmission and echo (arpa/telnet.h <c>RCTE</c>).</summary>
    RemoteControlledTransmissionAndEcho = 7,

    /// <summary>NIC 20196: negotiate about output line width (arpa/telnet.h <c>NAOL</c>).</summary>
    OutputLineWidth = 8,

    /// <summary>NIC 20197: negotiate about output page size (arpa/telnet.h <c>NAOP</c>).</summary>
    OutputPageSize = 9,

    /// <summary>RFC 652: output carriage-return disposition (arpa/telnet.h <c>NAOCRD</c>).</summary>
    OutputCarriageReturnDisposition = 10,

    /// <summary>RFC 653: output horizontal tab stops (arpa/telnet.h <c>NAOHTS</c>).</summary>
    OutputHorizontalTabStops = 11,

    /// <summary>RFC 654: output horizontal tab disposition (arpa/telnet.h <c>NAOHTD</c>).</summary>
    OutputHorizontalTabDisposition = 12,

    /// <summary>RFC 655: output formfeed disposition (arpa/telnet.h <c>NAOFFD</c>).</summary>
    OutputFormFeedDisposition = 13,

    /// <summary>RFC 656: output vertical tab stops (arpa/telnet.h <c>NAOVTS</c>).</summary>
    OutputVerticalTabStops = 14,

    /// <summary>RFC 657: output vertical tab disposition (arpa/telnet.h <c>NAOVTD</c>).</summary>
    OutputVerticalTabDisposition = 15,

    /// <summary>RFC 658: output linefeed disposition (arpa/telnet.h <c>NAOLFD</c>).</summary>
    OutputLinefeedDisposition = 16,

    /// <summary>RFC 698: extended ASCII (arpa/telnet.h <c>XASCII</c>).</summary>
    ExtendedAscii = 17,

    /// <summary>RFC 727: logout (arpa/telnet.h <c>LOGOUT</c>).</summary>
    Logout = 18,

    /// <summary>RFC 735: byte macro (arpa/telnet.h <c>BM</c>).</summary>
    ByteMacro = 19,

    /// <summary>RFC 1043: data entry terminal (arpa/telnet.h <c>DET</c>).</summary>
    DataEntryTerminal = 20,

    /// <summary>RFC 736: SUPDUP (arpa/telnet.h <c>SUPDUP</c>).</summary>
    Supdup = 21,

    /// <summary>RFC 749: SUPDUP output (arpa/telnet.h <c>SUPDUPOUTPUT</c>).</summary>
    SupdupOutput = 22,

    /// <summary>RFC 779: send location (arpa/telnet.h <c>SNDLOC</c>).</summary>
    SendLocation = 23,

    /// <summary>RFC 1091: terminal type (arpa/telnet.h <c>TTYPE</c>).</summary>
    TerminalType = 24,

    /// <summary>RFC 885: end of record (arpa/telnet.h <c>EOR</c>).</summary>
    EndOfRecord = 25,

    /// <summary>RFC 927: TACACS user identification (arpa/telnet.h <c>TUID</c>).</summary>
    TacacsUserIdentification = 26,

    /// <summary>RFC 933: output marking (arpa/telnet.h <c>OUTMRK</c>).</summary>
    OutputMarking = 27,

    /// <summary>RFC 946: terminal location number (arpa/telnet.h <c>TTYLOC</c>).</summary>
    TerminalLocationNumber = 28,

    /// <summary>RFC 1041: 3270 regime (arpa/telnet.h <c>VT3270REGIME</c>).</summary>
    Telnet3270Regime = 29,

    /// <summary>RFC 1053: X.3 PAD (arpa/telnet.h <c>X3PAD</c>).</summary>
    X3Pad = 30,

    /// <summary>RFC 1073: negotiate about window size (arpa/telnet.h <c>NAWS</c>).</summary>
    Naws = 31,

    /// <summary>RFC 1079: terminal speed (arpa/telnet.h <c>TSPEED</c>).</summary>
    TerminalSpeed = 32,

    /// <summary>RFC 1372: remote flow control (arpa/telnet.h <c>LFLOW</c>).</summary>
    RemoteFlowControl = 33,

    /// <summary>RFC 1184: linemode (arpa/telnet.h <c>LINEMODE</c>).</summary>
    Linemode = 34,

    /// <summary>RFC 1096: X display location (arpa/telnet.h <c>XDISPLOC</c>).</summary>
    XDisplayLocation = 35,

    /// <summary>RFC 1408: old environment option (arpa/telnet.h <c>OLD_ENVIRON</c>).</summary>
    OldEnvironment = 36,

    /// <summary>RFC 2941: authentication (arpa/telnet.h <c>AUTHENTICATION</c>).</summary>
    Authentication = 37,

    /// <summary>RFC 2946: data encryption (arpa/telnet.h <c>ENCRYPT</c>).</summary>
    Encrypt = 38,

    /// <summary>RFC 1572: new environment option (arpa/telnet.h <c>NEW_ENVIRON</c>).</summary>
    NewEnvironment = 39,

    /// <summary>RFC 2355: TN3270 enhancements (arpa/telnet.h <c>TN3270E</c>).</summary>
    TN3270E = 40,

    /// <summary>XAUTH (arpa/telnet.h <c>XAUTH</c>).</summary>
    XAuth = 41,

    /// <summary>RFC 2066: charset (arpa/telnet.h <c>CHARSET</c>).</summary>
    Charset = 42,

    /// <summary>Telnet remote serial port (arpa/telnet.h <c>RSP</c>).</summary>
    RemoteSerialPort = 43,

    /// <summary>RFC 2217: com port control (arpa/telnet.h <c>COM_PORT_OPTION</c>).</summary>
    ComPortOption = 44,

    /// <summary>Telnet suppress local echo (arpa/telnet.h <c>SUPPRESS_LOCAL_ECHO</c>).</summary>
    SuppressLocalEcho = 45,

    /// <summary>START-TLS Internet-Draft: Telnet start TLS (arpa/telnet.h <c>TLS</c>).</summary>
    StartTls = 46,

    /// <summary>RFC 2840: Kermit (arpa/telnet.h <c>KERMIT</c>).</summary>
    Kermit = 47,

    /// <summary>Send URL (arpa/telnet.h <c>SEND_URL</c>).</summary>
    SendUrl = 48,

    /// <summary>Forward X (arpa/telnet.h <c>FORWARD_X</c>).</summary>
    ForwardX = 49,

    /// <summary>MUD Server Data Protocol (MSDP).</summary>
    Msdp = 69,

    /// <summary>MUD Server Status Protocol (MSSP).</summary>
    Mssp = 70,

    /// <summary>MUD Client Compression Protocol v2 (MCCP2, COMPRESS2).</summary>
    Compress2 = 86,

    /// <summary>MUD Client Compression Protocol v3 (MCCP3, COMPRESS3): the client compresses what it sends.</summary>
    Compress3 = 87,

    /// <summary>TELOPT PRAGMA LOGON (arpa/telnet.h <c>PRAGMA_LOGON</c>).</summary>
    PragmaLogon = 138,

    /// <summary>TELOPT SSPI LOGON (arpa/telnet.h <c>SSPI_LOGON</c>).</summary>
    SspiLogon = 139,

    /// <summary>TELOPT PRAGMA HEARTBEAT (arpa/telnet.h <c>PRAGMA_HEARTBEAT</c>).</summary>
    PragmaHeartbeat = 140,

    /// <summary>Generic MUD Communication Protocol (GMCP).</summary>
    Gmcp = 201,

    /// <summary>RFC 861: extended-options-list (arpa/telnet.h <c>EXOPL</c>).</summary>
    ExtendedOptionsList = 255,
}
