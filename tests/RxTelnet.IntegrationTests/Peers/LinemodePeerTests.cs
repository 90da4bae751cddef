namespace RxTelnet.IntegrationTests.Peers;

using System.Reactive.Subjects;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>LINEMODE against inetutils telnetd, which offers it (DO LINEMODE) and sets a MODE right away.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class LinemodePeerTests
{
    [Test]
    public async Task Inetutils_LinemodeAllowed_ModeAcknowledged_ServerDecisionsFollowed_LoginWorks()
    {
        var options = new TelnetSessionOptions
        {
            Policy = TelnetOptionPolicy.RefuseAll
                .AllowLocal(TelnetOption.TerminalType, TelnetOption.Naws, TelnetOption.Linemode)
                .AllowRemote(TelnetOption.Echo, TelnetOption.SuppressGoAhead)
                .Allow(TelnetOption.SuppressGoAhead),
            TerminalTypes = ["XTERM"],
            WindowSizes = new BehaviorSubject<WindowSize>(new WindowSize(80, 24)),
        };
        var sent = new List<byte>();
        var fromServer = new List<string>();
        var modes = new List<LinemodeModes>();
        await using var session = await Peer.ConnectAsync("INETUTILS", options, s =>
        {
            s.RawSent.Subscribe(b => { lock (sent) { sent.AddRange(b); } });
            s.Commands.Subscribe(c => { lock (fromServer) { fromServer.Add(c.ToString()); } });
            s.LinemodeChanges.Subscribe(m => { lock (modes) { modes.Add(m); } });
        });

        await session.LoginAsync();
        Assert.That(await session.RunAsync("echo linemode"), Is.EqualTo("linemode"));

        var wire = Convert.ToHexString([.. sent]);
        var will = wire.IndexOf("FFFB22", StringComparison.Ordinal);
        var ack = wire.IndexOf("FFFA220107FFF0", StringComparison.Ordinal);
        Assert.That(fromServer, Does.Contain("SB 34 (Linemode) [01 03]"), "telnetd asks for EDIT and TRAPSIG: " + string.Join(", ", fromServer));
        Assert.That(will, Is.GreaterThanOrEqualTo(0), "WILL LINEMODE: " + wire);
        Assert.That(ack, Is.GreaterThan(will), "MODE EDIT|TRAPSIG|MODE_ACK after it: " + wire);
        Assert.That(modes[..2], Is.EqualTo(new[] { LinemodeModes.None, LinemodeModes.Edit | LinemodeModes.TrapSig }));
        if (fromServer.Contains("DONT 34 (Linemode)"))
        {
            // telnetd leaves LINEMODE when its pty is not in canonical mode (the test login program reads raw).
            Assert.That(wire.IndexOf("FFFC22", StringComparison.Ordinal), Is.GreaterThan(ack), "WONT LINEMODE answers DONT");
            Assert.That(session.CurrentLinemode, Is.EqualTo(LinemodeModes.None));
        }

        await session.ExitAsync();
    }
}
