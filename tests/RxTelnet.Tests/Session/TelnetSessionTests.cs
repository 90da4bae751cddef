namespace RxTelnet.Tests.Session;

using System.Reactive;
using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

[TestFixture]
public sealed class TelnetSessionTests : ReactiveTest
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(byte[] b) => Encoding.Latin1.GetString(b);

    private static (TestScheduler Scheduler, ObservableTransport Transport, TelnetSession Session) Create(params Recorded<System.Reactive.Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(messages);
        var transport = new ObservableTransport(incoming);
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        return (scheduler, transport, session);
    }

    [Test]
    public void ReadUntil_MatchAcrossChunks_EmitsAtArrivalAndKeepsRest()
    {
        var (scheduler, _, session) = Create(OnNext(210, B("log")), OnNext(250, B("in: rest")));

        var res = scheduler.Start(() => session.ReadUntil(B("login: "), TimeSpan.FromTicks(1000)).Select(S));

        res.Messages.AssertEqual(OnNext(250, "login: "), OnCompleted<string>(250));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("rest"), "bytes after the match stay queued for the next read");
    }

    [Test]
    public void ReadUntil_NoMatchBeforeTimeout_EmitsWhatArrivedAtDueTime()
    {
        var (scheduler, _, session) = Create(OnNext(210, B("log")), OnNext(260, B("in")));

        var res = scheduler.Start(() => session.ReadUntil(B("login: "), TimeSpan.FromTicks(100)).Select(S));

        res.Messages.AssertEqual(OnNext(300, "login"), OnCompleted<string>(300));
    }

    [Test]
    public void ReadAll_AtEof_WakesTheReaderOnlyAfterTheSessionIsClosedAndItsStreamsCompleted()
    {
        var (scheduler, _, session) = Create(OnNext(210, B("bye")), OnCompleted<byte[]>(220));
        var stateCompleted = false;
        var dataCompleted = false;
        session.State.Subscribe(_ => { }, () => stateCompleted = true);
        session.Data.Subscribe(_ => { }, () => dataCompleted = true);
        TelnetSessionState? seenByReader = null;
        var seenCompletions = (State: false, Data: false);

        session.ReadAll().Subscribe(_ =>
        {
            seenByReader = session.CurrentState;
            seenCompletions = (stateCompleted, dataCompleted);
        });
        scheduler.AdvanceTo(300);

        Assert.That(seenByReader?.Status, Is.EqualTo(TelnetSessionStatus.Closed), "a reader that saw the end can rely on the state saying so");
        Assert.That(seenCompletions, Is.EqualTo((true, true)));
    }

    [Test]
    public void ReadUntil_EofWithNothingBuffered_FailsWithEof()
    {
        var (scheduler, _, session) = Create(OnCompleted<byte[]>(220));

        var res = scheduler.Start(() => session.ReadUntil(B("x"), Timeout.InfiniteTimeSpan).Select(S));

        Assert.That(res.Messages, Has.Count.EqualTo(1));
        Assert.That(res.Messages[0].Time, Is.EqualTo(220));
        Assert.That(res.Messages[0].Value.Exception, Is.TypeOf<TelnetEofException>());
    }

    [Test]
    public void Expect_FirstPatternInListOrderWins()
    {
        var (scheduler, _, session) = Create(OnNext(210, B("abc $ def # ")));

        var res = scheduler.Start(() => session.Expect([new Regex("#"), new Regex(@"\$")], TimeSpan.FromTicks(100)).Select(r => $"{r.Index}:{S(r.Data)}"));

        res.Messages.AssertEqual(OnNext(210, "0:abc $ def #"), OnCompleted<string>(210));
    }

    [Test]
    public void DefaultNegotiation_RefusesRequestsButNotRefusals()
    {
        var (scheduler, transport, session) = Create(OnNext(210, new byte[] { 255, 253, 24, 255, 251, 1, 255, 254, 3, 255, 252, 5 }));
        scheduler.AdvanceTo(300);
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { 255, 252, 24, 255, 254, 1 }), "DONT and WONT for an option that is off need no answer (RFC 1143)");
        GC.KeepAlive(session);
    }

    [Test]
    public void TelnetlibRefusals_AnswersEveryNegotiationLikeTelnetlib()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(210, new byte[] { 255, 253, 24, 255, 251, 1, 255, 254, 3, 255, 252, 5 }));
        var transport = new ObservableTransport(incoming);
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, TelnetlibRefusals = true }).Start();
        scheduler.AdvanceTo(300);
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { 255, 252, 24, 255, 254, 1, 255, 252, 3, 255, 254, 5 }));
    }

    [Test]
    public async Task TwoDefaultSessions_BackToBack_DoNotLoop()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        using var client = new TelnetSession(a).Start();
        using var server = new TelnetSession(b).Start();
        var seen = 0;
        client.Commands.Subscribe(_ => Interlocked.Increment(ref seen));
        await server.SendNegotiationAsync(TelnetVerb.Will, TelnetOption.Echo);
        await server.WriteTextAsync("ready\n");
        await client.ReadUntilAsync(B("ready"), TimeSpan.FromSeconds(10));
        await client.WriteTextAsync("ping\n");
        await server.ReadUntilAsync(B("ping"), TimeSpan.FromSeconds(10));
        await server.WriteTextAsync("done\n");
        await client.ReadUntilAsync(B("done"), TimeSpan.FromSeconds(10));
        Assert.That(seen, Is.EqualTo(1), "the client saw WILL ECHO and nothing more: its DONT was not answered");
    }

    [Test]
    public void Close_CompletesStreamsAndFailsWrites()
    {
        var (scheduler, transport, session) = Create();
        var states = new List<TelnetSessionState>();
        session.State.Subscribe(states.Add);
        session.Close();
        Assert.That(states.Select(s => s.Status), Is.EqualTo(new[] { TelnetSessionStatus.Open, TelnetSessionStatus.Closed }));
        Assert.That(states[^1].Reason, Is.EqualTo(TelnetCloseReason.LocalClose));
        Assert.That(transport.IsClosed, Is.True);
        Assert.ThrowsAsync<TelnetClosedException>(() => session.WriteAsync(B("x")));
        GC.KeepAlive(scheduler);
    }

    [Test]
    public void StateStreams_SubscribedAfterTheClose_GiveTheFinalValueThenComplete()
    {
        var (scheduler, _, session) = Create(OnNext(10, B("hi")), OnCompleted<byte[]>(20));
        scheduler.AdvanceTo(30);
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Closed));

        // A view bound late (a window opened on a finished session) still learns how it ended.
        var state = session.State.Materialize().ToEnumerable().ToArray();
        var secure = session.Secure.Materialize().ToEnumerable().ToArray();
        var options = session.OptionStates.Materialize().ToEnumerable().ToArray();
        var encodings = session.TextEncodings.Materialize().ToEnumerable().ToArray();

        Assert.That(state.Select(n => n.Kind), Is.EqualTo(new[] { NotificationKind.OnNext, NotificationKind.OnCompleted }));
        Assert.That(state[0].Value.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
        Assert.That(secure.Select(n => n.Kind), Is.EqualTo(new[] { NotificationKind.OnNext, NotificationKind.OnCompleted }));
        Assert.That(secure[0].Value, Is.False);
        Assert.That(options.Select(n => n.Kind), Is.EqualTo(new[] { NotificationKind.OnNext, NotificationKind.OnCompleted }));
        Assert.That(encodings.Select(n => n.Kind), Is.EqualTo(new[] { NotificationKind.OnNext, NotificationKind.OnCompleted }));
        Assert.That(encodings[0].Value, Is.SameAs(session.TextEncoding));
    }

    [Test]
    public void Write_DoublesIac()
    {
        var (_, transport, session) = Create();
        var task = session.WriteAsync(new byte[] { 1, 255, 2 });
        Assert.That(task.IsCompletedSuccessfully, Is.True, "the in-memory send completes synchronously");
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { 1, 255, 255, 2 }));
    }

    [Test]
    public async Task InMemoryPair_RoundTrip()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        using var client = new TelnetSession(a).Start();
        using var server = new TelnetSession(b).Start();
        await server.WriteTextAsync("hello\n");
        var line = await client.ReadUntilAsync(B("\r\n"), TimeSpan.FromSeconds(10));
        Assert.That(S(line), Is.EqualTo("hello\r\n"));
        server.Close();
        var rest = await client.ReadAllAsync();
        Assert.That(rest, Is.Empty);
        Assert.That(client.IsEof, Is.True);
    }
}

