namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>TelnetSession.Converse: the conversation steps over a session's queue, in virtual time.</summary>
[TestFixture]
public sealed class SessionConversationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Test]
    public async Task Login_OverASession_SendsThroughTheSession_AndReadsWhatWasQueuedBefore()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var fromClient = new StringBuilder();
        using var capture = server.Received.Subscribe(b => fromClient.Append(Encoding.Latin1.GetString(b)));
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler }).Start();

        // Queued before the conversation starts, with the password prompt in the same chunk.
        await server.SendAsync("login: Password: "u8.ToArray());
        scheduler.AdvanceBy(1);

        string? result = null;
        Exception? error = null;
        using var run = session.Converse(c =>
                from _ in c.ReadUntil("login: ", 10 * Second)
                from a in c.Send("admin\r\n")
                from __ in c.ReadUntil("Password: ", 10 * Second)
                from b in c.Send(new byte[] { (byte)'s', 0xFF, (byte)'\r', (byte)'\n' })
                from prompt in c.Expect(10 * Second, "[#$] $")
                from lines in c.Lines().Take(1)
                select prompt.Match!.Value + "|" + lines)
            .Subscribe(r => result = r, e => error = e);
        scheduler.AdvanceBy(1);
        Assert.That(fromClient.ToString(), Is.EqualTo("admin\r\ns\u00ff\u00ff\r\n"), "both prompts were queued: both sends went, IAC doubled by the session");
        Assert.That(result, Is.Null);

        await server.SendAsync("# "u8.ToArray());
        await server.SendAsync("motd\r\n"u8.ToArray());
        scheduler.AdvanceBy(1);

        Assert.That(error, Is.Null);
        Assert.That(result, Is.EqualTo("# |motd"));
    }

    [Test]
    public void Timeout_OnTheSessionsScheduler_LeavesTheBytesQueuedForTheNextStep()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        _ = server.SendAsync("partial"u8.ToArray());

        var messages = new List<string>();
        using var run = session.Converse(c =>
                c.ReadUntil("$ ", 5 * Second).Select(_ => "matched")
                    .Catch((TelnetTimeoutException e) => c.ReadAvailable().Select(b => $"timeout at {scheduler.Now.Ticks}: {Encoding.Latin1.GetString(b)}")))
            .Subscribe(messages.Add, e => messages.Add(e.GetType().Name));

        scheduler.AdvanceBy((5 * Second).Ticks - 1);
        Assert.That(messages, Is.Empty);
        scheduler.AdvanceBy(1);
        Assert.That(messages, Is.EqualTo(new[] { $"timeout at {(5 * Second).Ticks}: partial" }));
    }

    [Test]
    public void EndOfStream_ReachesAWaitingStep_AsEof_AndOtherReadsWaitForTheConversation()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler }).Start();

        var messages = new List<string>();
        using var run = session.Converse(c => c.ReadUntil("$ ").Select(_ => "matched"))
            .Subscribe(messages.Add, e => messages.Add(e.GetType().Name));
        scheduler.AdvanceBy(1);
        Assert.That(() => session.ReadBuffered(), Throws.InvalidOperationException, "the conversation is the session's reader");

        server.Close();
        scheduler.AdvanceBy(10);

        Assert.That(messages, Is.EqualTo(new[] { nameof(TelnetEofException) }));
    }

    [Test]
    public async Task BytesTheConversationTookAndDidNotRead_GoBackToTheSessionsQueue()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        await server.SendAsync("one$ two$ three"u8.ToArray());
        scheduler.AdvanceBy(1);

        var first = await session.Converse(c => c.ReadUntil("$ ")).ToTask();
        Assert.That(Encoding.Latin1.GetString(first), Is.EqualTo("one$ "));
        Assert.That(Encoding.Latin1.GetString(session.ReadBuffered()), Is.EqualTo("two$ three"), "the rest is the session's again, in order");
    }

    [Test]
    public async Task BetweenSteps_DataStaysInTheSessionsQueue()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler }).Start();
        await server.SendAsync("a$ "u8.ToArray());
        scheduler.AdvanceBy(1);

        var gate = new System.Reactive.Subjects.Subject<int>();
        var results = new List<string>();
        using var run = session.Converse(c =>
                c.ReadUntil("$ ").Select(Encoding.Latin1.GetString)
                    .Concat(gate.Take(1).Select(_ => "gate"))
                    .Concat(c.ReadUntil("$ ").Select(Encoding.Latin1.GetString)))
            .Subscribe(results.Add);
        await server.SendAsync("b$ "u8.ToArray());
        scheduler.AdvanceBy(1);

        Assert.That(results, Is.EqualTo(new[] { "a$ " }));
        Assert.That(session.BufferedCount, Is.EqualTo(3), "no step waits, so the conversation took nothing more");

        gate.OnNext(1);
        Assert.That(results, Is.EqualTo(new[] { "a$ ", "gate", "b$ " }));
    }
}
