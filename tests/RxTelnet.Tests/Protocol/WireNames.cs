namespace RxTelnet.Tests.Protocol;

/// <summary>
/// The expected wire values, written out independently of the code under test: the command bytes of
/// RFC 854 and arpa/telnet.h, and the option codes of arpa/telnet.h and the IANA telnet-options registry.
/// </summary>
/// <remarks>
/// Each row is (the short name arpa/telnet.h uses, the value, the <c>TelnetVerb</c>/<c>TelnetOption</c>
/// member expected to carry it). The short names also label commands and options in the golden transcripts.
/// </remarks>
internal static class WireNames
{
    /// <summary>RFC 854 "Telnet Command Structure" plus RFC 885/1184 as listed in arpa/telnet.h.</summary>
    public static readonly (string Name, byte Value, string Member)[] Verbs =
    [
        ("xEOF", 236, "EndOfFile"),
        ("SUSP", 237, "Suspend"),
        ("ABORT", 238, "Abort"),
        ("EOR", 239, "EndOfRecord"),
        ("SE", 240, "Se"),
        ("NOP", 241, "Nop"),
        ("DM", 242, "DataMark"),
        ("BREAK", 243, "Break"),
        ("IP", 244, "InterruptProcess"),
        ("AO", 245, "AbortOutput"),
        ("AYT", 246, "AreYouThere"),
        ("EC", 247, "EraseCharacter"),
        ("EL", 248, "EraseLine"),
        ("GA", 249, "GoAhead"),
        ("SB", 250, "Sb"),
        ("WILL", 251, "Will"),
        ("WONT", 252, "Wont"),
        ("DO", 253, "Do"),
        ("DONT", 254, "Dont"),
        ("IAC", 255, "Iac"),
    ];

    /// <summary>
    /// arpa/telnet.h TELOPT_* (0-39, 255), the IANA registry (40-49, 138-140), and the MUD options MSSP,
    /// MCCP2 (COMPRESS2) and GMCP from their community specifications.
    /// </summary>
    public static readonly (string Name, byte Value, string Member)[] Options =
    [
        ("BINARY", 0, "Binary"),
        ("ECHO", 1, "Echo"),
        ("RCP", 2, "Reconnection"),
        ("SGA", 3, "SuppressGoAhead"),
        ("NAMS", 4, "MessageSizeNegotiation"),
        ("STATUS", 5, "Status"),
        ("TM", 6, "TimingMark"),
        ("RCTE", 7, "RemoteControlledTransmissionAndEcho"),
        ("NAOL", 8, "OutputLineWidth"),
        ("NAOP", 9, "OutputPageSize"),
        ("NAOCRD", 10, "OutputCarriageReturnDisposition"),
        ("NAOHTS", 11, "OutputHorizontalTabStops"),
        ("NAOHTD", 12, "OutputHorizontalTabDisposition"),
        ("NAOFFD", 13, "OutputFormFeedDisposition"),
        ("NAOVTS", 14, "OutputVerticalTabStops"),
        ("NAOVTD", 15, "OutputVerticalTabDisposition"),
        ("NAOLFD", 16, "OutputLinefeedDisposition"),
        ("XASCII", 17, "ExtendedAscii"),
        ("LOGOUT", 18, "Logout"),
        ("BM", 19, "ByteMacro"),
        ("DET", 20, "DataEntryTerminal"),
        ("SUPDUP", 21, "Supdup"),
        ("SUPDUPOUTPUT", 22, "SupdupOutput"),
        ("SNDLOC", 23, "SendLocation"),
        ("TTYPE", 24, "TerminalType"),
        ("EOR", 25, "EndOfRecord"),
        ("TUID", 26, "TacacsUserIdentification"),
        ("OUTMRK", 27, "OutputMarking"),
        ("TTYLOC", 28, "TerminalLocationNumber"),
        ("3270REGIME", 29, "Telnet3270Regime"),
        ("X3PAD", 30, "X3Pad"),
        ("NAWS", 31, "Naws"),
        ("TSPEED", 32, "TerminalSpeed"),
        ("LFLOW", 33, "RemoteFlowControl"),
        ("LINEMODE", 34, "Linemode"),
        ("XDISPLOC", 35, "XDisplayLocation"),
        ("OLD_ENVIRON", 36, "OldEnvironment"),
        ("AUTHENTICATION", 37, "Authentication"),
        ("ENCRYPT", 38, "Encrypt"),
        ("NEW_ENVIRON", 39, "NewEnvironment"),
        ("TN3270E", 40, "TN3270E"),
        ("XAUTH", 41, "XAuth"),
        ("CHARSET", 42, "Charset"),
        ("RSP", 43, "RemoteSerialPort"),
        ("COM_PORT_OPTION", 44, "ComPortOption"),
        ("SUPPRESS_LOCAL_ECHO", 45, "SuppressLocalEcho"),
        ("TLS", 46, "StartTls"),
        ("KERMIT", 47, "Kermit"),
        ("SEND_URL", 48, "SendUrl"),
        ("FORWARD_X", 49, "ForwardX"),
        ("MSDP", 69, "Msdp"),
        ("MSSP", 70, "Mssp"),
        ("COMPRESS2", 86, "Compress2"),
        ("COMPRESS3", 87, "Compress3"),
        ("PRAGMA_LOGON", 138, "PragmaLogon"),
        ("SSPI_LOGON", 139, "SspiLogon"),
        ("PRAGMA_HEARTBEAT", 140, "PragmaHeartbeat"),
        ("GMCP", 201, "Gmcp"),
        ("EXOPL", 255, "ExtendedOptionsList"),
    ];

    private static readonly Dictionary<byte, string> VerbNames = Verbs.ToDictionary(v => v.Value, v => v.Name);
    private static readonly Dictionary<byte, string> OptionNames = Options.ToDictionary(o => o.Value, o => o.Name);

    /// <summary>Formats a command byte as <c>241 (NOP)</c>, or just the number when it has no name.</summary>
    public static string Verb(byte value) =>
        VerbNames.TryGetValue(value, out var name) ? $"{value} ({name})" : $"{value}";

    /// <summary>Formats an option byte as <c>24 (TTYPE)</c>, or just the number when it has no name.</summary>
    public static string Option(byte value) =>
        OptionNames.TryGetValue(value, out var name) ? $"{value} ({name})" : $"{value}";
}
