namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

[TestFixture]
public sealed class TelnetSessionNegotiationTests : ReactiveTest
{
    private static byte[] Wire(params object[] parts) =>
        [.. parts.SelectMany(p => p switch
        {
            TelnetVerb v => new[] { (byte)v },
            TelnetOption o => new[] { (byte)o },
            byte b => new[] { b },
            int i => new[] { (byte)i },
            string s => Encoding.ASCII.GetBytes(s),
            _ => throw new ArgumentException("unknown part"),
        })];

    private static (TestScheduler Scheduler, TelnetSession Client, TelnetSession Server, List<string> ClientSent, List<string> ServerSent) Pair(
        TelnetSessionOptions client, TelnetSessionOptions server)
    {
        var scheduler = new TestScheduler();
        var (a, b) = InMemoryTransport.CreatePair(scheduler);
        var c = new TelnetSession(a, client with { Scheduler = scheduler });
        var s = new TelnetSession(b, server with { Scheduler = scheduler });
        var clientSeen = new List<string>();
        var serverSeen = new List<string>();
        c.Commands.Subscribe(cmd => serverSeen.Add(cmd.ToString()));
        s.Commands.Subscribe(cmd => clientSeen.Add(cmd.ToString()));
        c.Start();
        s.Start();
        return (scheduler, c, s, clientSeen, serverSeen);
    }

