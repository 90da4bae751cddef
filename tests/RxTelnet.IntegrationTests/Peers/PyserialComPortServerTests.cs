namespace RxTelnet.IntegrationTests.Peers;

using System.Net;
using System.Runtime.InteropServices;
using System.Text;
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

    /// <summary>A pseudo-terminal pair: the test holds the master and plays the device; the served line opens the slave.</summary>
    private sealed partial class PseudoTerminal : IDisposable
    {
        private readonly int _master;
        private readonly List<byte> _pending = [];

        private PseudoTerminal(int master, string devicePath)
        {
            _master = master;
            DevicePath = devicePath;
        }

        public string DevicePath { get; }

        public static PseudoTerminal Open()
        {
            var master = posix_openpt(0x2 | 0x100); // O_RDWR | O_NOCTTY
            Assert.That(master, Is.GreaterThanOrEqualTo(0), "posix_openpt");
            Assert.That(grantpt(master) == 0 && unlockpt(master) == 0, Is.True, "grantpt/unlockpt");
            var name = new byte[256];
            Assert.That(ptsname_r(master, name, name.Length), Is.Zero, "ptsname_r");
            return new PseudoTerminal(master, Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0)));
        }

        public void Write(string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            Assert.That((int)write(_master, bytes, bytes.Length), Is.EqualTo(bytes.Length));
        }

        /// <summary>Reads from the master until <paramref name="end"/>, polling in 100 ms steps, at most <paramref name="timeout"/>.</summary>
        public async Task<string> ReadUntilAsync(string end, TimeSpan timeout, Task client)
        {
            var deadline = DateTime.UtcNow + timeout;
            var buffer = new byte[1024];
            while (DateTime.UtcNow < deadline)
            {
                var text = Encoding.ASCII.GetString([.. _pending]);
                if (text.EndsWith(end, StringComparison.Ordinal))
                {
                    return text;
                }

                if (client.IsCompleted)
                {
                    var (code, output, errors) = await (Task<(int, string, string)>)client;
                    Assert.Fail($"the client ended first ({code}): {output} {errors}");
                }

                var fds = new PollFd { Fd = _master, Events = 1 };
                if (poll(ref fds, 1, 100) > 0)
                {
                    var n = read(_master, buffer, buffer.Length);
                    if (n > 0)
                    {
                        _pending.AddRange(buffer.AsSpan(0, (int)n).ToArray());
                    }
                }

                await Task.Yield();
            }

            Assert.Fail($"nothing ending in {end} came out of the tty in {timeout}: {Encoding.ASCII.GetString([.. _pending])}");
            return string.Empty;
        }

        public void Dispose() => close(_master);

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int posix_openpt(int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int grantpt(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int unlockpt(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int ptsname_r(int fd, byte[] buffer, nint length);

        [DllImport("libc", SetLastError = true)]
        private static extern nint read(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        private static extern nint write(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        private static extern int poll(ref PollFd fds, nuint count, int timeout);

        [DllImport("libc")]
        private static extern int close(int fd);
    }
}
