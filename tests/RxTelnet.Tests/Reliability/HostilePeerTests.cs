namespace RxTelnet.Tests.Reliability;

using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;
using static RxTelnet.Tests.Reliability.Hostile;

/// <summary>Peers that send what no well-behaved peer sends, in virtual time: each gets a clear, bounded outcome.</summary>
[TestFixture]
public sealed class HostilePeerTests : LeakCheckedTest
{
    private static (TestScheduler Scheduler, ObservableTransport Transport, TelnetSession Session) Create(
        IObservable<byte[]> incoming, TestScheduler scheduler, TelnetSessionOptions? options = null)
    {
        var transport = new ObservableTransport(incoming);
        var session = new TelnetSession(transport, (options ?? TelnetSessionOptions.Default) with { Scheduler = scheduler });
        return (scheduler, transport, session);
    }

    private static (TestScheduler Scheduler, ObservableTransport Transport, TelnetSession Session) Create(
        TelnetSessionOptions? options, params Recorded<Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        return Create(scheduler.CreateHotObservable(messages), scheduler, options);
    }

    [Test]
    public void Parser_SbWithoutEnd_BufferNeverAboveLimitAndTruncatedAtEof()
    {
        const int limit = 4096;
        var parser = new TelnetParser(new TelnetParserOptions { MaxSubnegotiationLength = limit });
        var handler = CountingHandler.Create();
        parser.Parse([Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.TerminalType], ref handler);

        // 10 MB of payload in odd-sized chunks, never an IAC: the peer just never ends the subnegotiation.
        var chunk = Enumerable.Repeat((byte)'x', 997).ToArray();
        var largest = 0;
        for (var i = 0; i < 10_000; i++)
        {
            parser.Parse(chunk, ref handler);
            largest = Math.Max(largest, SbBufferCapacity(parser));
        }

        Assert.That(parser.State, Is.EqualTo(TelnetParserState.SbData), "still inside the subnegotiation after 10 MB");
        Assert.That(largest, Is.GreaterThan(0).And.LessThanOrEqualTo(limit), "the payload was buffered while under the limit, and the buffer never grew past it");
        Assert.That(handler.Warnings, Is.EqualTo(new[] { new TelnetWarning(TelnetWarningKind.SubnegotiationTooLong, TelnetOption.TerminalType) }), "one warning when the limit is passed, not one per chunk");
        Assert.That(handler.DataBytes, Is.Zero, "nothing of the payload leaks into the data stream");

        Assert.That(parser.Complete(ref handler), Is.False, "the stream ended inside a sequence");
        Assert.That(handler.Warnings[^1], Is.EqualTo(new TelnetWarning(TelnetWarningKind.TruncatedSequence, TelnetOption.TerminalType)));
        Assert.That(handler.Subnegotiations, Is.Empty);
    }

    [Test]
    public void Session_SbWithoutEnd_WarnsThenTruncatedAtEof_MemoryBounded()
    {
        // IAC SB TTYPE, then 64 MiB of payload in 64 KiB chunks (one per tick, made lazily), then end of stream.
        const int chunks = 1024;
        var scheduler = new TestScheduler();
        var incoming = Observable.Generate(
            0,
            i => i <= chunks,
            i => i + 1,
            i => i == 0 ? [Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.TerminalType] : new byte[64 * 1024],
            _ => TimeSpan.FromTicks(1),
            scheduler);
        var (_, _, session) = Create(incoming, scheduler);
        var events = scheduler.CreateObserver<string>();
        session.Events.Select(Describe).Subscribe(events);
        var before = LiveBytes();

        session.Start();
        scheduler.Start();

        var growth = LiveBytes() - before;
        TestContext.Out.WriteLine($"64 MiB of unterminated payload; live growth {growth} bytes");
        Assert.That(events.Messages.Select(static m => m.Value.Kind == NotificationKind.OnNext ? m.Value.Value : m.Value.Kind.ToString()), Is.EqualTo(new[]
        {
            "W:SubnegotiationTooLong:24",
            "W:TruncatedSequence:24",
            "OnCompleted",
        }), "one warning at the limit, one at end of stream, then completion; nothing else");
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
        Assert.That(growth, Is.LessThan(4 * 1024 * 1024), $"64 MiB of unterminated payload left {growth} bytes live");
    }

