namespace RxTelnet.Tests.Protocol;

using System.Reflection;
using RxTelnet.Compat;

/// <summary>
/// <see cref="TelnetConstants"/> must export every byte constant of Python's telnetlib under the same name and value,
/// so that ported scripts read the same.
/// </summary>
[TestFixture]
public sealed class TelnetConstantsTests
{
    // Generated once with CPython 3.11 (the last release with telnetlib) and kept as data, so the test needs no Python:
    //   python3 -W ignore -c "import telnetlib as t; print([(n, getattr(t, n)[0]) for n in dir(t)
    //       if not n.startswith('_') and isinstance(getattr(t, n), bytes) and len(getattr(t, n)) == 1])"
    // telnetlib's EOR is the option 25; it has no name for the command 239.
    private static readonly (string Name, byte Value)[] Telnetlib =
    [
        ("BINARY", 0), ("NOOPT", 0), ("theNULL", 0), ("ECHO", 1), ("RCP", 2), ("SGA", 3), ("NAMS", 4), ("STATUS", 5),
        ("TM", 6), ("RCTE", 7), ("NAOL", 8), ("NAOP", 9), ("NAOCRD", 10), ("NAOHTS", 11), ("NAOHTD", 12),
        ("NAOFFD", 13), ("NAOVTS", 14), ("NAOVTD", 15), ("NAOLFD", 16), ("XASCII", 17), ("LOGOUT", 18), ("BM", 19),
        ("DET", 20), ("SUPDUP", 21), ("SUPDUPOUTPUT", 22), ("SNDLOC", 23), ("TTYPE", 24), ("EOR", 25), ("TUID", 26),
        ("OUTMRK", 27), ("TTYLOC", 28), ("VT3270REGIME", 29), ("X3PAD", 30), ("NAWS", 31), ("TSPEED", 32),
        ("LFLOW", 33), ("LINEMODE", 34), ("XDISPLOC", 35), ("OLD_ENVIRON", 36), ("AUTHENTICATION", 37),
        ("ENCRYPT", 38), ("NEW_ENVIRON", 39), ("TN3270E", 40), ("XAUTH", 41), ("CHARSET", 42), ("RSP", 43),
        ("COM_PORT_OPTION", 44), ("SUPPRESS_LOCAL_ECHO", 45), ("TLS", 46), ("KERMIT", 47), ("SEND_URL", 48),
        ("FORWARD_X", 49), ("PRAGMA_LOGON", 138), ("SSPI_LOGON", 139), ("PRAGMA_HEARTBEAT", 140), ("SE", 240),
        ("NOP", 241), ("DM", 242), ("BRK", 243), ("IP", 244), ("AO", 245), ("AYT", 246), ("EC", 247), ("EL", 248),
        ("GA", 249), ("SB", 250), ("WILL", 251), ("WONT", 252), ("DO", 253), ("DONT", 254), ("EXOPL", 255),
        ("IAC", 255),
    ];

    // The arpa/telnet.h commands telnetlib lacks, under arpa/telnet.h's names (EOR renamed: telnetlib's EOR is the option).
    private static readonly (string Name, byte Value)[] Additions =
    [
        ("EOR_COMMAND", 239), ("ABORT", 238), ("SUSP", 237), ("xEOF", 236),
    ];

    public static IEnumerable<TestCaseData> TelnetlibConstants() =>
        Telnetlib.Select(c => new TestCaseData(c.Name, c.Value).SetArgDisplayNames(c.Name));

    public static IEnumerable<TestCaseData> AddedConstants() =>
        Additions.Select(c => new TestCaseData(c.Name, c.Value).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(TelnetlibConstants))]
    public void Constant_TelnetlibName_HasTelnetlibValue(string name, byte expected) =>
        AssertConstant(name, expected, "telnetlib");

    [TestCaseSource(nameof(AddedConstants))]
    public void Constant_ArpaTelnetHCommand_HasRfcValue(string name, byte expected) =>
        AssertConstant(name, expected, "arpa/telnet.h");

    [Test]
    public void Constants_Declared_AreTelnetlibsPlusTheDocumentedAdditions()
    {
        var declared = typeof(TelnetConstants).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name);

        Assert.That(declared, Is.EquivalentTo(Telnetlib.Concat(Additions).Select(c => c.Name)), "no telnetlib name is missing, and nothing undocumented was added");
    }

    [Test]
    public void Eor_TelnetlibName_IsTheOptionNotTheCommand()
    {
        Assert.That(TelnetConstants.EOR, Is.EqualTo((byte)RxTelnet.Protocol.TelnetOption.EndOfRecord), "telnetlib.EOR is the END-OF-RECORD option (RFC 885)");
        Assert.That(TelnetConstants.EOR_COMMAND, Is.EqualTo((byte)RxTelnet.Protocol.TelnetVerb.EndOfRecord), "the EOR command byte lives under another name");
    }

    private static void AssertConstant(string name, byte expected, string source)
    {
        var field = typeof(TelnetConstants).GetField(name, BindingFlags.Public | BindingFlags.Static);

        Assert.That(field, Is.Not.Null, $"TelnetConstants.{name} exists, as in {source}");
        Assert.That(field!.IsLiteral && field.FieldType == typeof(byte), Is.True, $"TelnetConstants.{name} is a const byte, usable in switch cases");
        Assert.That(field.GetRawConstantValue(), Is.EqualTo(expected), $"TelnetConstants.{name} has {source}'s value");
    }
}
