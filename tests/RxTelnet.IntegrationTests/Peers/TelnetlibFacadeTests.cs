namespace RxTelnet.IntegrationTests.Peers;

using System.Text;
using RxTelnet.Compat;

[TestFixture]
[Category("Peers")]
public sealed class TelnetlibFacadeTests
{
    /// <summary>
    /// The classic telnetlib script, line by line:
    /// <code>
    /// tn = telnetlib.Telnet("127.0.0.1", port, 20)
    /// tn.read_until(b"login: "); tn.write(b"tester\n")
    /// tn.read_until(b"Password: "); tn.write(b"secret\n")
    /// tn.read_until(b"$ "); tn.write(b"echo ported\n")
    /// i, m, text = tn.expect([rb"ported\r\n\$ "], 20)
    /// tn.write(b"exit\n"); rest = tn.read_all(); tn.close()
    /// </code>
    /// </summary>
    [TestCase("BUSYBOX")]
    [TestCase("INETUTILS")]
    public void PortedScript_LogsInRunsCommandAndReadsToEof(string peer)
    {
        var timeout = Peer.Timeout;
        using var tn = new Telnet("127.0.0.1", Peer.Port(peer), timeout);
        tn.ReadUntil("login: "u8.ToArray(), timeout);
        tn.Write("tester\n"u8.ToArray());
        tn.ReadUntil("Password: "u8.ToArray(), timeout);
        tn.Write("secret\n"u8.ToArray());
        tn.ReadUntil("$ "u8.ToArray(), timeout);
        tn.Write("echo ported\n"u8.ToArray());
        var result = tn.Expect([@"ported\r\n\$ "], timeout);
        tn.Write("exit\n"u8.ToArray());
        var rest = tn.ReadAll();

        Assert.That(result.Index, Is.EqualTo(0), "the expected output arrived: " + Encoding.ASCII.GetString(result.Data));
        Assert.That(tn.Eof, Is.True);
        Assert.That(rest, Is.Not.Null);
        Assert.Throws<TelnetEofException>(() => tn.ReadVeryEager(), "telnetlib raises EOFError once everything is read");
    }
}
