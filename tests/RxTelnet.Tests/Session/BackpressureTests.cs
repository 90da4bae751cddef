namespace RxTelnet.Tests.Session;

using Microsoft.Reactive.Testing;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// A session over a transport that can pause (<see cref="IReceiveFlowControl"/>) stops receiving while its cooked
/// queue is half full and nobody waits for data, and receives again once reads drained it: in virtual time, over an
/// in-memory pair whose sends queue up while the receiving end is paused.
/// </summary>
[TestFixture]
public sealed class BackpressureTests
{
    private const int Limit = 1000;
    private const int Chunk = 100;

    private static byte[] Prompted(int index)
    {
        // Chunk bytes that end with a prompt, with the index in front so order and loss show.
        var text = $"{index:D4}".PadRight(Chunk - 2, '.') + "$ ";
        return System.Text.Encoding.Latin1.GetBytes(text);
    }

    private static (TestScheduler Scheduler, InMemoryTransport Client, InMemoryTransport Server, TelnetSession Session) Create(bool pause = true, int limit = Limit)
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = limit, PauseWhenBufferFull = pause }).Start();
        return (scheduler, client, server, session);
    }

    [Test]
    public async Task Flood_NoReadWaiting_PausesAtHalfTheLimit_ThenDeliversEverythingAsReadsDrain()
    {
        var (scheduler, client, server, session) = Create();
        using var disposeSession = session;
        const int chunks = 30;
        var sent = new List<byte>();
        for (var i = 0; i < chunks; i++)
        {
            await server.SendAsync(Prompted(i));
            sent.AddRange(Prompted(i));
        }

        scheduler.Start();

        Assert.That(session.BufferedCount, Is.EqualTo(Limit / 2), "receiving stopped once half the limit was queued");
        Assert.That(client.PendingDeliveries, Is.EqualTo(chunks - (Limit / 2 / Chunk)), "the rest waits in the transport");
        Assert.That(session.CurrentState.IsClosed, Is.False);

        var read = new List<byte>();
        var most = 0;
        while (read.Count < sent.Count)
        {
            var prompt = session.ReadUntilAsync("$ "u8.ToArray());
            scheduler.Start();
            Assert.That(prompt.IsCompletedSuccessfully, Is.True, $"read {read.Count / Chunk}");
            read.AddRange(prompt.Result);
            most = Math.Max(most, session.BufferedCount);
        }

        Assert.That(read, Is.EqualTo(sent), "every byte, once, in order");
        Assert.That(most, Is.LessThanOrEqualTo(Limit / 2));
        Assert.That(session.CurrentState.IsClosed, Is.False);
    }

    [Test]
    public async Task Paused_ReadStartsWaitingForAMatch_ReceivingResumesUntilItMatches()
    {
        var (scheduler, client, server, session) = Create(limit: 2000);
        using var disposeSession = session;
        var sent = new List<byte>();
        for (var i = 0; i < 15; i++)
        {
            var chunk = Enumerable.Repeat((byte)('a' + i), Chunk).ToArray();
            await server.SendAsync(chunk);
            sent.AddRange(chunk);
        }

        await server.SendAsync(Prompted(15));
        sent.AddRange(Prompted(15));
        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(1000), "paused at half the limit");
        Assert.That(client.PendingDeliveries, Is.EqualTo(6));

        var read = session.ReadUntilAsync("$ "u8.ToArray());
        Assert.That(read.IsCompleted, Is.False, "no prompt queued yet");
        scheduler.Start();

        Assert.That(read.IsCompletedSuccessfully, Is.True, "a waiting read resumed receiving");
        Assert.That(read.Result, Is.EqualTo(sent.ToArray()));
        Assert.That(client.PendingDeliveries, Is.Zero);
    }

    [Test]
    public async Task FloodWithoutMatch_ReadWaiting_StillFailsAtTheLimit()
    {
        var (scheduler, _, server, session) = Create();
        using var __ = session;
        var read = session.ReadUntilAsync("$ "u8.ToArray());
        for (var i = 0; i < 30; i++)
        {
            await server.SendAsync(Enumerable.Repeat((byte)'z', Chunk).ToArray());
        }

        scheduler.Start();

        Assert.That(read.IsFaulted, Is.True);
        Assert.That(read.Exception!.InnerException, Is.TypeOf<TelnetBufferLimitExceededException>());
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(Limit), "what fitted stays readable");
    }

    [Test]
    public async Task PauseWhenBufferFullOff_FloodFailsAtTheLimitAsBefore()
    {
        var (scheduler, _, server, session) = Create(pause: false);
        using var disposeSession = session;
        for (var i = 0; i < 30; i++)
        {
            await server.SendAsync(Prompted(i));
        }

        scheduler.Start();

        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(Limit), "received past half the limit, up to the limit");
    }

    [Test]
    public async Task Paused_ReadBufferedAndCancelledRead_ResumeOnlyBelowHalfTheMark()
    {
        var (scheduler, client, server, session) = Create();
        using var disposeSession = session;
        for (var i = 0; i < 30; i++)
        {
            await server.SendAsync(Prompted(i));
        }

        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(500));

        // Two prompts read: 300 left, above half the pause mark (250), so still paused.
        _ = await session.ReadUntilAsync("$ "u8.ToArray());
        _ = await session.ReadUntilAsync("$ "u8.ToArray());
        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(300));

        // A waiting read resumes; cancelling it lets the next chunk pause again.
        using (var cancel = new CancellationTokenSource())
        {
            var waiting = session.ReadUntilAsync("no such prompt"u8.ToArray(), cancellationToken: cancel.Token);
            cancel.Cancel();
            Assert.That(waiting.IsCanceled, Is.True);
        }

        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(500), "paused again once half full");

        Assert.That(session.ReadBuffered(), Is.Not.Empty);
        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(500), "emptied, so receiving resumed up to half again");
        Assert.That(client.PendingDeliveries, Is.GreaterThan(0));
    }

    [Test]
    public async Task Paused_QueuedPromptsReadSynchronously_ResumeAtOnceBelowHalfTheMark()
    {
        var (scheduler, client, server, session) = Create();
        using var disposeSession = session;
        for (var i = 0; i < 30; i++)
        {
            await server.SendAsync(Prompted(i));
        }

        scheduler.Start();
        var waiting = client.PendingDeliveries;

        // Three queued prompts, each read at once without a subscription: 200 left, under half the mark (250).
        for (var i = 0; i < 3; i++)
        {
            Assert.That(session.ReadUntilAsync("$ "u8.ToArray()).IsCompletedSuccessfully, Is.True, $"prompt {i} was queued");
        }

        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(500), "the synchronous reads resumed receiving, up to half the limit again");
        Assert.That(client.PendingDeliveries, Is.EqualTo(waiting - 3));
    }

    [Test]
    public async Task LargeLimit_PausesAtTheCapNotAtHalfTheLimit()
    {
        // With the default 16 MiB limit, half of it would be 8 MiB of unread data held in memory.
        var (scheduler, client, server, session) = Create(limit: TelnetSessionOptions.DefaultMaxBufferedBytes);
        using var disposeSession = session;
        const int chunk = 16 * 1024;
        const int chunks = 64;
        for (var i = 0; i < chunks; i++)
        {
            await server.SendAsync(new byte[chunk]);
        }

        scheduler.Start();

        Assert.That(session.BufferedCount, Is.EqualTo(TelnetSession.MaxPauseMark));
        Assert.That(client.PendingDeliveries, Is.EqualTo(chunks - (TelnetSession.MaxPauseMark / chunk)));
        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(TelnetSession.MaxPauseMark));
        scheduler.Start();
        Assert.That(session.BufferedCount, Is.EqualTo(TelnetSession.MaxPauseMark), "resumed once drained, paused again at the cap");
    }

    [Test]
    public async Task HotStreamsOnly_QueueForReadsOff_NeverPausesOrFillsUp()
    {
        var scheduler = new TestScheduler();
        var (client, server) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = Limit, QueueForReads = false }).Start();
        var seen = new List<byte>();
        session.Data.Subscribe(d => seen.AddRange(d.ToArray()));
        var sent = new List<byte>();
        for (var i = 0; i < 50; i++)
        {
            // Five times the limit, with nobody reading sequentially: a terminal view, say.
            await server.SendAsync(Prompted(i));
            sent.AddRange(Prompted(i));
        }

        scheduler.Start();

        Assert.That(seen, Is.EqualTo(sent), "the hot stream saw everything, in order");
        Assert.That(session.BufferedCount, Is.Zero, "nothing was kept for reads");
        Assert.That(client.PendingDeliveries, Is.Zero, "receiving never paused");
        Assert.That(session.CurrentState.IsClosed, Is.False, "the limit never applied");
    }

    [Test]
    public void HotStreamsOnly_DefaultOptions_PauseWhereTheQueueFills()
    {
        // The contrast: the same flood with the default option stops receiving at the pause mark.
        var (scheduler, client, server, session) = Create();
        using var disposeSession = session;
        var seen = 0;
        session.Data.Subscribe(d => seen += d.Length);
        for (var i = 0; i < 50; i++)
        {
            _ = server.SendAsync(Prompted(i));
        }

        scheduler.Start();

        Assert.That(seen, Is.EqualTo(Limit / 2));
        Assert.That(client.PendingDeliveries, Is.GreaterThan(0));
    }

    [Test]
    public void QueueForReadsOff_SequentialReads_ThrowNamingTheOption()
    {
        var scheduler = new TestScheduler();
        var (client, _) = InMemoryTransport.CreatePair(scheduler);
        using var session = new TelnetSession(client, new TelnetSessionOptions { Scheduler = scheduler, QueueForReads = false }).Start();

        Assert.Multiple(() =>
        {
            Assert.That(() => session.ReadUntilAsync("$ "u8.ToArray()), Throws.InvalidOperationException.With.Message.Contains("QueueForReads"));
            Assert.That(() => session.ReadUntil("$ "u8.ToArray(), TimeSpan.Zero), Throws.InvalidOperationException);
            Assert.That(() => session.Expect([new System.Text.RegularExpressions.Regex("x")], TimeSpan.Zero), Throws.InvalidOperationException);
            Assert.That(() => session.ReadSome(), Throws.InvalidOperationException);
            Assert.That(() => session.ReadAll(), Throws.InvalidOperationException);
            Assert.That(() => session.ReadBuffered(), Throws.InvalidOperationException);
        });
    }
}
