namespace RxTelnet.Compat;

using RxTelnet.Protocol;

/// <summary>
/// The command and option byte constants of RFC 854 and arpa/telnet.h under the names Python's
/// <c>telnetlib</c> exports them, so that a ported script reads the same (<c>telnetlib.IAC</c> becomes
/// <c>TelnetConstants.IAC</c>).
/// </summary>
/// <remarks>
/// The typed equivalents are <see cref="TelnetVerb"/> and <see cref="TelnetOption"/>. telnetlib's <c>EOR</c> is the
/// option (25); the command 239 is <see cref="EOR_COMMAND"/>.
/// </remarks>
#pragma warning disable CA1707 // telnetlib's names contain underscores on purpose
public static class TelnetConstants
{
    /// <summary>The NUL byte (telnetlib <c>theNULL</c>).</summary>
    public const byte theNULL = 0;

    /// <summary>No option (telnetlib <c>NOOPT</c>), passed to the negotiation callback for commands without an option.</summary>
    public const byte NOOPT = 0;

    /// <summary>Interpret as command: <see cref="TelnetVerb.Iac"/> (255).</summary>
    public const byte IAC = (byte)TelnetVerb.Iac;

    /// <summary>Don't use option: <see cref="TelnetVerb.Dont"/> (254).</summary>
    public const byte DONT = (byte)TelnetVerb.Dont;

    /// <summary>Please use option: <see cref="TelnetVerb.Do"/> (253).</summary>
    public const byte DO = (byte)TelnetVerb.Do;

    /// <summary>I won't use option: <see cref="TelnetVerb.Wont"/> (252).</summary>
    public const byte WONT = (byte)TelnetVerb.Wont;

    /// <summary>I will use option: <see cref="TelnetVerb.Will"/> (251).</summary>
    public const byte WILL = (byte)TelnetVerb.Will;

    /// <summary>Subnegotiation begin: <see cref="TelnetVerb.Sb"/> (250).</summary>
    public const byte SB = (byte)TelnetVerb.Sb;

    /// <summary>Go ahead: <see cref="TelnetVerb.GoAhead"/> (249).</summary>
    public const byte GA = (byte)TelnetVerb.GoAhead;

    /// <summary>Erase line: <see cref="TelnetVerb.EraseLine"/> (248).</summary>
    public const byte EL = (byte)TelnetVerb.EraseLine;

    /// <summary>Erase character: <see cref="TelnetVerb.EraseCharacter"/> (247).</summary>
    public const byte EC = (byte)TelnetVerb.EraseCharacter;

    /// <summary>Are you there: <see cref="TelnetVerb.AreYouThere"/> (246).</summary>
    public const byte AYT = (byte)TelnetVerb.AreYouThere;

    /// <summary>Abort output: <see cref="TelnetVerb.AbortOutput"/> (245).</summary>
    public const byte AO = (byte)TelnetVerb.AbortOutput;

    /// <summary>Interrupt process: <see cref="TelnetVerb.InterruptProcess"/> (244).</summary>
    public const byte IP = (byte)TelnetVerb.InterruptProcess;

    /// <summary>Break: <see cref="TelnetVerb.Break"/> (243).</summary>
    public const byte BRK = (byte)TelnetVerb.Break;

    /// <summary>Data mark: <see cref="TelnetVerb.DataMark"/> (242).</summary>
    public const byte DM = (byte)TelnetVerb.DataMark;

    /// <summary>No operation: <see cref="TelnetVerb.Nop"/> (241).</summary>
    public const byte NOP = (byte)TelnetVerb.Nop;

    /// <summary>Subnegotiation end: <see cref="TelnetVerb.Se"/> (240).</summary>
    public const byte SE = (byte)TelnetVerb.Se;

    /// <summary>End of record (arpa/telnet.h names this command EOR; telnetlib's EOR is the option, 25): <see cref="TelnetVerb.EndOfRecord"/> (239).</summary>
    public const byte EOR_COMMAND = (byte)TelnetVerb.EndOfRecord;

