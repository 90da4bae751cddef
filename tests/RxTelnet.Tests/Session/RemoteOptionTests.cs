namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// What a peer tells about itself as observables, subnegotiations held until agreed, CHARSET requests of our own and
/// the AYT answer: two sessions back to back in virtual time.
/// </summary>
[TestFixture]
public sealed class RemoteOptionTests
{
    private static readonly TimeSpan Negotiation = TimeSpan.FromTicks(1_000);

    private static (TestScheduler Scheduler, TelnetSession Client, TelnetSession Server, List<string> ClientSent, List<string> ServerSent) Pair(
        TelnetSessionOptions client, TelnetSessionOptions server, bool listenerServer = true)
    {
        var scheduler = new TestScheduler();
        var (a, b) = InMemoryTransport.CreatePair(scheduler);
        var c = new TelnetSession(a, client with { Scheduler = scheduler, NegotiationTimeout = Negotiation });
        var s = new TelnetSession(b, server with { Scheduler = scheduler, NegotiationTimeout = Negotiation });
        if (listenerServer)
        {
            s.MarkListenerSession();
        }

        var clientSent = new List<string>();
        var serverSent = new List<string>();
        c.Events.Subscribe(e => serverSent.Add(e.ToString()));
        s.Events.Subscribe(e => clientSent.Add(e.ToString()));
        c.Start();
        s.Start();
        return (scheduler, c, s, clientSent, serverSent);
    }

