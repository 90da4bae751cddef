namespace RxTelnet.Tests.Session;

using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>A session as the LINEMODE client against a scripted server, in virtual time: the exact bytes it answers.</summary>
[TestFixture]
public sealed class LinemodeSessionTests
{
    private const byte Iac = 255, Sb = 250, Se = 240, Lm = 34;

    private static (TestScheduler Scheduler, Subject<byte[]> Server, ObservableTransport Transport, TelnetSession Session) Create(bool allow = true)
    {
        var scheduler = new TestScheduler();
        var server = new Subject<byte[]>();
        var transport = new ObservableTransport(server);
        var policy = allow ? TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Linemode) : TelnetOptionPolicy.RefuseAll;
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, Policy = policy }).Start();
        return (scheduler, server, transport, session);
    }

    private static string Sent(ObservableTransport transport) => Convert.ToHexString(transport.SentBytes);

    [Test]
    public void Server_SetsModeSendsSlcAsksForwardMask_TheClientAnswersByTheRfc()
    {
        var (_, server, transport, session) = Create();
        var modes = new List<LinemodeModes>();
        session.LinemodeChanges.Subscribe(modes.Add);

        server.OnNext([Iac, 253, Lm]);
        Assert.That(Sent(transport), Is.EqualTo("FFFB22"), "WILL LINEMODE");

        server.OnNext([Iac, Sb, Lm, 1, 3, Iac, Se]);
        Assert.That(Sent(transport), Is.EqualTo("FFFB22" + "FFFA22" + "0107" + "FFF0"), "MODE EDIT|TRAPSIG|MODE_ACK");
        Assert.That(session.CurrentLinemode, Is.EqualTo(LinemodeModes.Edit | LinemodeModes.TrapSig));

        server.OnNext([Iac, Sb, Lm, 1, 7, Iac, Se]);
        server.OnNext([Iac, Sb, Lm, 1, 3, Iac, Se]);
        Assert.That(Sent(transport), Has.Length.EqualTo(2 * 10), "an acknowledged or unchanged mode is not answered");

        // SLC: IP moved to DEL, EC to BS, an unknown function; then 255 as a value, doubled on the wire.
        server.OnNext([Iac, Sb, Lm, 3, 3, 2, 0x7F, 10, 2, 0x08, 40, 2, 1, 13, 2, Iac, Iac, Iac, Se]);
        Assert.That(Sent(transport)[20..], Is.EqualTo("FFFA22" + "03" + "03827F" + "0A8208" + "280000" + "0D82FFFF" + "FFF0"));
        Assert.That(session.LocalCharacters[(int)SlcFunction.InterruptProcess - 1].Value, Is.EqualTo(0x7F));

        server.OnNext([Iac, Sb, Lm, 253, 2, Iac, Se]);
        Assert.That(Sent(transport)[^14..], Is.EqualTo("FFFA22" + "FC02" + "FFF0"), "WONT FORWARDMASK");
        Assert.That(modes, Is.EqualTo(new[] { LinemodeModes.None, LinemodeModes.Edit | LinemodeModes.TrapSig }));
        session.Dispose();
    }

    [Test]
    public void Type_InEditMode_SendsALineAndEchoes_ThenCharacterModeAfterDontLinemode()
    {
        var (_, server, transport, session) = Create();
        server.OnNext([Iac, 253, Lm, Iac, Sb, Lm, 1, 3, Iac, Se]);
        var before = transport.SentBytes.Length;

        var echo = session.TypeAsync("lx\x7fs\r"u8.ToArray());
        Assert.That(Encoding.ASCII.GetString(echo.Result), Is.EqualTo("lx\b \bs\r\n"));
        Assert.That(Encoding.ASCII.GetString(transport.SentBytes[before..]), Is.EqualTo("ls\r\n"));

        _ = session.TypeAsync("\x03"u8.ToArray());
        Assert.That(Convert.ToHexString(transport.SentBytes[^2..]), Is.EqualTo("FFF4"), "^C under TRAPSIG is IAC IP");

        _ = session.TypeAsync("half"u8.ToArray());
        server.OnNext([Iac, 254, Lm]);
        Assert.That(Convert.ToHexString(transport.SentBytes[^7..]), Is.EqualTo("FFFC22" + Convert.ToHexString("half"u8)), "WONT LINEMODE, then the half-typed line");
        Assert.That(session.CurrentLinemode, Is.EqualTo(LinemodeModes.None));

        before = transport.SentBytes.Length;
        Assert.That(session.TypeAsync("a\x03"u8.ToArray()).Result, Is.Empty, "no local echo in character mode");
        Assert.That(Convert.ToHexString(transport.SentBytes[before..]), Is.EqualTo("6103"), "keys go out as typed");
        session.Dispose();
    }

    [Test]
    public void LinemodeNotAllowed_RefusedAndItsSubnegotiationsIgnored()
    {
        var (_, server, transport, session) = Create(allow: false);
        server.OnNext([Iac, 253, Lm, Iac, Sb, Lm, 1, 3, Iac, Se, Iac, Sb, Lm, 253, 2, Iac, Se]);
        Assert.That(Sent(transport), Is.EqualTo("FFFC22"), "WONT LINEMODE and nothing else");
        Assert.That(session.CurrentLinemode, Is.EqualTo(LinemodeModes.None));
        session.Dispose();
    }

    [Test]
    public void Close_CompletesLinemodeChanges()
    {
        var (_, _, _, session) = Create();
        var completed = false;
        session.LinemodeChanges.Subscribe(_ => { }, () => completed = true);
        session.Dispose();
        Assert.That(completed, Is.True);
    }
}