    /// <summary>Abort process: <see cref="TelnetVerb.Abort"/> (238).</summary>
    public const byte ABORT = (byte)TelnetVerb.Abort;

    /// <summary>Suspend process: <see cref="TelnetVerb.Suspend"/> (237).</summary>
    public const byte SUSP = (byte)TelnetVerb.Suspend;

    /// <summary>End of file: <see cref="TelnetVerb.EndOfFile"/> (236).</summary>
    public const byte xEOF = (byte)TelnetVerb.EndOfFile;

    /// <summary>RFC 856: 8-bit binary transmission: <see cref="TelnetOption.Binary"/> (0).</summary>
    public const byte BINARY = (byte)TelnetOption.Binary;

    /// <summary>RFC 857: echo: <see cref="TelnetOption.Echo"/> (1).</summary>
    public const byte ECHO = (byte)TelnetOption.Echo;

    /// <summary>NIC 15391: reconnection: <see cref="TelnetOption.Reconnection"/> (2).</summary>
    public const byte RCP = (byte)TelnetOption.Reconnection;

    /// <summary>RFC 858: suppress go ahead: <see cref="TelnetOption.SuppressGoAhead"/> (3).</summary>
    public const byte SGA = (byte)TelnetOption.SuppressGoAhead;

    /// <summary>NIC 15393: approximate message size negotiation: <see cref="TelnetOption.MessageSizeNegotiation"/> (4).</summary>
    public const byte NAMS = (byte)TelnetOption.MessageSizeNegotiation;

    /// <summary>RFC 859: status: <see cref="TelnetOption.Status"/> (5).</summary>
    public const byte STATUS = (byte)TelnetOption.Status;

    /// <summary>RFC 860: timing mark: <see cref="TelnetOption.TimingMark"/> (6).</summary>
    public const byte TM = (byte)TelnetOption.TimingMark;

    /// <summary>RFC 726: remote controlled transmission and echo: <see cref="TelnetOption.RemoteControlledTransmissionAndEcho"/> (7).</summary>
    public const byte RCTE = (byte)TelnetOption.RemoteControlledTransmissionAndEcho;

    /// <summary>NIC 20196: negotiate about output line width: <see cref="TelnetOption.OutputLineWidth"/> (8).</summary>
    public const byte NAOL = (byte)TelnetOption.OutputLineWidth;

    /// <summary>NIC 20197: negotiate about output page size: <see cref="TelnetOption.OutputPageSize"/> (9).</summary>
    public const byte NAOP = (byte)TelnetOption.OutputPageSize;

    /// <summary>RFC 652: output carriage-return disposition: <see cref="TelnetOption.OutputCarriageReturnDisposition"/> (10).</summary>
    public const byte NAOCRD = (byte)TelnetOption.OutputCarriageReturnDisposition;

    /// <summary>RFC 653: output horizontal tab stops: <see cref="TelnetOption.OutputHorizontalTabStops"/> (11).</summary>
    public const byte NAOHTS = (byte)TelnetOption.OutputHorizontalTabStops;

    /// <summary>RFC 654: output horizontal tab disposition: <see cref="TelnetOption.OutputHorizontalTabDisposition"/> (12).</summary>
    public const byte NAOHTD = (byte)TelnetOption.OutputHorizontalTabDisposition;

    /// <summary>RFC 655: output formfeed disposition: <see cref="TelnetOption.OutputFormFeedDisposition"/> (13).</summary>
    public const byte NAOFFD = (byte)TelnetOption.OutputFormFeedDisposition;

    /// <summary>RFC 656: output vertical tab stops: <see cref="TelnetOption.OutputVerticalTabStops"/> (14).</summary>
    public const byte NAOVTS = (byte)TelnetOption.OutputVerticalTabStops;