    [Test]
    public void Gmcp_SentRightAfterTheRequest_IsHeldUntilTheClientAgrees_ThenFollowsTheAgreement()
    {
        var (scheduler, client, server, _, serverSent) = Pair(
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Gmcp) },
            new TelnetSessionOptions());
        using var disposeClient = client;
        using var disposeServer = server;

        server.RequestLocal(TelnetOption.Gmcp, true).Subscribe();
        var hello = server.SendGmcpAsync("Core.Hello", "{}");
        Assert.That(hello.IsCompleted, Is.False, "held: the client has not agreed yet");
        Assert.That(serverSent, Is.Empty.Or.EqualTo(new[] { "WILL 201 (Gmcp)" }));

        scheduler.AdvanceBy(10);

        Assert.That(hello.IsCompletedSuccessfully, Is.True);
        Assert.That(serverSent, Is.EqualTo(new[] { "WILL 201 (Gmcp)", "SB 201 (Gmcp) [43 6F 72 65 2E 48 65 6C 6C 6F 20 7B 7D]" }));
    }

    [Test]
    public void Gmcp_RefusedByTheClient_FailsTyped_AndNothingIsSent()
    {
        var (scheduler, client, server, _, serverSent) = Pair(new TelnetSessionOptions(), new TelnetSessionOptions());
        using var disposeClient = client;
        using var disposeServer = server;

        server.RequestLocal(TelnetOption.Gmcp, true).Subscribe();
        var hello = server.SendGmcpAsync("Core.Hello");
        scheduler.AdvanceBy(10);

        Assert.That(hello.IsFaulted, Is.True);
        var error = hello.Exception!.InnerException as TelnetOptionNotAgreedException;
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Option, Is.EqualTo(TelnetOption.Gmcp));
        Assert.That(error.Message, Does.Contain("201").And.Contain("refused"));
        Assert.That(serverSent, Is.EqualTo(new[] { "WILL 201 (Gmcp)" }));
    }

    [Test]
    public void Subnegotiation_ForAnOptionNobodyAskedFor_FailsAtOnce()
    {
        var (_, client, server, _, serverSent) = Pair(new TelnetSessionOptions(), new TelnetSessionOptions());
        using var disposeClient = client;
        using var disposeServer = server;

        var send = server.SendSubnegotiationAsync(TelnetOption.Mssp, new byte[] { 1, 2 });

        Assert.That(send.IsFaulted, Is.True);
        Assert.That(send.Exception!.InnerException, Is.TypeOf<TelnetOptionNotAgreedException>().With.Message.Contains("RequestLocal"));
        Assert.That(serverSent, Is.Empty);
    }

    [Test]
    public void Held_SilentPeer_FailsAtTheNegotiationTimeout()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable<byte[]>());
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, NegotiationTimeout = Negotiation }).Start();

        session.RequestLocal(TelnetOption.Gmcp, true).Subscribe();
        var hello = session.SendGmcpAsync("Core.Hello");
        scheduler.AdvanceBy(Negotiation.Ticks - 1);
        Assert.That(hello.IsCompleted, Is.False);
        scheduler.AdvanceBy(1);

        Assert.That(hello.Exception?.InnerException, Is.TypeOf<TelnetOptionNotAgreedException>().With.Message.Contains("did not settle"));
        Assert.That(scheduler.IsEnabled, Is.False);
    }

    [Test]
    public void Held_SessionCloses_FailsClosed()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable<byte[]>());
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, NegotiationTimeout = Negotiation }).Start();

        session.RequestLocal(TelnetOption.Gmcp, true).Subscribe();
        var hello = session.SendGmcpAsync("Core.Hello");
        session.Dispose();

        Assert.That(hello.Exception?.InnerException, Is.TypeOf<TelnetClosedException>());
    }

    [Test]
    public void Held_Cancelled_IsCanceled_AndNotSentLater()
    {
        var (scheduler, client, server, _, serverSent) = Pair(
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Gmcp) },
            new TelnetSessionOptions());
        using var disposeClient = client;
        using var disposeServer = server;
        using var cts = new CancellationTokenSource();

        server.RequestLocal(TelnetOption.Gmcp, true).Subscribe();
        var hello = server.SendGmcpAsync("Core.Hello", cancellationToken: cts.Token);
        cts.Cancel();
        scheduler.AdvanceBy(10);

        Assert.That(hello.IsCanceled, Is.True);
        Assert.That(serverSent, Is.EqualTo(new[] { "WILL 201 (Gmcp)" }));
    }

    [Test]
    public void RemoteEnvironment_TheServerAsksOnAgreement_AndSeesIsThenInfo()
    {
        var (scheduler, client, server, _, _) = Pair(
            new TelnetSessionOptions
            {
                Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.NewEnvironment),
                Environment = [new NewEnvironVariable(NewEnvironVariableType.Var, "USER", "ada"), new NewEnvironVariable(NewEnvironVariableType.UserVar, "LANG", "en")],
            },
            new TelnetSessionOptions());
        using var disposeClient = client;
        using var disposeServer = server;
        var seen = new List<string>();

        server.RequestRemote(TelnetOption.NewEnvironment, true).Subscribe();
        scheduler.AdvanceBy(10);
        server.RemoteEnvironment.Subscribe(env => seen.Add(string.Join(",", env.OrderBy(static p => p.Key).Select(static p => $"{p.Key}={p.Value}"))));
        _ = client.SendSubnegotiationAsync(TelnetOption.NewEnvironment, NewEnviron.Encode(NewEnvironCommand.Info, [new NewEnvironVariable(NewEnvironVariableType.UserVar, "LANG", null)]));
        scheduler.AdvanceBy(10);

        Assert.That(seen, Is.EqualTo(new[] { "LANG=en,USER=ada", "USER=ada" }), "a late subscriber gets the latest first; INFO without a value removes it");
    }

    [Test]
    public void RemoteValues_AfterTheSessionClosed_ReplayTheLastAndComplete()
    {
        var sizes = new System.Reactive.Subjects.BehaviorSubject<WindowSize>(new WindowSize(100, 30));
        var (scheduler, client, server, _, _) = Pair(
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Naws), WindowSizes = sizes },
            new TelnetSessionOptions());
        using var disposeClient = client;

        server.RequestRemote(TelnetOption.Naws, true).Subscribe();
        scheduler.AdvanceBy(10);
        server.Dispose();

        var seen = new List<string>();
        server.RemoteWindowSizes.Subscribe(s => seen.Add(s.ToString()), () => seen.Add("completed"));
        server.RemoteTerminalTypes.Subscribe(t => seen.Add("types"), () => seen.Add("types completed"));
        Assert.That(seen, Is.EqualTo(new[] { "WindowSize { Width = 100, Height = 30 }", "completed", "types completed" }));
    }

    [Test]
    public void RemoteTerminalTypes_StopAtTheLimit_ForAClientThatNeverRepeats()
    {
        var scheduler = new TestScheduler();
        var feed = new List<byte> { 255, 251, 24 };
        for (var i = 0; i < TelnetSession.MaxRemoteTerminalTypes + 5; i++)
        {
            feed.AddRange(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeIs($"T{i}")));
        }

        var transport = new ObservableTransport(scheduler.CreateHotObservable(ReactiveTest.OnNext(10, feed.ToArray())));
        using var server = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        var lists = new List<int>();
        server.RemoteTerminalTypes.Subscribe(l => lists.Add(l.Count));
        server.RequestRemote(TelnetOption.TerminalType, true).Subscribe();
        scheduler.AdvanceBy(20);

        var sends = System.Text.Encoding.Latin1.GetString(transport.SentBytes).Split("\xff\xfa\x18\x01").Length - 1;
        Assert.That(lists.Last(), Is.EqualTo(TelnetSession.MaxRemoteTerminalTypes));
        Assert.That(sends, Is.EqualTo(TelnetSession.MaxRemoteTerminalTypes), "one SEND on agreement and one per new name, up to the limit");
    }

    [Test]
    public void RemoteTerminalTypes_ANameNoTerminalHas_EndsTheCycleUnrecorded()
    {
        var scheduler = new TestScheduler();
        var feed = new List<byte> { 255, 251, 24 };
        feed.AddRange(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeIs("XTERM")));
        feed.AddRange(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeIs(new string('A', TelnetSession.MaxRemoteTerminalTypeLength))));
        feed.AddRange(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeIs(new string('B', TelnetSession.MaxRemoteTerminalTypeLength + 1))));

        var transport = new ObservableTransport(scheduler.CreateHotObservable(ReactiveTest.OnNext(10, feed.ToArray())));
        using var server = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        IReadOnlyList<string> last = [];
        server.RemoteTerminalTypes.Subscribe(l => last = l);
        server.RequestRemote(TelnetOption.TerminalType, true).Subscribe();
        scheduler.AdvanceBy(20);

        var sends = System.Text.Encoding.Latin1.GetString(transport.SentBytes).Split("\xff\xfa\x18\x01").Length - 1;
        Assert.That(last.Select(static n => n.Length), Is.EqualTo(new[] { 5, TelnetSession.MaxRemoteTerminalTypeLength }), "the name at the limit is kept, the one past it is not");
        Assert.That(sends, Is.EqualTo(3), "SEND on agreement and after each kept name, none after the long one");
    }

    [Test]
    public void RemoteEnvironment_HugeValues_StopAtTheSizeLimit_AndRemovalsMakeRoom()
    {
        // 256 variables of 60,000 characters each would keep ~30 MiB per session; the size limit keeps 64 Ki characters.
        var scheduler = new TestScheduler();
        var feed = new List<byte> { 255, 251, 39 };
        var value = new string('v', 30_000);
        byte[] Info(string name, string? v) => TelnetEncoder.Subnegotiation(
            TelnetOption.NewEnvironment,
            NewEnviron.Encode(NewEnvironCommand.Info, [new NewEnvironVariable(NewEnvironVariableType.UserVar, name, v)]));
        feed.AddRange(Info("A", value));
        feed.AddRange(Info("B", value));
        feed.AddRange(Info("C", value));                                           // past the limit: ignored
        feed.AddRange(Info("A", value + new string('w', 10_000)));                 // a grown value past it: old one kept
        feed.AddRange(Info("D", new string('d', TelnetSession.MaxRemoteEnvironmentLength - 60_002 - 1)));  // exactly to the limit
        feed.AddRange(Info("E", "e"));                                             // one past: ignored
        feed.AddRange(Info("B", null));                                            // removal frees its room
        feed.AddRange(Info("F", value));

        var transport = new ObservableTransport(scheduler.CreateHotObservable(ReactiveTest.OnNext(10, feed.ToArray())));
        using var server = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        IReadOnlyDictionary<string, string> last = new Dictionary<string, string>();
        server.RemoteEnvironment.Subscribe(env => last = env);
        server.RequestRemote(TelnetOption.NewEnvironment, true).Subscribe();
        scheduler.AdvanceBy(20);

        Assert.That(last.Keys.Order(), Is.EqualTo(new[] { "A", "D", "F" }));
        Assert.That(last["A"], Is.EqualTo(value));
        Assert.That(last.Sum(static p => p.Key.Length + p.Value.Length), Is.LessThanOrEqualTo(TelnetSession.MaxRemoteEnvironmentLength));
    }

    [Test]
    public void TerminalTypes_OptionNegotiatedAgain_StartsTheListOver()
    {
        // RFC 1091: the first name after TTYPE is agreed is the preferred one; a server that turns the option off
        // and on again (or renegotiates after START-TLS) must get it again, not the next name of the old cycle.
        var scheduler = new TestScheduler();
        byte[] send = [255, 250, 24, 1, 255, 240];
        var transport = new ObservableTransport(scheduler.CreateHotObservable(
            ReactiveTest.OnNext(10, (byte[])[255, 253, 24, .. send]),
            ReactiveTest.OnNext(20, (byte[])[255, 254, 24]),
            ReactiveTest.OnNext(30, (byte[])[255, 253, 24, .. send, .. send])));
        using var client = new TelnetSession(transport, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.TerminalType),
            TerminalTypes = ["A", "B"],
        }).Start();
        scheduler.AdvanceBy(40);

        var names = System.Text.Encoding.Latin1.GetString(transport.SentBytes).Split("\xff\xfa\x18\x00").Skip(1).Select(static p => p[..p.IndexOf('\xff')]);
        Assert.That(names, Is.EqualTo(new[] { "A", "A", "B" }));
    }

    [Test]
    public async Task RequestCharset_Accepted_SwitchesBothSides_Rejected_ReturnsNull()
    {
        var (scheduler, client, server, _, _) = Pair(
            new TelnetSessionOptions(),
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Charset), Charsets = [Encoding.UTF8] });
        using var disposeClient = client;
        using var disposeServer = server;

        client.RequestLocal(TelnetOption.Charset, true).Subscribe();
        var accepted = client.RequestCharsetAsync([Encoding.Latin1, Encoding.UTF8]);
        scheduler.AdvanceBy(10);

        Assert.That(accepted.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That((await accepted)!.WebName, Is.EqualTo("utf-8"));
        Assert.That(client.TextEncoding.WebName, Is.EqualTo("utf-8"));
        Assert.That(server.TextEncoding.WebName, Is.EqualTo("utf-8"));

        var rejected = client.RequestCharsetAsync([Encoding.Unicode]);
        scheduler.AdvanceBy(10);
        Assert.That(rejected.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(await rejected, Is.Null);
        Assert.That(client.TextEncoding.WebName, Is.EqualTo("utf-8"), "a rejection switches nothing");
    }

    [Test]
    public void RequestCharset_PeerSilent_ReturnsNullAtTheNegotiationTimeout()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(ReactiveTest.OnNext(5, new byte[] { 255, 253, 42 }));
        using var session = new TelnetSession(new ObservableTransport(incoming), new TelnetSessionOptions
        {
            Scheduler = scheduler,
            NegotiationTimeout = Negotiation,
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Charset),
        }).Start();
        scheduler.AdvanceTo(10);

        var request = session.RequestCharsetAsync([Encoding.UTF8]);
        scheduler.AdvanceBy(Negotiation.Ticks - 1);
        Assert.That(request.IsCompleted, Is.False);
        scheduler.AdvanceBy(1);
        Assert.That(request.Wait(TimeSpan.FromSeconds(10)) && request.Result is null, Is.True);
    }

    [TestCase(true, null, "\r\n[Yes]\r\n")]
    [TestCase(false, null, "")]
    [TestCase(false, "here\r\n", "here\r\n")]
    [TestCase(true, "", "")]
    public void AreYouThere_AnsweredAsConfigured(bool listenerSession, string? reply, string expected)
    {
        var (scheduler, client, server, _, serverSent) = Pair(new TelnetSessionOptions(), new TelnetSessionOptions { AreYouThereReply = reply }, listenerSession);
        using var disposeClient = client;
        using var disposeServer = server;
        var received = new StringBuilder();
        client.Data.Subscribe(d => received.Append(Encoding.Latin1.GetString(d.Span)));

        _ = client.SendCommandAsync(TelnetVerb.AreYouThere);
        scheduler.AdvanceBy(10);

        Assert.That(received.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void RemoteEnvironment_AFloodOfNewNames_StopsAtTheLimit()
    {
        var scheduler = new TestScheduler();
        var feed = new List<byte> { 255, 251, 39 };
        for (var i = 0; i < TelnetSession.MaxRemoteEnvironmentVariables + 50; i++)
        {
            feed.AddRange(TelnetEncoder.Subnegotiation(
                TelnetOption.NewEnvironment,
                NewEnviron.Encode(NewEnvironCommand.Info, [new NewEnvironVariable(NewEnvironVariableType.UserVar, $"V{i}", "x")])));
        }

        var transport = new ObservableTransport(scheduler.CreateHotObservable(ReactiveTest.OnNext(10, feed.ToArray())));
        using var server = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        var last = 0;
        server.RemoteEnvironment.Subscribe(env => last = env.Count);
        server.RequestRemote(TelnetOption.NewEnvironment, true).Subscribe();
        scheduler.AdvanceBy(20);

        Assert.That(last, Is.EqualTo(TelnetSession.MaxRemoteEnvironmentVariables));
    }
}
