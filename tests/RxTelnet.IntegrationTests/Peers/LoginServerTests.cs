namespace RxTelnet.IntegrationTests.Peers;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;

[TestFixture]
[Category("Peers")]
public sealed class LoginServerTests
{
    private static TelnetSessionOptions Accepting(BehaviorSubject<WindowSize> sizes) => new()
    {
        Policy = TelnetOptionPolicy.RefuseAll
            .AllowLocal(TelnetOption.TerminalType, TelnetOption.Naws)
            .AllowRemote(TelnetOption.Echo, TelnetOption.SuppressGoAhead)
            .Allow(TelnetOption.SuppressGoAhead),
        TerminalTypes = ["XTERM"],
        WindowSizes = sizes,
    };

    [TestCase("BUSYBOX")]
    [TestCase("INETUTILS")]
    public async Task Login_RefusingEveryOption_RunsCommandsAndSeesEof(string peer)
    {
        await using var session = await Peer.ConnectAsync(peer);

        var banner = await session.LoginAsync();

        Assert.That(banner, Does.Contain("RxTelnet test login"));
        Assert.That(await session.RunAsync("echo hello"), Is.EqualTo("hello"));
        Assert.That(await session.RunAsync("size"), Is.EqualTo("0 0"), "no NAWS was sent");
        await session.ExitAsync();
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
    }

    [Test]
    public async Task Inetutils_TerminalTypeAndWindowSizeAccepted_ServerSeesThem()
    {
        var sizes = new BehaviorSubject<WindowSize>(new WindowSize(100, 30));
        var sent = new List<byte[]>();
        await using var session = await Peer.ConnectAsync("INETUTILS", Accepting(sizes), s => s.RawSent.Subscribe(sent.Add));

        await session.LoginAsync();

        Assert.That(await session.RunAsync("term"), Is.EqualTo("xterm"), "telnetd sets TERM from TTYPE, lower-cased");
        Assert.That(await session.RunAsync("size"), Is.EqualTo("30 100"), "telnetd applied the NAWS size");
        sizes.OnNext(new WindowSize(120, 40));
        await session.SyncAsync();
        Assert.That(await session.RunAsync("size"), Is.EqualTo("40 120"), "a size change is sent at once");

        Assert.That(session.IsLocalEnabled(TelnetOption.TerminalType) && session.IsLocalEnabled(TelnetOption.Naws), Is.True);
        Assert.That(session.IsRemoteEnabled(TelnetOption.Echo) && session.IsRemoteEnabled(TelnetOption.SuppressGoAhead), Is.True);
        Assert.That(session.IsRemoteEnabled(TelnetOption.Linemode) || session.IsLocalEnabled(TelnetOption.Linemode), Is.False, "LINEMODE refused");

        var negotiations = Negotiations(sent);
        Assert.That(negotiations, Is.Unique, "no negotiation reply was sent twice: " + string.Join(", ", negotiations));
        await session.ExitAsync();
    }

    [Test]
    public async Task Busybox_WindowSizeAccepted_ServerSeesIt()
    {
        var sizes = new BehaviorSubject<WindowSize>(new WindowSize(90, 33));
        await using var session = await Peer.ConnectAsync("BUSYBOX", Accepting(sizes));

        await session.LoginAsync();

        Assert.That(await session.RunAsync("size"), Is.EqualTo("33 90"));
        await session.ExitAsync();
    }

    private static List<string> Negotiations(IEnumerable<byte[]> chunks)
    {
        var parser = new TelnetParser();
        var collector = new Collector { Found = [] };
        foreach (var chunk in chunks)
        {
            parser.Parse(chunk, ref collector);
        }

        return collector.Found;
    }

    private struct Collector : ITelnetParserHandler
    {
        public List<string> Found;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
        }

        public readonly void OnCommand(TelnetVerb verb)
        {
        }

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) => Found.Add($"{verb} {option}");

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
        }

        public readonly void OnWarning(TelnetWarning warning)
        {
        }
    }
}