    /// <summary>RFC 657: output vertical tab disposition: <see cref="TelnetOption.OutputVerticalTabDisposition"/> (15).</summary>
    public const byte NAOVTD = (byte)TelnetOption.OutputVerticalTabDisposition;

    /// <summary>RFC 658: output linefeed disposition: <see cref="TelnetOption.OutputLinefeedDisposition"/> (16).</summary>
    public const byte NAOLFD = (byte)TelnetOption.OutputLinefeedDisposition;

    /// <summary>RFC 698: extended ASCII: <see cref="TelnetOption.ExtendedAscii"/> (17).</summary>
    public const byte XASCII = (byte)TelnetOption.ExtendedAscii;

    /// <summary>RFC 727: logout: <see cref="TelnetOption.Logout"/> (18).</summary>
    public const byte LOGOUT = (byte)TelnetOption.Logout;

    /// <summary>RFC 735: byte macro: <see cref="TelnetOption.ByteMacro"/> (19).</summary>
    public const byte BM = (byte)TelnetOption.ByteMacro;

    /// <summary>RFC 1043: data entry terminal: <see cref="TelnetOption.DataEntryTerminal"/> (20).</summary>
    public const byte DET = (byte)TelnetOption.DataEntryTerminal;

    /// <summary>RFC 736: SUPDUP: <see cref="TelnetOption.Supdup"/> (21).</summary>
    public const byte SUPDUP = (byte)TelnetOption.Supdup;

    /// <summary>RFC 749: SUPDUP output: <see cref="TelnetOption.SupdupOutput"/> (22).</summary>
    public const byte SUPDUPOUTPUT = (byte)TelnetOption.SupdupOutput;

    /// <summary>RFC 779: send location: <see cref="TelnetOption.SendLocation"/> (23).</summary>
    public const byte SNDLOC = (byte)TelnetOption.SendLocation;

    /// <summary>RFC 1091: terminal type: <see cref="TelnetOption.TerminalType"/> (24).</summary>
    public const byte TTYPE = (byte)TelnetOption.TerminalType;

    /// <summary>RFC 885: end of record: <see cref="TelnetOption.EndOfRecord"/> (25).</summary>
    public const byte EOR = (byte)TelnetOption.EndOfRecord;

    /// <summary>RFC 927: TACACS user identification: <see cref="TelnetOption.TacacsUserIdentification"/> (26).</summary>
    public const byte TUID = (byte)TelnetOption.TacacsUserIdentification;

    /// <summary>RFC 933: output marking: <see cref="TelnetOption.OutputMarking"/> (27).</summary>
    public const byte OUTMRK = (byte)TelnetOption.OutputMarking;

    /// <summary>RFC 946: terminal location number: <see cref="TelnetOption.TerminalLocationNumber"/> (28).</summary>
    public const byte TTYLOC = (byte)TelnetOption.TerminalLocationNumber;

    /// <summary>RFC 1041: 3270 regime: <see cref="TelnetOption.Telnet3270Regime"/> (29).</summary>
    public const byte VT3270REGIME = (byte)TelnetOption.Telnet3270Regime;

    /// <summary>RFC 1053: X.3 PAD: <see cref="TelnetOption.X3Pad"/> (30).</summary>
    public const byte X3PAD = (byte)TelnetOption.X3Pad;

    /// <summary>RFC 1073: negotiate about window size: <see cref="TelnetOption.Naws"/> (31).</summary>
    public const byte NAWS = (byte)TelnetOption.Naws;

    /// <summary>RFC 1079: terminal speed: <see cref="TelnetOption.TerminalSpeed"/> (32).</summary>
    public const byte TSPEED = (byte)TelnetOption.TerminalSpeed;

    /// <summary>RFC 1372: remote flow control: <see cref="TelnetOption.RemoteFlowControl"/> (33).</summary>
    public const byte LFLOW = (byte)TelnetOption.RemoteFlowControl;

    /// <summary>RFC 1184: linemode: <see cref="TelnetOption.Linemode"/> (34).</summary>
    public const byte LINEMODE = (byte)TelnetOption.Linemode;