    [Test]
    public void Session_SbLargerThanLimit_DiscardedWithWarningAndFollowingDataIntact()
    {
        // 17 payload bytes (one of them an escaped IAC) against a 16-byte limit, then data, a negotiation and a small SB.
        byte[] wire =
        [
            Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.TerminalType, .. B("0123456789abcdef"), Iac, Iac, Iac, (byte)TelnetVerb.Se,
            .. B("login: "), Iac, (byte)TelnetVerb.Do, (byte)TelnetOption.Echo,
            Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.Naws, 0, 80, 0, 24, Iac, (byte)TelnetVerb.Se,
        ];
        var options = new TelnetSessionOptions { Parser = new TelnetParserOptions { MaxSubnegotiationLength = 16 } };

        for (var split = 1; split < wire.Length; split++)
        {
            var (scheduler, transport, session) = Create(options, OnNext(210, wire[..split]), OnNext(220, wire[split..]));
            var events = new List<string>();
            session.Events.Select(Describe).Subscribe(events.Add);
            session.Start();
            scheduler.AdvanceTo(300);

            Assert.That(MergeData(events), Is.EqualTo(new[] { "W:SubnegotiationTooLong:24", "D:login: ", "N:Do:1", "S:31:00500018" }), $"split at {split}");
            Assert.That(S(session.ReadBuffered()), Is.EqualTo("login: "), "the data after the discarded subnegotiation is queued for reads");
            Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, (byte)TelnetVerb.Wont, (byte)TelnetOption.Echo }), "the negotiation after it is answered");
        }
    }

    [Test]
    public void Session_EndlessNegotiationToggling_AnswersOnlyDoAndWill()
    {
        // 10,000 rounds of DO ECHO, DONT ECHO, WILL SGA, WONT SGA: a peer that flips options as fast as it can.
        const int rounds = 10_000;
        byte[] round = [Iac, 253, 1, Iac, 254, 1, Iac, 251, 3, Iac, 252, 3];
        var (scheduler, transport, session) = Create(null, OnNext(210, Repeat(round, rounds / 2)), OnNext(220, Repeat(round, rounds / 2)));
        var commands = 0;
        session.Commands.Subscribe(_ => commands++);
        session.Start();
        scheduler.AdvanceTo(300);

        Assert.That(commands, Is.EqualTo(4 * rounds));
        Assert.That(transport.SentBytes, Is.EqualTo(Repeat([Iac, 252, 1, Iac, 254, 3], rounds)),
            "exactly one refusal per DO and per WILL; DONT and WONT for an option that is off go unanswered (RFC 1143)");
    }

    [Test]
    public void Session_EndlessNegotiationTogglingWithTelnetlibRefusals_OneReplyPerCommand()
    {
        const int rounds = 10_000;
        byte[] round = [Iac, 253, 1, Iac, 254, 1, Iac, 251, 3, Iac, 252, 3];
        var (scheduler, transport, session) = Create(new TelnetSessionOptions { TelnetlibRefusals = true }, OnNext(210, Repeat(round, rounds)));
        session.Start();
        scheduler.AdvanceTo(300);

        Assert.That(transport.SentBytes, Is.EqualTo(Repeat([Iac, 252, 1, Iac, 252, 1, Iac, 254, 3, Iac, 254, 3], rounds)),
            "telnetlib answers every negotiation: still bounded, one reply per command received");
    }

    [TestCase(false, ExpectedResult = 4)]
    [TestCase(true, ExpectedResult = -1)]
    public int Sessions_BackToBackBothRefusing_SettleUnlessTelnetlibStyle(bool telnetlibRefusals)
    {
        // Two sessions over an in-memory pair. With RFC 1143 refusals the exchange settles after one answer each;
        // two telnetlib-style peers answer each other's refusals for ever, which the guard turns into -1.
        const int guard = 1000;
        var scheduler = new TestScheduler();
        var (a, b) = InMemoryTransport.CreatePair(scheduler);
        var options = new TelnetSessionOptions { Scheduler = scheduler, TelnetlibRefusals = telnetlibRefusals };
        using var client = new TelnetSession(a, options);
        using var server = new TelnetSession(b, options);
        var chunks = 0;
        var commands = new List<string>();
        void Count(string who, TelnetCommand c)
        {
            commands.Add($"{who}:{c.Verb}:{(byte)c.Option!.Value}");
            if (++chunks > guard)
            {
                scheduler.Stop();
            }
        }

        client.Commands.Subscribe(c => Count("client", c));
        server.Commands.Subscribe(c => Count("server", c));
        client.Start();
        server.Start();
        _ = client.SendNegotiationAsync(TelnetVerb.Do, TelnetOption.Echo);
        _ = server.SendNegotiationAsync(TelnetVerb.Will, TelnetOption.SuppressGoAhead);
        scheduler.AdvanceBy(1000);

        if (chunks > guard)
        {
            return -1;
        }

        Assert.That(commands, Is.EquivalentTo(new[] { "server:Do:1", "client:Wont:1", "client:Will:3", "server:Dont:3" }));
        return commands.Count;
    }

    [Test]
    public void Session_IacAtEof_WarningThenCompletion()
    {
        var (scheduler, _, session) = Create(null, OnNext<byte[]>(210, [.. B("prompt> "), Iac]), OnCompleted<byte[]>(220));
        var events = scheduler.CreateObserver<string>();
        session.Events.Select(Describe).Subscribe(events);
        session.Start();
        scheduler.AdvanceTo(300);

        events.Messages.AssertEqual(
            OnNext(210, "D:prompt> "),
            OnNext(220, "W:TruncatedSequence:-1"),
            OnCompleted<string>(220));
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("prompt> "), "the data before the cut-off sequence is kept");
    }

    [Test]
    public void Session_FloodWithoutPrompt_ReadUntilFailsWithBufferLimit_MemoryBounded()
    {
        // 1 GiB offered in 64 KiB chunks, one per tick, made lazily; the session may hold 1 MiB.
        const int chunkSize = 64 * 1024;
        const int oneGiBOfChunks = 16 * 1024;
        const int limit = 1024 * 1024;
        var scheduler = new TestScheduler();
        var generated = 0;
        var incoming = Observable.Generate(0, i => i < oneGiBOfChunks, i => i + 1, _ =>
        {
            generated++;
            return new byte[chunkSize];
        }, _ => TimeSpan.FromTicks(1), scheduler);
        var (_, _, session) = Create(incoming, scheduler, new TelnetSessionOptions { MaxBufferedBytes = limit });
        var read = scheduler.CreateObserver<byte[]>();
        var arrivals = new List<long>();
        session.RawReceived.Subscribe(_ => arrivals.Add(scheduler.Clock));
        var before = LiveBytes();

        session.Start();
        session.ReadUntil(B("$ "), Timeout.InfiniteTimeSpan).Subscribe(read);
        scheduler.Start();

        var growth = LiveBytes() - before;
        TestContext.Out.WriteLine($"1 GiB offered, {arrivals.Count} chunks received, {generated} generated; live growth {growth} bytes");
        var fitting = limit / chunkSize;
        Assert.That(read.Messages, Has.Count.EqualTo(1));
        Assert.That(arrivals, Has.Count.EqualTo(fitting + 1), "closing the session stopped the source: no chunk past the one that did not fit");
        Assert.That(read.Messages[0].Time, Is.EqualTo(arrivals[fitting]), "the read fails when the chunk that does not fit arrives");
        var error = read.Messages[0].Value.Exception;
        Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo(nameof(TelnetSessionOptions.MaxBufferedBytes))
            .And.Property(nameof(TelnetBufferLimitExceededException.Limit)).EqualTo(limit));
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(session.CurrentState.Error, Is.SameAs(error));
        Assert.That(generated, Is.LessThanOrEqualTo(fitting + 2), "Generate makes one element ahead; nothing more of the 1 GiB was made");
        Assert.That(growth, Is.LessThan(8 * limit), $"1 GiB offered, {growth} bytes live");
        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(limit), "what was buffered before the limit stays readable");
        Assert.That(() => session.ReadBuffered(), Throws.TypeOf<TelnetBufferLimitExceededException>(), "then the limit is reported, never as an end of stream");
    }

    [Test]
    public async Task InMemoryPair_PeerFloodsWithoutPrompt_WriterStopsAndMemoryBounded()
    {
        const int chunkSize = 64 * 1024;
        const int limit = 1024 * 1024;
        var scheduler = new TestScheduler();
        var (a, b) = InMemoryTransport.CreatePair(scheduler);
        using var victim = new TelnetSession(a, new TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = limit }).Start();
        using var flooder = new TelnetSession(b, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        var read = scheduler.CreateObserver<byte[]>();
        victim.ReadUntil(B("$ "), Timeout.InfiniteTimeSpan).Subscribe(read);
        var chunk = Enumerable.Repeat((byte)'y', chunkSize).ToArray();
        var before = LiveBytes();

        // Up to 1 GiB, one chunk per tick, until the flooder sees that the victim hung up: its end of stream (the
        // peer's close only ends the flooder's reading side, so its writes alone would not tell it).
        var written = 0;
        Exception? stop = null;
        while (written < 16 * 1024 && stop is null)
        {
            if (flooder.IsEof)
            {
                stop = new TelnetEofException();
                break;
            }

            await flooder.WriteAsync(chunk);
            written++;
            scheduler.AdvanceBy(1);
        }

        var growth = LiveBytes() - before;
        TestContext.Out.WriteLine($"flooder wrote {written} chunks of 64 KiB before it saw the close; live growth {growth} bytes");
        Assert.That(stop, Is.Not.Null, "the flooder learns that the victim closed");
        Assert.That(written, Is.LessThanOrEqualTo((limit / chunkSize) + 2), "the flood ended within a chunk or two of the limit");
        Assert.That(read.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>());
        Assert.That(victim.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(flooder.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
        Assert.That(growth, Is.LessThan(8 * limit), $"{growth} bytes live after the flood");
    }

    [Test]
    public void Session_Slowloris_ReadUntilTimesOutAtExactVirtualTime()
    {
        // One byte every virtual second (at 0.5 s, 1.5 s, ...) for two minutes; the prompt never comes.
        var scheduler = new TestScheduler();
        var incoming = Observable.Generate(0, i => i < 120, i => i + 1, _ => B("x"), i => TimeSpan.FromSeconds(i == 0 ? 0.5 : 1), scheduler)
            .Concat(Observable.Never<byte[]>());
        var (_, _, session) = Create(incoming, scheduler);
        session.Start();
        var read = scheduler.CreateObserver<int>();
        session.ReadUntil(B("$ "), TimeSpan.FromSeconds(30)).Select(static d => d.Length).Subscribe(read);

        scheduler.AdvanceTo(TimeSpan.FromMinutes(3).Ticks);

        read.Messages.AssertEqual(
            OnNext(TimeSpan.FromSeconds(30).Ticks, 30),
            OnCompleted<int>(TimeSpan.FromSeconds(30).Ticks));
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open), "a read timeout ends the read, not the session");
    }

    [Test]
    public void Session_SlowlorisThenSilence_DetectDeadPeerFiresExactly()
    {
        // A byte every second for ten seconds keeps the peer alive; then it goes silent.
        var scheduler = new TestScheduler();
        var trickle = Enumerable.Range(1, 10).Select(i => OnNext(TimeSpan.FromSeconds(i).Ticks, B("x"))).ToArray();
        var incoming = scheduler.CreateHotObservable(trickle); // then silent, but the connection stays up
        var (_, _, session) = Create(incoming, scheduler);
        session.Start();
        var states = scheduler.CreateObserver<TelnetCloseReason>();
        session.State.Where(static s => s.IsClosed).Select(static s => s.Reason).Subscribe(states);
        using var watch = session.DetectDeadPeer(TimeSpan.FromSeconds(5));

        scheduler.AdvanceTo(TimeSpan.FromSeconds(15).Ticks - 1);
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open), "a trickle of one byte per second is a live peer");
        scheduler.AdvanceTo(TimeSpan.FromMinutes(1).Ticks);

        states.Messages.AssertEqual(
            OnNext(TimeSpan.FromSeconds(15).Ticks, TelnetCloseReason.DeadPeer),
            OnCompleted<TelnetCloseReason>(TimeSpan.FromSeconds(15).Ticks));
        Assert.That(session.CurrentState.Error, Is.TypeOf<TimeoutException>());
        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(10), "the trickle received before the peer died stays readable");
    }
}