[TestFixture]
public sealed class TelnetSessionKeepAliveTests : ReactiveTest
{
    [Test]
    public void KeepAlive_QuietLine_SendsNopEveryPeriodAfterLastWrite()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable<byte[]>());
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        var sends = new List<(long Time, string Hex)>();
        transport.Outgoing.Subscribe(b => sends.Add((scheduler.Clock, Convert.ToHexString(b))));

        using var keepAlive = session.KeepAlive(TimeSpan.FromTicks(100));
        scheduler.AdvanceTo(150);
        _ = session.WriteAsync("x"u8.ToArray());
        scheduler.AdvanceTo(400);

        Assert.That(sends, Is.EqualTo(new[] { (100L, "FFF1"), (150L, "78"), (250L, "FFF1"), (350L, "FFF1") }), "a write postpones the next NOP by a full period");
    }

    [Test]
    public void DetectDeadPeer_Silence_ClosesWithDeadPeerAtExactTime()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(50, "a"u8.ToArray()), OnNext(120, "b"u8.ToArray()));
        var transport = new ObservableTransport(incoming);
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        TelnetSessionState? closed = null;
        long closedAt = -1;
        session.State.Subscribe(s =>
        {
            if (s.IsClosed)
            {
                closed = s;
                closedAt = scheduler.Clock;
            }
        });

        using var watch = session.DetectDeadPeer(TimeSpan.FromTicks(100));
        scheduler.AdvanceTo(1000);

        Assert.That(closed?.Reason, Is.EqualTo(TelnetCloseReason.DeadPeer));
        Assert.That(closedAt, Is.EqualTo(220), "100 ticks after the last chunk at 120");
        Assert.That(closed?.Error, Is.TypeOf<TimeoutException>());
    }
}

[TestFixture]
public sealed class TelnetSessionFastPathTests : ReactiveTest
{
    [Test]
    public void ReadUntilAsync_PromptAlreadyQueued_CompletesSynchronouslyAndKeepsRest()
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(10, "a$ b$ c"u8.ToArray())));
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        scheduler.AdvanceTo(20);

        var first = session.ReadUntilAsync("$ "u8.ToArray());
        var second = session.ReadUntilAsync("$ "u8.ToArray());

        Assert.That(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully, Is.True, "queued prompts need no wait");
        Assert.That(System.Text.Encoding.ASCII.GetString(first.Result) + "|" + System.Text.Encoding.ASCII.GetString(second.Result), Is.EqualTo("a$ |b$ "));
        Assert.That(session.BufferedCount, Is.EqualTo(1), "\"c\" stays queued");
    }
}