    /// <summary>RFC 1096: X display location: <see cref="TelnetOption.XDisplayLocation"/> (35).</summary>
    public const byte XDISPLOC = (byte)TelnetOption.XDisplayLocation;

    /// <summary>RFC 1408: old environment option: <see cref="TelnetOption.OldEnvironment"/> (36).</summary>
    public const byte OLD_ENVIRON = (byte)TelnetOption.OldEnvironment;

    /// <summary>RFC 2941: authentication: <see cref="TelnetOption.Authentication"/> (37).</summary>
    public const byte AUTHENTICATION = (byte)TelnetOption.Authentication;

    /// <summary>RFC 2946: data encryption: <see cref="TelnetOption.Encrypt"/> (38).</summary>
    public const byte ENCRYPT = (byte)TelnetOption.Encrypt;

    /// <summary>RFC 1572: new environment option: <see cref="TelnetOption.NewEnvironment"/> (39).</summary>
    public const byte NEW_ENVIRON = (byte)TelnetOption.NewEnvironment;

    /// <summary>RFC 2355: TN3270 enhancements: <see cref="TelnetOption.TN3270E"/> (40).</summary>
    public const byte TN3270E = (byte)TelnetOption.TN3270E;

    /// <summary>XAUTH: <see cref="TelnetOption.XAuth"/> (41).</summary>
    public const byte XAUTH = (byte)TelnetOption.XAuth;

    /// <summary>RFC 2066: charset: <see cref="TelnetOption.Charset"/> (42).</summary>
    public const byte CHARSET = (byte)TelnetOption.Charset;

    /// <summary>Telnet remote serial port: <see cref="TelnetOption.RemoteSerialPort"/> (43).</summary>
    public const byte RSP = (byte)TelnetOption.RemoteSerialPort;

    /// <summary>RFC 2217: com port control: <see cref="TelnetOption.ComPortOption"/> (44).</summary>
    public const byte COM_PORT_OPTION = (byte)TelnetOption.ComPortOption;

    /// <summary>Telnet suppress local echo: <see cref="TelnetOption.SuppressLocalEcho"/> (45).</summary>
    public const byte SUPPRESS_LOCAL_ECHO = (byte)TelnetOption.SuppressLocalEcho;

    /// <summary>START-TLS Internet-Draft: Telnet start TLS: <see cref="TelnetOption.StartTls"/> (46).</summary>
    public const byte TLS = (byte)TelnetOption.StartTls;

    /// <summary>RFC 2840: Kermit: <see cref="TelnetOption.Kermit"/> (47).</summary>
    public const byte KERMIT = (byte)TelnetOption.Kermit;

    /// <summary>Send URL: <see cref="TelnetOption.SendUrl"/> (48).</summary>
    public const byte SEND_URL = (byte)TelnetOption.SendUrl;

    /// <summary>Forward X: <see cref="TelnetOption.ForwardX"/> (49).</summary>
    public const byte FORWARD_X = (byte)TelnetOption.ForwardX;

    /// <summary>TELOPT PRAGMA LOGON: <see cref="TelnetOption.PragmaLogon"/> (138).</summary>
    public const byte PRAGMA_LOGON = (byte)TelnetOption.PragmaLogon;

    /// <summary>TELOPT SSPI LOGON: <see cref="TelnetOption.SspiLogon"/> (139).</summary>
    public const byte SSPI_LOGON = (byte)TelnetOption.SspiLogon;

    /// <summary>TELOPT PRAGMA HEARTBEAT: <see cref="TelnetOption.PragmaHeartbeat"/> (140).</summary>
    public const byte PRAGMA_HEARTBEAT = (byte)TelnetOption.PragmaHeartbeat;

    /// <summary>RFC 861: extended-options-list: <see cref="TelnetOption.ExtendedOptionsList"/> (255).</summary>
    public const byte EXOPL = (byte)TelnetOption.ExtendedOptionsList;
}