    [Test]
    public void BackToBack_ServerAsksForCharacterModeAndTerminalInfo_BothSidesAgreeWithoutRedundantReplies()
    {
        var sizes = new BehaviorSubject<WindowSize>(new WindowSize(80, 24));
        var (scheduler, client, server, clientSent, serverSent) = Pair(
            new TelnetSessionOptions
            {
                Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Echo, TelnetOption.SuppressGoAhead).AllowLocal(TelnetOption.Naws, TelnetOption.TerminalType),
                WindowSizes = sizes,
                TerminalTypes = ["XTERM-256COLOR", "VT100"],
            },
            new TelnetSessionOptions
            {
                Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Echo, TelnetOption.SuppressGoAhead).AllowRemote(TelnetOption.Naws, TelnetOption.TerminalType),
            });

        var results = new List<bool>();
        server.RequestLocal(TelnetOption.Echo, true).Subscribe(results.Add);
        server.RequestLocal(TelnetOption.SuppressGoAhead, true).Subscribe(results.Add);
        server.RequestRemote(TelnetOption.Naws, true).Subscribe(results.Add);
        server.RequestRemote(TelnetOption.TerminalType, true).Subscribe(results.Add);
        var terminalTypes = new List<string>();
        server.RemoteTerminalTypes.Subscribe(list => terminalTypes.Add(string.Join(",", list)));
        var windowSizes = new List<WindowSize>();
        server.RemoteWindowSizes.Subscribe(windowSizes.Add);
        scheduler.AdvanceBy(10);
        scheduler.AdvanceBy(10);
        sizes.OnNext(new WindowSize(132, 43));
        scheduler.AdvanceBy(10);

        Assert.That(results, Is.EqualTo(new[] { true, true, true, true }), "every request was accepted");
        Assert.That(client.IsRemoteEnabled(TelnetOption.Echo) && client.IsRemoteEnabled(TelnetOption.SuppressGoAhead), Is.True);
        Assert.That(client.IsLocalEnabled(TelnetOption.Naws) && client.IsLocalEnabled(TelnetOption.TerminalType), Is.True);
        Assert.That(server.IsLocalEnabled(TelnetOption.Echo) && server.IsRemoteEnabled(TelnetOption.Naws), Is.True);
        Assert.That(serverSent, Is.EqualTo(new[]
        {
            "WILL 1 (Echo)", "WILL 3 (SuppressGoAhead)", "DO 31 (Naws)", "DO 24 (TerminalType)",
            "SB 24 (TerminalType) [01]", "SB 24 (TerminalType) [01]", "SB 24 (TerminalType) [01]",
        }), "the server sends each request once, and asks for terminal types until a name repeats");
        Assert.That(terminalTypes, Is.EqualTo(new[] { "XTERM-256COLOR", "XTERM-256COLOR,VT100" }), "the server sees the client's list as it grows");
        Assert.That(windowSizes, Is.EqualTo(new[] { new WindowSize(80, 24), new WindowSize(132, 43) }), "and its window size as it changes");
        Assert.That(clientSent, Is.EqualTo(new[]
        {
            "DO 1 (Echo)", "DO 3 (SuppressGoAhead)", "WILL 31 (Naws)", "SB 31 (Naws) [00 50 00 18]", "WILL 24 (TerminalType)",
            "SB 24 (TerminalType) [00 58 54 45 52 4D 2D 32 35 36 43 4F 4C 4F 52]", "SB 24 (TerminalType) [00 56 54 31 30 30]",
            "SB 24 (TerminalType) [00 56 54 31 30 30]", "SB 31 (Naws) [00 84 00 2B]",
        }), "the client answers each request once, sends its size on agreement and on change, and its terminal types in turn, the last one twice");
    }

    [Test]
    public void RequestRemote_SilentPeer_GivesUpAtNegotiationTimeout()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable<byte[]>());
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, NegotiationTimeout = TimeSpan.FromTicks(500) }).Start();

        var res = scheduler.Start(() => session.RequestRemote(TelnetOption.Naws, true), 100, 200, 10_000);

        res.Messages.AssertEqual(OnNext(700, false), OnCompleted<bool>(700));
        Assert.That(transport.SentBytes, Is.EqualTo(Wire(TelnetVerb.Iac, TelnetVerb.Do, TelnetOption.Naws)), "DO NAWS went out once");
    }

    [Test]
    public void Charset_RequestForSupportedEncoding_AcceptsAndSwitchesTextEncoding()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(
            OnNext(210, Wire(TelnetVerb.Iac, TelnetVerb.Do, TelnetOption.Charset)),
            OnNext(220, Wire(TelnetVerb.Iac, TelnetVerb.Sb, TelnetOption.Charset, 1, ";ISO-8859-9;UTF-8", TelnetVerb.Iac, TelnetVerb.Se)));
        var transport = new ObservableTransport(incoming);
        using var session = new TelnetSession(transport, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Charset),
            Charsets = [Encoding.UTF8],
        }).Start();

        scheduler.AdvanceTo(300);

        Assert.That(transport.SentBytes, Is.EqualTo(Wire(
            TelnetVerb.Iac, TelnetVerb.Will, TelnetOption.Charset,
            TelnetVerb.Iac, TelnetVerb.Sb, TelnetOption.Charset, 2, "UTF-8", TelnetVerb.Iac, TelnetVerb.Se)));
        Assert.That(session.TextEncoding.WebName, Is.EqualTo("utf-8"));
    }

    [Test]
    public void NewEnviron_Send_AnswersOnlyWhatTheApplicationSupplied()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(
            OnNext(210, Wire(TelnetVerb.Iac, TelnetVerb.Do, TelnetOption.NewEnvironment)),
            OnNext(220, Wire(TelnetVerb.Iac, TelnetVerb.Sb, TelnetOption.NewEnvironment, 1, TelnetVerb.Iac, TelnetVerb.Se)));
        var transport = new ObservableTransport(incoming);
        using var session = new TelnetSession(transport, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.NewEnvironment),
            Environment = [new NewEnvironVariable(NewEnvironVariableType.Var, "LANG", "C")],
        }).Start();

        scheduler.AdvanceTo(300);

        Assert.That(transport.SentBytes, Is.EqualTo(Wire(
            TelnetVerb.Iac, TelnetVerb.Will, TelnetOption.NewEnvironment,
            TelnetVerb.Iac, TelnetVerb.Sb, TelnetOption.NewEnvironment, 0, 0, "LANG", 1, "C", TelnetVerb.Iac, TelnetVerb.Se)),
            "no USER or other operating-system value is sent unless supplied");
    }

    [Test]
    public async Task SyncAsync_BackToBack_CompletesWhenPeerAnswersTimingMark()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        using var client = new TelnetSession(a).Start();
        using var server = new TelnetSession(b).Start();

        var answered = await client.SyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(answered, Is.True);
        Assert.That(client.IsRemoteEnabled(TelnetOption.TimingMark), Is.False, "TIMING-MARK never stays enabled (RFC 860)");
    }

    [Test]
    public void OptionStates_EmitSnapshotPerChange()
    {
        var (scheduler, client, server, _, _) = Pair(
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Echo) },
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Echo) });
        var snapshots = new List<string>();
        client.OptionStates.Subscribe(s => snapshots.Add(s.ToString()));

        server.RequestLocal(TelnetOption.Echo, true).Subscribe();
        scheduler.AdvanceBy(10);
        server.RequestLocal(TelnetOption.Echo, false).Subscribe();
        scheduler.AdvanceBy(10);

        Assert.That(snapshots, Is.EqualTo(new[] { "local: ; remote: ", "local: ; remote: Echo", "local: ; remote: " }));
    }
}
