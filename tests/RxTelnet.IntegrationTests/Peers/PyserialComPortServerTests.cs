namespace RxTelnet.IntegrationTests.Peers;

using System.Net;
using RxTelnet.Serial;
using RxTelnet.Session;
using RxTelnet.Tests;

/// <summary>
/// Our RFC 2217 access server against a third-party client: pyserial's <c>rfc2217://</c> (Debian's
/// <c>python3-serial</c>) opens the port with 19200 8N2 (a Linux pseudo-terminal keeps 8 data bits and no parity, so those are what it can set), writes, and reads; the test plays the device at the other end
/// of a pseudo-terminal and checks the tty settings with <c>stty</c>. Runs with the other real peers (RXTELNET_PEERS=1).
/// </summary>
[TestFixture]
[Category("Peers")]
[CancelAfter(120_000)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PyserialComPortServerTests
{
    private const string Script = """
        import sys, serial
        port = serial.serial_for_url("rfc2217://127.0.0.1:%s" % sys.argv[1], baudrate=19200, bytesize=8, parity="N", stopbits=2, timeout=15)
        port.write(b"to the line\n")
        port.flush()
        got = b""
        while not got.endswith(b"!"):
            chunk = port.read(1)
            if not chunk:
                break
            got += chunk
        print("GOT " + got.decode("latin-1"))
        port.close()
        """;

    [Test]
    public async Task Pyserial_SetsTheTtyAndTalksThroughIt()
    {
        if (Environment.GetEnvironmentVariable("RXTELNET_PEERS") != "1")
        {
            Assert.Ignore("Real peers are not installed: .ci/run installs python3-serial with the others and sets RXTELNET_PEERS=1.");
        }

        using var pty = PseudoTerminal.Open();
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), new TelnetSessionOptions { Policy = ComPortServer.Policy });
        using var serving = ComPortServer.Serve(listener, _ => new TtySerialLine(pty.DevicePath));

        // Debian's interpreter: python3-serial installs into its dist-packages.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var run = ChildProcess.RunAsync(python, ["-", listener.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Script, Peer.Timeout, "python3 is missing: scripts/peers/install.sh installs it with python3-serial.");

        var toTheLine = await pty.ReadUntilAsync("\n", Peer.Timeout, run);
        var (sttyCode, stty, _) = await ChildProcess.RunAsync("stty", ["-F", pty.DevicePath, "-a"], string.Empty, Peer.Timeout, "stty (coreutils) is missing.");
        pty.Write("from the line!");
        var (code, output, errors) = await run;

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That(toTheLine, Is.EqualTo("to the line\n"), "what pyserial wrote came out of the tty");
            Assert.That(output, Does.Contain("GOT from the line!"), "what the device wrote reached pyserial");
            Assert.That(sttyCode, Is.Zero);
            Assert.That(stty, Does.Contain("speed 19200 baud"), stty);
            Assert.That(stty.Split(' ', '\n'), Does.Contain("cs8").And.Contain("-parenb").And.Contain("cstopb"), stty);
        });
    }
}
