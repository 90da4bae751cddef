namespace RxTelnet.IntegrationTests.Reliability;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Compat;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

/// <summary>
/// Hostile peers over real loopback sockets: floods of negotiation, data and subnegotiation, a trickle, garbage,
/// resets, TLS garbage and crowds. Every wait is bounded, so a hang fails the test instead of stalling the suite;
/// every test measures the memory it cost and bounds the time <c>Dispose</c> takes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HostileLoopbackTests : LeakCheckedTest
{
    private const string Host = "127.0.0.1";
    private const long MiB = 1024 * 1024;

    /// <summary>What the peers stop after by themselves: longer than any bound below, so a hang shows as a hang.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(5);

    /// <summary>Scheduling slack on a loaded 2-core machine, added to a timeout the library promises.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private static readonly byte[] NegotiationBlock = Hostile.Block(Hostile.NegotiationRound);

    /// <summary>
    /// The most a default session has waiting to send against <see cref="Hostile.NegotiationRound"/>: one 3-byte reply
    /// per option (1, 3, 99) and direction queued, one more being sent, and a short write of the test's own.
    /// </summary>
    /// <summary>A socket buffer small enough for a peer that never reads to close the window within a second or so.</summary>
    private const int SmallSocketBuffer = 8 * 1024;

    /// <summary>The size of the writes that close a non-reading peer's window.</summary>
    private const int BlockingWrite = 64 * 1024;

    private const long CoalescedRepliesBound = (3 * 2 * 3) + 3 + 16;

    [OneTimeSetUp]
    public void ArmMemoryFuse() => MemoryFuse.Arm();

    [OneTimeTearDown]
    public void DisarmMemoryFuse() => MemoryFuse.Disarm();

    /// <summary>
    /// Waits until the thread pool is idle and the live heap stops changing, so that work an earlier test left running
    /// (say, the continuations of a hundred thousand failed writes) is not counted in this test's time and memory.
    /// </summary>
    [SetUp]
    public async Task LetEarlierWorkSettle()
    {
        var watch = Stopwatch.StartNew();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        while (watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
            var now = GC.GetTotalMemory(forceFullCollection: true);
            if (ThreadPool.PendingWorkItemCount == 0 && Math.Abs(now - before) < MiB)
            {
                break;
            }

            before = now;
        }

        if (watch.Elapsed > TimeSpan.FromSeconds(1))
        {
            Report($"work left by the previous test took {watch.Elapsed.TotalMilliseconds:N0} ms to settle");
        }
    }

    // ---- 1-3: negotiation floods ----------------------------------------------------------------------------------

    [Test]
    public async Task ConnectAsync_NegotiationFloodPeerReads_ReturnsInTimeSessionRoundTripsRepliesBounded()
    {
        var stats = new FloodStats();
        var ping = new MarkerWatch("ping");
        var pong = 0;
        await using var server = HostileServer.Start(
            (socket, token) => Task.WhenAll(
                Hostile.DrainAsync(socket, stats, token, chunk => ping.Feed(chunk.Span)),
                Hostile.FloodAsync(socket, NegotiationBlock, stats, token, interject: () => ping.Found && Interlocked.Exchange(ref pong, 1) == 0 ? B("pong\r\n") : null)),
            Lifetime);
        var memory = new MemoryProbe();
        long taken = 0;

        var (client, connectTime) = await ConnectWithinAsync(server.Port, configure: s =>
        {
            s.RawReceived.Subscribe(c => Interlocked.Add(ref taken, c.Length));
            AwaitPeerBytes(s);
        });
        try
        {
            await WithinAsync(client.WriteAsync(B("ping\r\n")), Bound, "the write during the flood");

            // The answer comes behind megabytes of flood: on a loaded 2-core machine that takes a while to read.
            var answer = await WithinAsync(client.ReadUntilAsync(B("pong\r\n"), 3 * Bound), (3 * Bound) + Slack, "the read during the flood");
            var mostPending = await MostPendingSendBytesAsync(client, TimeSpan.FromSeconds(1)); // the flood goes on a while
            var replies = stats.Received;
            var received = Interlocked.Read(ref taken);
            var growth = memory.LiveGrowth();

            Report($"connect {connectTime.TotalMilliseconds:N0} ms; {stats}; client took {received:N0} B; most pending send {mostPending} B; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(connectTime, Is.LessThan(ConnectTimeout), "ConnectAsync returned within its connect timeout");
                Assert.That(S(answer), Is.EqualTo("pong\r\n"), "a write and a read went through while the peer flooded");
                Assert.That(mostPending, Is.LessThanOrEqualTo(CoalescedRepliesBound), "replies are coalesced, not queued");
                Assert.That(client.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
                Assert.That(replies, Is.GreaterThan(0), "the session answers the peer's requests");
                Assert.That(replies, Is.LessThanOrEqualTo((received / Hostile.NegotiationRound.Length * Hostile.MaxReplyBytesPerRound) + Hostile.MaxReplyBytesPerRound + "ping\r\n".Length),
                    "at most one refusal per DO and WILL received: replies never outgrow the requests");
                Assert.That(stats.StoppedByMemoryValve, Is.False, "the process did not balloon");
                Assert.That(growth, Is.LessThan(32 * MiB), "live memory stays bounded while the flood goes on");
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    [Test]
    public async Task Session_NegotiationFloodPeerNeverReads_RefusalsCoalescedMemoryBoundedDisposeFast()
    {
        var stats = new FloodStats();
        var peer = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = HostileServer.Start(
            (socket, token) =>
            {
                peer.TrySetResult(socket);
                return Hostile.FloodAsync(socket, NegotiationBlock, stats, token); // never reads what we send
            },
            Lifetime,
            receiveBufferSize: SmallSocketBuffer);
        var memory = new MemoryProbe();

        var (client, connectTime) = await ConnectWithinAsync(server.Port, configure: s =>
        {
            s.Socket!.SendBufferSize = SmallSocketBuffer;
            AwaitPeerBytes(s);
        });
        try
        {
            var socket = await peer.Task.WaitAsync(Bound);

            // Our own data closes the peer's window, so every refusal from now on has to wait behind a blocked send.
            var (blocked, sentBeforeBlocking) = await WriteUntilBlockedAsync(client);
            var mostPending = await MostPendingSendBytesAsync(client, TimeSpan.FromSeconds(2));
            var leastPending = await LeastPendingSendBytesAsync(client, TimeSpan.FromSeconds(0.5));
            var growth = memory.LiveGrowth();
            var unread = socket.Available;
            var state = client.CurrentState;

            Report($"connect {connectTime.TotalMilliseconds:N0} ms; the transport blocked after {sentBeforeBlocking:N0} B; {stats}; peer's unread queue {unread:N0} B; pending send at most {mostPending:N0} B, over the last 0.5 s at least {leastPending:N0} B; state {state}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(connectTime, Is.LessThan(ConnectTimeout), "ConnectAsync returned within its connect timeout");
                Assert.That(leastPending, Is.GreaterThanOrEqualTo(BlockingWrite), "our send stayed blocked on the closed window (else this test proves nothing)");
                Assert.That(mostPending, Is.LessThanOrEqualTo(client.Options.MaxPendingSendBytes));
                Assert.That(mostPending, Is.LessThanOrEqualTo(BlockingWrite + CoalescedRepliesBound), "refusals that cannot go out are coalesced, not queued");
                Assert.That(stats.StoppedByMemoryValve, Is.False, "the process did not balloon");
                Assert.That(growth, Is.LessThan(32 * MiB), "refusals the peer does not take are not queued without bound");
                Assert.That(state.Status == TelnetSessionStatus.Open || state.Reason == TelnetCloseReason.SendLimitExceeded, Is.True, $"open, or closed at the send limit: {state}");
            });

            await DisposeWithinAsync(client); // a send is blocked on the closed window
            Assert.That(await OutcomeWithinAsync(blocked, Bound, "the write blocked at dispose"), Is.EqualTo(nameof(TelnetClosedException)));
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    [Test]
    public async Task CompatTelnet_NegotiationFlood_ConstructorReturnsReadTimeoutHonouredWriteGoesThrough()
    {
        var stats = new FloodStats();
        var ping = new MarkerWatch("ping");
        await using var server = HostileServer.Start(
            (socket, token) => Task.WhenAll(
                Hostile.DrainAsync(socket, stats, token, chunk => ping.Feed(chunk.Span)),
                Hostile.FloodAsync(socket, NegotiationBlock, stats, token)),
            Lifetime);
        var memory = new MemoryProbe();

        var watch = Stopwatch.StartNew();
        var telnet = await WithinAsync(Task.Run(() => new Telnet(Host, server.Port, ConnectTimeout)), ConnectTimeout + Slack, "new Telnet(host, port, timeout) against a negotiation flood");
        var connectTime = watch.Elapsed;
        try
        {
            // A script does something else before its first read; meanwhile the flood piles up.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var readTimeout = TimeSpan.FromSeconds(1);
            watch.Restart();
            var first = Task.Run(() => telnet.ReadUntil(B("never sent"), readTimeout));
            var firstReturned = await Task.WhenAny(first, Task.Delay(Bound)) == first;
            var firstTime = watch.Elapsed;
            if (!firstReturned)
            {
                Abandon(first);
            }

            Report($"constructor {connectTime.TotalMilliseconds:N0} ms; first ReadUntil with a {readTimeout.TotalSeconds} s timeout {(firstReturned ? "returned" : "still running")} after {firstTime.TotalMilliseconds:N0} ms; {stats}");
            Assert.That(firstReturned && firstTime < readTimeout + Slack, Is.True, $"the read timeout is honoured whatever the peer sends (took {firstTime.TotalMilliseconds:N0} ms)");
            Assert.That(await first, Is.Empty, "the flood holds no data");

            // The pull model reads the flood 50 bytes at a time, so an answer queued behind megabytes of it takes as long
            // as that backlog does; the write side, though, must go through at once.
            await WithinAsync(Task.Run(() => telnet.Write(B("ping\r\n"))), Bound, "Write during the flood");
            await EventuallyAsync(() => ping.Found, Bound, "the peer seeing our write");
            var growth = memory.LiveGrowth();

            Report($"the peer got our write; {stats}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(connectTime, Is.LessThan(ConnectTimeout), "the constructor returned within its timeout");
                Assert.That(stats.StoppedByMemoryValve, Is.False, "the process did not balloon");
                Assert.That(growth, Is.LessThan(32 * MiB));
            });
        }
        finally
        {
            await DisposeWithinAsync(telnet);
        }
    }

    [Test]
    public async Task CompatTelnet_NegotiationFloodPeerNeverReads_MemoryBoundedDisposeFast()
    {
        const long FacadeGrowthBound = 64 * MiB;
        var stats = new FloodStats();
        var peer = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = HostileServer.Start(
            (socket, token) =>
            {
                peer.TrySetResult(socket);
                return Hostile.FloodAsync(socket, NegotiationBlock, stats, token); // never reads the refusals
            },
            Lifetime,
            receiveBufferSize: SmallSocketBuffer);
        var memory = new MemoryProbe();

        var watch = Stopwatch.StartNew();
        var telnet = await WithinAsync(Task.Run(() => new Telnet(Host, server.Port, ConnectTimeout)), ConnectTimeout + Slack, "new Telnet(host, port, timeout) against a negotiation flood");
        var connectTime = watch.Elapsed;
        try
        {
            telnet.GetSocket()!.SendBufferSize = SmallSocketBuffer; // the refusals fill the window within the test's time
            var socket = await peer.Task.WaitAsync(Bound);
            long mostGrowth = 0;
            using var stopReading = new CancellationTokenSource();

            // A script that keeps polling, as telnetlib's read_very_eager loops do. Its reads may wait while the
            // refusals are not taken (telnetlib's sendall blocks too): that must cost neither memory nor the Dispose.
            var reader = Task.Run(() =>
            {
                while (!stopReading.IsCancellationRequested)
                {
                    _ = telnet.ReadVeryEager();
                    Thread.Sleep(5);
                }
            });
            watch.Restart();
            while (watch.Elapsed < TimeSpan.FromSeconds(4) && !stats.StoppedByMemoryValve && !reader.IsCompleted)
            {
                mostGrowth = Math.Max(mostGrowth, GC.GetTotalMemory(forceFullCollection: false) - memory.Baseline);
                if (mostGrowth > 2 * FacadeGrowthBound)
                {
                    break; // failed already: do not leave the next tests a heap to clean up
                }

                await Task.Delay(20);
            }

            var growth = memory.LiveGrowth();
            var unread = socket.Available;
            var readerEndedEarly = reader.IsCompleted ? reader.Exception?.GetBaseException().GetType().Name ?? "ok" : null;
            await stopReading.CancelAsync();
            var disposing = Stopwatch.StartNew();
            await DisposeWithinAsync(telnet);
            var disposeTime = disposing.Elapsed;
            var readerOutcome = await OutcomeWithinAsync(reader, Bound, "the polling script after Dispose");

            Report($"constructor {connectTime.TotalMilliseconds:N0} ms; {stats}; peer's unread queue {unread:N0} B; heap growth at most {mostGrowth:N0} B, live growth {growth:N0} B; reader {(readerEndedEarly is null ? "still polling" : "ended early: " + readerEndedEarly)}; Dispose {disposeTime.TotalMilliseconds:N0} ms, then the reader: {readerOutcome}");
            Assert.Multiple(() =>
            {
                Assert.That(stats.StoppedByMemoryValve, Is.False, "the process did not balloon");
                Assert.That(mostGrowth, Is.LessThan(FacadeGrowthBound), "refusals the peer does not take cost bounded memory");
                Assert.That(growth, Is.LessThan(32 * MiB));
                Assert.That(readerEndedEarly is null or nameof(TelnetBufferLimitExceededException), Is.True, $"polling goes on, or fails at the send limit: {readerEndedEarly}");
                Assert.That(readerOutcome, Does.Not.StartWith("still running"), "the script's read ends once the instance is disposed");
            });
        }
        finally
        {
            await DisposeWithinAsync(telnet);
        }
    }

    [Test]
    public async Task ConnectAsync_NegotiationFloodTokenAlreadyCancelled_ThrowsCanceledAtOnce()
    {
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            (socket, token) => Task.WhenAll(Hostile.DrainAsync(socket, stats, token), Hostile.FloodAsync(socket, NegotiationBlock, stats, token)),
            Lifetime,
            connections: 2);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var memory = new MemoryProbe();

        var watch = Stopwatch.StartNew();
        var connect = Task.Run(() => TelnetClient.ConnectAsync(Host, server.Port, connectTimeout: ConnectTimeout, cancellationToken: cancelled.Token));
        var outcome = await OutcomeWithinAsync(connect, Slack, "ConnectAsync with a cancelled token");
        var telnet = new Telnet();
        var open = Task.Run(() => telnet.OpenAsync(Host, server.Port, ConnectTimeout, cancelled.Token));
        var openOutcome = await OutcomeWithinAsync(open, Slack, "Telnet.OpenAsync with a cancelled token");
        var elapsed = watch.Elapsed;
        await DisposeWithinAsync(telnet);

        Report($"ConnectAsync: {outcome}; OpenAsync: {openOutcome}; both in {elapsed.TotalMilliseconds:N0} ms; live growth {memory.LiveGrowth():N0} B");
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo("canceled"));
            Assert.That(openOutcome, Is.EqualTo("canceled"));
            Assert.That(memory.LiveGrowth(), Is.LessThan(16 * MiB));
        });
    }

    [Test]
    public async Task ConnectAsync_NegotiationFloodTokenCancelledSoon_ReturnsPromptly()
    {
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            (socket, token) => Task.WhenAll(Hostile.DrainAsync(socket, stats, token), Hostile.FloodAsync(socket, NegotiationBlock, stats, token)),
            Lifetime,
            connections: 2);
        var memory = new MemoryProbe();
        var cancelAfter = TimeSpan.FromMilliseconds(200);

        // The connect itself is quick on loopback: the session either comes back before the token fires, or the
        // token wins. Either way the call returns at once; it must not run on with the peer's flood.
        using var soon = new CancellationTokenSource(cancelAfter);
        var watch = Stopwatch.StartNew();
        var connect = Task.Run(() => TelnetClient.ConnectAsync(Host, server.Port, connectTimeout: ConnectTimeout, cancellationToken: soon.Token));
        var outcome = await OutcomeWithinAsync(connect, cancelAfter + Slack, "ConnectAsync with a token cancelled soon");
        var connectTime = watch.Elapsed;

        using var soon2 = new CancellationTokenSource(cancelAfter);
        using var telnet = new Telnet();
        watch.Restart();
        var openOutcome = await OutcomeWithinAsync(Task.Run(() => telnet.OpenAsync(Host, server.Port, ConnectTimeout, soon2.Token)), cancelAfter + Slack, "Telnet.OpenAsync with a token cancelled soon");
        var openTime = watch.Elapsed;
        await DisposeWithinAsync(telnet);

        Report($"ConnectAsync: {outcome} in {connectTime.TotalMilliseconds:N0} ms; OpenAsync: {openOutcome} in {openTime.TotalMilliseconds:N0} ms; live growth {memory.LiveGrowth():N0} B");
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo("canceled").Or.EqualTo("ok"));
            Assert.That(openOutcome, Is.EqualTo("canceled").Or.EqualTo("ok"));
            Assert.That(memory.LiveGrowth(), Is.LessThan(16 * MiB));
        });
    }

    [Test]
    public async Task ConnectAsync_TokenCancelledWhileConnectPending_ThrowsCanceledNotTimeout()
    {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect stays pending.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                _ = filler.ConnectAsync(IPAddress.Loopback, port).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300));
            using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = Stopwatch.StartNew();
            var outcome = await OutcomeWithinAsync(
                Task.Run(() => TelnetClient.ConnectAsync(Host, port, connectTimeout: TimeSpan.FromSeconds(30), cancellationToken: soon.Token)),
                Bound,
                "ConnectAsync to a listener that cannot accept");
            var elapsed = watch.Elapsed;

            Report($"ConnectAsync: {outcome} after {elapsed.TotalMilliseconds:N0} ms");
            Assert.That(outcome, Is.EqualTo("canceled"), "the token, not the 30 s connect timeout, ended the connect");
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromMilliseconds(300) + Slack));
        }
        finally
        {
            foreach (var filler in fillers)
            {
                filler.Dispose();
            }
        }
    }

    [Test]
    public async Task Write_PeerNeverReads_ClosesWithSendLimitExceededPendingBoundedDisposeFast()
    {
        const int limit = 256 * 1024;
        const int block = 16 * 1024;
        const int blocks = 4096; // 64 MiB offered
        await using var server = HostileServer.Start((_, token) => Task.Delay(Timeout.Infinite, token), Lifetime); // never reads
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port, new TelnetSessionOptions { MaxPendingSendBytes = limit });
        try
        {
            var closed = client.State.FirstAsync(static s => s.IsClosed).ToTask();
            var data = new byte[block];
            Array.Fill(data, (byte)'w');
            var writes = new List<Task>();
            long mostPending = 0;

            // An application that does not await its writes: they queue behind the closed TCP window.
            for (var i = 0; i < blocks && !closed.IsCompleted; i++)
            {
                writes.Add(client.WriteAsync(data));
                mostPending = Math.Max(mostPending, client.PendingSendBytes);
                if (i % 64 == 63)
                {
                    await Task.Yield();
                }
            }

            var state = await WithinAsync(closed, Bound, "the close at the send limit");
            await WithinAsync(Task.WhenAll(writes).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default), Bound, "every queued write ending");
            var outcomes = writes
                .GroupBy(static w => w.IsCompletedSuccessfully ? "ok" : w.Exception?.GetBaseException().GetType().Name ?? "canceled")
                .ToDictionary(static g => g.Key, static g => g.Count());
            var growth = memory.LiveGrowth();
            var limitError = state.Error as TelnetBufferLimitExceededException;

            Report($"{writes.Count} writes of {block} B: {string.Join(", ", outcomes.Select(static o => $"{o.Key} x{o.Value}"))}; most pending {mostPending:N0} B; closed {state.Reason} ({state.Error?.Message}); live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(state.Reason, Is.EqualTo(TelnetCloseReason.SendLimitExceeded));
                Assert.That(limitError?.LimitName, Is.EqualTo("MaxPendingSendBytes"));
                Assert.That(limitError?.Limit, Is.EqualTo(limit));
                Assert.That(mostPending, Is.LessThanOrEqualTo(limit), "PendingSendBytes never went past the limit");
                Assert.That(writes, Has.Count.LessThan(blocks), "the session closed long before the application ran out of data");
                Assert.That(outcomes.Keys, Is.SubsetOf(new[] { "ok", nameof(TelnetBufferLimitExceededException), nameof(TelnetClosedException) }));
                Assert.That(outcomes.GetValueOrDefault(nameof(TelnetBufferLimitExceededException)), Is.GreaterThan(0), "the write past the limit fails typed");
                Assert.That(growth, Is.LessThan(4L * limit + (4 * MiB)), "memory follows the send limit, not what the application offered");
            });
            Assert.That(async () => await client.WriteAsync(data), Throws.TypeOf<TelnetClosedException>());
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    [TestCase("Dispose")]
    [TestCase("DisposeAsync")]
    [TestCase("Close")]
    public async Task Session_EndedWhileSendBlockedOnPeerThatNeverReads_FinishesFast(string how)
    {
        await using var server = HostileServer.Start((_, token) => Task.Delay(Timeout.Infinite, token), Lifetime); // never reads
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port);
        try
        {
            var (blocked, sentBeforeBlocking) = await WriteUntilBlockedAsync(client);
            var pending = client.PendingSendBytes;
            var watch = Stopwatch.StartNew();
            Func<Task> end = how switch
            {
                "Dispose" => () => Task.Run(client.Dispose),
                "DisposeAsync" => () => client.DisposeAsync().AsTask(),
                _ => () => Task.Run(client.Close),
            };
            await WithinAsync(end(), DisposeBound, $"{how} while a send is blocked");
            var endTime = watch.Elapsed;
            var outcome = await OutcomeWithinAsync(blocked, Bound, "the write blocked at the end");

            Report($"the transport blocked after {sentBeforeBlocking:N0} B with {pending:N0} B pending; {how} took {endTime.TotalMilliseconds:N0} ms; the blocked write ended {outcome}; live growth {memory.LiveGrowth():N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(pending, Is.GreaterThan(0), "a send was blocked (else this test proves nothing)");
                Assert.That(outcome, Is.EqualTo(nameof(TelnetClosedException)), "the blocked write ends as a write to a closed session");
                Assert.That(client.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.LocalClose));
                Assert.That(memory.LiveGrowth(), Is.LessThan(16 * MiB));
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 4: endless subnegotiation ------------------------------------------------------------------------------

    [Test]
    public async Task Session_EndlessSubnegotiation_OneWarningMemoryBoundedStaysOpen()
    {
        var stats = new FloodStats();
        var payload = Hostile.Block("terminal-type-that-never-ends "u8);
        await using var server = HostileServer.Start(
            async (socket, token) =>
            {
                await socket.SendAsync(new byte[] { 255, 250, 24 }, SocketFlags.None, token);
                await Hostile.FloodAsync(socket, payload, stats, token);
            },
            Lifetime);
        var memory = new MemoryProbe();
        long taken = 0;
        var warnings = new ConcurrentQueue<string>();
        var data = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (client, connectTime) = await ConnectWithinAsync(server.Port, configure: s =>
        {
            s.RawReceived.Subscribe(c =>
            {
                if (Interlocked.Add(ref taken, c.Length) >= 16 * MiB)
                {
                    enough.TrySetResult();
                }
            });
            s.Events.Subscribe(e =>
            {
                if (e.Kind == TelnetEventKind.Warning)
                {
                    warnings.Enqueue(Describe(e));
                }
                else if (e.Kind == TelnetEventKind.Data)
                {
                    Interlocked.Increment(ref data);
                }
            });
        });
        try
        {
            await WithinAsync(enough.Task, Bound, "16 MiB of subnegotiation received");
            var growth = memory.LiveGrowth();

            Report($"connect {connectTime.TotalMilliseconds:N0} ms; {stats}; client took {Interlocked.Read(ref taken):N0} B; warnings [{string.Join(", ", warnings)}]; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(warnings, Is.EqualTo(new[] { "W:SubnegotiationTooLong:24" }), "one warning when the limit is passed, nothing after it");
                Assert.That(data, Is.Zero, "the subnegotiation's bytes are not data");
                Assert.That(client.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
                Assert.That(stats.StoppedByMemoryValve, Is.False);
                Assert.That(growth, Is.LessThan(16 * MiB), "the subnegotiation buffer stays at its limit, whatever the peer sends");
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 5: data floods -----------------------------------------------------------------------------------------

    [Test]
    public async Task ReadUntil_DataFloodNeverMatching_FailsWithBufferLimitMemoryBounded()
    {
        const int limit = 4 * 1024 * 1024;
        const long offered = 512 * MiB;
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            (socket, token) => Hostile.FloodAsync(socket, Hostile.Block("zzzzzzzz"u8), stats, token, offered),
            Lifetime);
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port, new TelnetSessionOptions { MaxBufferedBytes = limit });
        try
        {
            var read = client.ReadUntilAsync(B("$ "));
            var error = await FailureWithinAsync(read, Bound, "ReadUntil on a flood without the prompt");
            var growth = memory.LiveGrowth();

            Report($"{error?.GetType().Name}: {error?.Message}; {stats}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>());
                Assert.That((error as TelnetBufferLimitExceededException)?.LimitName, Is.EqualTo("MaxBufferedBytes"));
                Assert.That(client.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
                Assert.That(stats.Sent, Is.LessThan(offered), "the peer was stopped by the close, not by running out of data");
                Assert.That(growth, Is.LessThan(4L * limit), "memory follows the limit, not what the peer sends");
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    [Test]
    public async Task Session_DataFloodNobodyReading_BackpressureHoldsPeerMemoryBounded()
    {
        const long offered = 512 * MiB;
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            (socket, token) => Hostile.FloodAsync(socket, Hostile.Block("data, data and more data\r\n"u8), stats, token, offered),
            Lifetime);
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var sent = stats.Sent;
            var buffered = client.BufferedCount;
            var growth = memory.LiveGrowth();

            Report($"{stats}; client holds {buffered:N0} B; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(client.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open), "a reader that is merely behind is not cut off");
                Assert.That(buffered, Is.LessThanOrEqualTo(1 * MiB), "receiving paused near the pause mark");
                Assert.That(sent, Is.LessThan(64 * MiB), "the peer is held back by the closed TCP window");
                Assert.That(growth, Is.LessThan(16 * MiB));
            });

            var first = await WithinAsync(client.ReadUntilAsync(B("\r\n"), Bound), Bound + Slack, "a read after the pause");
            Assert.That(S(first), Is.EqualTo("data, data and more data\r\n"), "nothing was lost while paused");
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 6: slowloris -------------------------------------------------------------------------------------------

    [Test]
    public async Task ReadUntil_OneBytePer300Ms_TimeoutHonouredWithWhatArrived()
    {
        var readTimeout = TimeSpan.FromSeconds(1.5);
        await using var server = HostileServer.Start(
            async (socket, token) =>
            {
                for (var i = 0; i < 20; i++)
                {
                    await socket.SendAsync(new[] { (byte)'a' }, SocketFlags.None, token);
                    await Task.Delay(TimeSpan.FromMilliseconds(300), token);
                }
            },
            Lifetime);
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port);
        try
        {
            var watch = Stopwatch.StartNew();
            var got = await WithinAsync(client.ReadUntilAsync(B("$ "), readTimeout), Bound, "ReadUntil against a trickle");
            var elapsed = watch.Elapsed;
            var growth = memory.LiveGrowth();

            Report($"timed out after {elapsed.TotalMilliseconds:N0} ms with {got.Length} bytes \"{S(got)}\"; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(elapsed, Is.GreaterThanOrEqualTo(readTimeout - TimeSpan.FromMilliseconds(50)), "the read waited its timeout");
                Assert.That(elapsed, Is.LessThan(readTimeout + Slack), "a trickle of bytes does not stretch the timeout (the trickle lasts 6 s)");
                Assert.That(S(got), Does.Match("^a{1,8}$"), "the timeout returns what arrived");
                Assert.That(growth, Is.LessThan(4 * MiB));
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 7: garbage ---------------------------------------------------------------------------------------------

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(20240611)]
    public async Task Session_SeededGarbage_OnlyDocumentedOutcomes(int seed)
    {
        var garbage = Garbage(seed, 2 * 1024 * 1024);
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            async (socket, token) =>
            {
                var drain = Hostile.DrainAsync(socket, stats, token);
                var random = new Random(seed);
                for (var at = 0; at < garbage.Length;)
                {
                    var n = Math.Min(random.Next(1, 8192), garbage.Length - at);
                    stats.AddSent(await socket.SendAsync(garbage.AsMemory(at, n), SocketFlags.None, token));
                    at += n;
                }

                socket.Shutdown(SocketShutdown.Send); // FIN, and read the client's replies until it closes
                await drain;
            },
            Lifetime);
        var memory = new MemoryProbe();
        var data = new List<byte>();
        var warnings = new ConcurrentQueue<string>();
        var subscriberErrors = new ConcurrentQueue<Exception>();
        var eventsEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var (client, _) = await ConnectWithinAsync(server.Port, configure: s =>
        {
            s.SubscriberErrors.Subscribe(subscriberErrors.Enqueue);
            s.Events.Subscribe(
                e =>
                {
                    if (e.Kind == TelnetEventKind.Data)
                    {
                        data.AddRange(e.Data.Span);
                    }
                    else if (e.Kind == TelnetEventKind.Warning)
                    {
                        warnings.Enqueue(Describe(e));
                    }
                },
                ex => eventsEnded.TrySetResult(ex),
                () => eventsEnded.TrySetResult(null));
        });
        try
        {
            var all = await WithinAsync(client.ReadAllAsync(), Bound, "ReadAll of 2 MiB of garbage");
            var streamError = await WithinAsync(eventsEnded.Task, Bound, "the end of the event stream");
            var growth = memory.LiveGrowth();

            Report($"seed {seed}: {stats}; {all.Length:N0} data bytes; {warnings.Count} warnings; closed {client.CurrentState}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(streamError, Is.Null, "the event stream completes: garbage is no transport error");
                Assert.That(subscriberErrors, Is.Empty);
                Assert.That(client.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
                Assert.That(all, Is.EqualTo(data.ToArray()), "ReadAll returns exactly the data the event stream showed");
                Assert.That(all.Length, Is.GreaterThan(garbage.Length / 4).And.LessThanOrEqualTo(garbage.Length));
                Assert.That(stats.Received, Is.LessThanOrEqualTo(garbage.Length), "replies never outgrow the input");
                Assert.That(growth, Is.LessThan(32 * MiB));
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 8: reset mid-sequence ----------------------------------------------------------------------------------

    [TestCase("IAC", new byte[] { 255 }, -1)]
    [TestCase("IAC DO", new byte[] { 255, 253 }, -1)]
    [TestCase("IAC SB 24 0 xte", new byte[] { 255, 250, 24, 0, (byte)'x', (byte)'t', (byte)'e' }, 24)]
    [TestCase("IAC SB 24 0 x IAC", new byte[] { 255, 250, 24, 0, (byte)'x', 255 }, 24)]
    public async Task Session_ResetMidSequence_ClosesTransportErrorOrRemoteCloseDataBeforeKept(string what, byte[] tail, int option)
    {
        byte[] prefix = [.. B("hello\r\n"), .. tail];
        var clientHasPrefix = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = HostileServer.Start(
            async (socket, token) =>
            {
                await socket.SendAsync(prefix, SocketFlags.None, token);
                await clientHasPrefix.Task.WaitAsync(token);
                socket.LingerState = new LingerOption(true, 0);
                socket.Close(); // linger 0: RST instead of FIN
                reset.TrySetResult();
            },
            Lifetime);
        var memory = new MemoryProbe();
        var received = 0;
        var events = new ConcurrentQueue<string>();
        var eventsEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var (client, _) = await ConnectWithinAsync(server.Port, configure: s =>
        {
            s.RawReceived.Subscribe(c =>
            {
                if (Interlocked.Add(ref received, c.Length) >= prefix.Length)
                {
                    clientHasPrefix.TrySetResult();
                }
            });
            s.Events.Subscribe(e => events.Enqueue(Describe(e)), ex => eventsEnded.TrySetResult(ex), () => eventsEnded.TrySetResult(null));
        });
        try
        {
            var closed = client.State.FirstAsync(static s => s.IsClosed).ToTask();
            var pending = client.ReadUntilAsync(B("$ "));
            await WithinAsync(reset.Task, Bound, "the peer's reset");
            var state = await WithinAsync(closed, Bound, "the close after the reset");
            await WithinAsync(eventsEnded.Task, Bound, "the end of the event stream");
            var kept = await WithinAsync(pending, Bound, "the read pending at the reset");

            Report($"{what}: closed {state.Reason} ({state.Error?.GetType().Name}); events [{string.Join(", ", events)}]; live growth {memory.LiveGrowth():N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(state.Reason, Is.EqualTo(TelnetCloseReason.TransportError).Or.EqualTo(TelnetCloseReason.RemoteClose));
                Assert.That(S(kept), Is.EqualTo("hello\r\n"), "what arrived before the reset is kept");
                Assert.That(events, Is.EqualTo(new[] { "D:hello\r\n", $"W:TruncatedSequence:{option}" }), "the cut-off sequence is reported, once, last");
                Assert.That(memory.LiveGrowth(), Is.LessThan(8 * MiB));
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 9: TLS listener fed garbage ----------------------------------------------------------------------------

    /// <summary>A TLS listener whose server greets every session with "hello", keeping the sessions to dispose.</summary>
    private static (TelnetListener Listener, ConcurrentQueue<TelnetSession> Sessions) StartGreetingTlsListener(X509Certificate2 certificate)
    {
        var sessions = new ConcurrentQueue<TelnetSession>();
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), certificate: certificate);
        listener.Sessions.Subscribe(s =>
        {
            sessions.Enqueue(s);
            _ = s.WriteAsync(B("hello\r\n"));
        });
        return (listener, sessions);
    }

    private static async Task DisposeListenerAndSessionsAsync(TelnetListener listener, IEnumerable<TelnetSession> sessions)
    {
        await DisposeWithinAsync(listener);
        foreach (var s in sessions)
        {
            await DisposeWithinAsync(s);
        }
    }

    [Test]
    public async Task TlsListener_GarbageInsteadOfClientHello_NoSessionAndGoodClientStillServed()
    {
        var certificate = TestCertificate.Value;
        var (listener, sessions) = StartGreetingTlsListener(certificate);
        var port = listener.LocalEndPoint.Port;
        var memory = new MemoryProbe();
        var garbage = new Dictionary<string, byte[]>
        {
            ["random bytes"] = Garbage(7, 4096),
            ["an HTTP request"] = B("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            ["plain Telnet negotiation"] = Hostile.Block(Hostile.NegotiationRound, 4096),
            ["a TLS alert record"] = [21, 3, 3, 0, 2, 2, 40],
            ["a handshake record of the wrong type"] = [22, 3, 3, 0, 4, 2, 0, 0, 0], // ServerHello, empty
        };
        var outcomes = new List<string>();
        try
        {
            foreach (var (what, bytes) in garbage)
            {
                using var bad = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await bad.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
                await bad.SendAsync(bytes, SocketFlags.None);

                // It keeps its side open: the server must give up on its own.
                outcomes.Add($"{what}: {await ServerEndWithinAsync(bad, Bound, what)}");
            }

            var watch = Stopwatch.StartNew();
            var transport = await WithinAsync(
                TlsTransport.ConnectAsync("localhost", port, (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString(), ConnectTimeout),
                ConnectTimeout + Slack,
                "a good TLS client after the garbage");
            var good = new TelnetSession(transport).Start();
            try
            {
                var greeting = await WithinAsync(good.ReadUntilAsync(B("hello\r\n"), Bound), Bound + Slack, "the good client's greeting");
                var served = watch.Elapsed;

                Report($"{string.Join("; ", outcomes)}; good client greeted after {served.TotalMilliseconds:N0} ms; live growth {memory.LiveGrowth():N0} B");
                Assert.Multiple(() =>
                {
                    Assert.That(S(greeting), Is.EqualTo("hello\r\n"));
                    Assert.That(sessions, Has.Count.EqualTo(1), "no session was emitted for a failed handshake");
                    Assert.That(memory.LiveGrowth(), Is.LessThan(16 * MiB));
                });
            }
            finally
            {
                await DisposeWithinAsync(good);
            }
        }
        finally
        {
            await DisposeListenerAndSessionsAsync(listener, sessions);
        }
    }

    [Test]
    public async Task TlsListener_ClientStallsMidHandshake_DroppedAfterHandshakeTimeoutOthersServed()
    {
        var certificate = TestCertificate.Value;
        var (listener, sessions) = StartGreetingTlsListener(certificate);
        var port = listener.LocalEndPoint.Port;
        var memory = new MemoryProbe();
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await stalled.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
            var watch = Stopwatch.StartNew();
            await stalled.SendAsync(new byte[] { 22, 3, 1 }, SocketFlags.None); // three bytes of a record header, then silence
            var dropped = ServerEndWithinAsync(stalled, TelnetListener.HandshakeTimeout + Bound, "half a record header");

            var transport = await WithinAsync(
                TlsTransport.ConnectAsync("localhost", port, (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString(), ConnectTimeout),
                ConnectTimeout + Slack,
                "a good TLS client while another stalls its handshake");
            var good = new TelnetSession(transport).Start();
            try
            {
                var greeting = await WithinAsync(good.ReadUntilAsync(B("hello\r\n"), Bound), Bound + Slack, "the good client's greeting");
                var placesHeld = listener.ActiveSessionCount;
                var outcome = await dropped;
                var stalledFor = watch.Elapsed;

                Report($"good client greeted while {placesHeld} places were held; the stalled client was {outcome} after {stalledFor.TotalMilliseconds:N0} ms (handshake timeout {TelnetListener.HandshakeTimeout.TotalSeconds} s); live growth {memory.LiveGrowth():N0} B");
                Assert.Multiple(() =>
                {
                    Assert.That(S(greeting), Is.EqualTo("hello\r\n"), "a stalled handshake holds up no one else");
                    Assert.That(placesHeld, Is.EqualTo(2), "the stalled handshake holds a place until it is dropped");
                    Assert.That(stalledFor, Is.GreaterThanOrEqualTo(TelnetListener.HandshakeTimeout - TimeSpan.FromMilliseconds(100)));
                    Assert.That(stalledFor, Is.LessThan(TelnetListener.HandshakeTimeout + Slack), "dropped at the handshake timeout");
                    Assert.That(sessions, Has.Count.EqualTo(1));
                    Assert.That(memory.LiveGrowth(), Is.LessThan(16 * MiB));
                });
                await EventuallyAsync(() => listener.ActiveSessionCount == 1, Bound, "the stalled client's place being freed");
            }
            finally
            {
                await DisposeWithinAsync(good);
            }
        }
        finally
        {
            await DisposeListenerAndSessionsAsync(listener, sessions);
        }
    }

    // ---- 10: a flooded listener still greets ------------------------------------------------------------------

    [Test]
    public async Task Listener_OneClientFloodsNegotiation_SecondClientGreetedWithin2s()
    {
        var sessions = new ConcurrentQueue<TelnetSession>();
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Sessions.Subscribe(s =>
        {
            // A greeter that takes a moment (a banner lookup, a log line): the flood is already waiting in the
            // socket when the session starts, as it is whenever the server is busy.
            Thread.Sleep(100);
            sessions.Enqueue(s);
            _ = s.WriteAsync(B("hello\r\n"));
        });
        var port = listener.LocalEndPoint.Port;
        var memory = new MemoryProbe();
        var stats = new FloodStats();
        using var stop = new CancellationTokenSource(Lifetime);
        var flooder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task? flood = null;
        try
        {
            await flooder.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
            flood = Task.WhenAll(Hostile.DrainAsync(flooder, stats, stop.Token), Hostile.FloodAsync(flooder, NegotiationBlock, stats, stop.Token));
            await WithinAsync(Task.Run(async () =>
            {
                while (stats.Sent < 4 * MiB)
                {
                    await Task.Delay(10);
                }
            }), Bound, "the flood getting going");

            using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var watch = Stopwatch.StartNew();
            await second.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
            using var greetingLimit = new CancellationTokenSource();
            var greeting = Hostile.ReadUntilAsync(second, "hello\r\n", greetingLimit.Token);
            var got = await OutcomeWithinAsync(greeting, TimeSpan.FromSeconds(2), "the second client's greeting");
            var greeted = watch.Elapsed;
            await greetingLimit.CancelAsync();
            var growth = memory.LiveGrowth();

            Report($"second client greeted after {greeted.TotalMilliseconds:N0} ms ({got}); flood {stats}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(got, Is.EqualTo("ok"), "greeted within 2 s while the first client floods");
                Assert.That(greeting.IsCompletedSuccessfully ? greeting.Result : string.Empty, Is.EqualTo("hello\r\n"));
                Assert.That(stats.StoppedByMemoryValve, Is.False);
                Assert.That(growth, Is.LessThan(32 * MiB));
            });
        }
        finally
        {
            try
            {
                // While the flood still runs: neither may wait for it to end.
                await DisposeWithinAsync(listener);
                foreach (var s in sessions)
                {
                    await DisposeWithinAsync(s);
                }
            }
            finally
            {
                await stop.CancelAsync();
                flooder.Dispose();
                if (flood is not null)
                {
                    await Task.WhenAny(flood, Task.Delay(Bound));
                    _ = flood.Exception;
                }
            }
        }
    }

    // ---- 11: the listener's session limit ------------------------------------------------------------------------

    [Test]
    public async Task Listener_MaxSessionsReached_ExtraConnectionsClosedAndCounted()
    {
        const int max = 3;
        const int extra = 4;
        var sessions = new ConcurrentQueue<TelnetSession>();
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), maxSessions: max);
        listener.Sessions.Subscribe(s =>
        {
            sessions.Enqueue(s);
            _ = ServeAsync(s);
        });
        var port = listener.LocalEndPoint.Port;
        var memory = new MemoryProbe();
        var clients = new List<Socket>();
        using var limit = new CancellationTokenSource(Lifetime);
        try
        {
            for (var i = 0; i < max; i++)
            {
                var socket = await ConnectRawAsync(port, clients);
                Assert.That(await WithinAsync(Hostile.ReadUntilAsync(socket, "hello\r\n", limit.Token), Bound, $"client {i}'s greeting"), Is.EqualTo("hello\r\n"));
            }

            Assert.That(listener.ActiveSessionCount, Is.EqualTo(max));
            var rejected = new List<string>();
            for (var i = 0; i < extra; i++)
            {
                var socket = await ConnectRawAsync(port, clients);
                rejected.Add(await ServerEndWithinAsync(socket, Bound, "a connection past the limit"));
            }

            await EventuallyAsync(() => listener.RejectedCount == extra, Bound, "every extra connection counted");
            var activeAtLimit = listener.ActiveSessionCount;
            var emittedAtLimit = sessions.Count;

            // A place frees when a session closes: the next client is served again.
            clients[0].Dispose();
            await EventuallyAsync(() => listener.ActiveSessionCount == max - 1, Bound, "the closed session's place being freed");
            var next = await ConnectRawAsync(port, clients);
            var greeting = await WithinAsync(Hostile.ReadUntilAsync(next, "hello\r\n", limit.Token), Bound, "the greeting once a place is free");
            var growth = memory.LiveGrowth();

            Report($"extra connections: {string.Join("; ", rejected)}; rejected {listener.RejectedCount}, active {activeAtLimit} at the limit, accepted {listener.AcceptedCount}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(rejected, Has.All.Contains("(0 B before)"), "closed at once, without a greeting");
                Assert.That(activeAtLimit, Is.EqualTo(max));
                Assert.That(emittedAtLimit, Is.EqualTo(max), "no session was made for a rejected connection");
                Assert.That(greeting, Is.EqualTo("hello\r\n"));
                Assert.That(listener.RejectedCount, Is.EqualTo(extra));
                Assert.That(listener.ActiveSessionCount, Is.EqualTo(max));
                Assert.That(growth, Is.LessThan(16 * MiB));
            });
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }

            await DisposeWithinAsync(listener);
            foreach (var s in sessions)
            {
                await DisposeWithinAsync(s);
            }
        }

        static async Task ServeAsync(TelnetSession session)
        {
            try
            {
                await session.WriteAsync(B("hello\r\n"));
                await session.ReadAllAsync(); // until the client leaves
            }
            catch (TelnetException)
            {
            }
            finally
            {
                session.Dispose();
            }
        }
    }

    // ---- 12: ReadAll over 20 MiB --------------------------------------------------------------------------------

    [Test]
    public async Task ReadAll_20MiBThenDone_ReturnsEveryByteSessionAndFacade()
    {
        var body = Letters(20 * 1024 * 1024);
        byte[] expected = [.. body, .. B("\r\nDONE\r\n")];
        await using var server = HostileServer.Start((socket, token) => SendAndCloseAsync(socket, expected, token), Lifetime, connections: 2);
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port);
        byte[] all;
        TimeSpan sessionTime;
        try
        {
            var watch = Stopwatch.StartNew();
            all = await WithinAsync(client.ReadAllAsync(), Bound, "ReadAllAsync of 20 MiB");
            sessionTime = watch.Elapsed;
        }
        finally
        {
            await DisposeWithinAsync(client);
        }

        var sessionGrowth = memory.LiveGrowth();
        Report($"session: {all.Length:N0} B in {sessionTime.TotalMilliseconds:N0} ms; live growth with the result held {sessionGrowth:N0} B");
        Assert.Multiple(() =>
        {
            Assert.That(all.Length, Is.EqualTo(expected.Length), "every byte up to end of stream, not a silently truncated part");
            Assert.That(S(all[^8..]), Is.EqualTo("\r\nDONE\r\n"));
            Assert.That(all.AsSpan().SequenceEqual(expected), Is.True, "the bytes in order");
            Assert.That(sessionGrowth, Is.LessThan(3L * expected.Length), "the result, and not many copies of it");
        });
        all = [];

        var telnet = await WithinAsync(Task.Run(() => new Telnet(Host, server.Port, ConnectTimeout)), ConnectTimeout + Slack, "new Telnet(host, port, timeout)");
        try
        {
            var watch = Stopwatch.StartNew();
            var facade = await WithinAsync(Task.Run(telnet.ReadAll), Bound, "Telnet.ReadAll of 20 MiB");
            Report($"facade: {facade.Length:N0} B in {watch.Elapsed.TotalMilliseconds:N0} ms");
            Assert.That(facade.Length, Is.EqualTo(expected.Length));
            Assert.That(facade.AsSpan().SequenceEqual(expected), Is.True);
        }
        finally
        {
            await DisposeWithinAsync(telnet);
        }
    }

    [Test]
    public async Task ReadAll_PastMaxReadAllBytes_FailsTypedMemoryBounded()
    {
        const int limit = 1024 * 1024;
        var body = Letters(64 * 1024 * 1024);
        await using var server = HostileServer.Start((socket, token) => SendAndCloseAsync(socket, body, token), Lifetime);
        var memory = new MemoryProbe();

        var (client, _) = await ConnectWithinAsync(server.Port, new TelnetSessionOptions { MaxReadAllBytes = limit });
        try
        {
            var error = await FailureWithinAsync(client.ReadAllAsync(), Bound, "ReadAllAsync past its limit");
            var growth = memory.LiveGrowth();
            var limitError = error as TelnetBufferLimitExceededException;

            Report($"{error?.GetType().Name}: {error?.Message}; closed {client.CurrentState.Reason}; live growth {growth:N0} B");
            Assert.Multiple(() =>
            {
                Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>(), "past the limit ReadAll fails; it never returns a part as if the stream had ended");
                Assert.That(limitError?.LimitName, Is.EqualTo("MaxReadAllBytes"));
                Assert.That(limitError?.Limit, Is.EqualTo(limit));
                Assert.That(growth, Is.LessThan(8L * limit), "memory follows the limit, not the 64 MiB offered");
            });
        }
        finally
        {
            await DisposeWithinAsync(client);
        }
    }

    // ---- 13: the command-line client ----------------------------------------------------------------------------

    [Test]
    public async Task Cli_ScriptAgainstNegotiationFlood_ExitsWithinBoundMemoryBounded()
    {
        var cliBound = TimeSpan.FromSeconds(30);
        var stats = new FloodStats();
        await using var server = HostileServer.Start(
            (socket, token) => Task.WhenAll(Hostile.DrainAsync(socket, stats, token), Hostile.FloodAsync(socket, NegotiationBlock, stats, token)),
            Lifetime);
        var dll = Path.Combine(AppContext.BaseDirectory, "RxTelnet.Cli.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var script = Path.Combine(Path.GetTempPath(), $"rxtelnet-hostile-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(script, "# the flood never sends a login prompt\ntimeout 1\nexpect login: \n");
        try
        {
            var watch = Stopwatch.StartNew();
            using var process = ChildProcess.Start(
                "dotnet",
                ["exec", dll, Host, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connect-timeout", "3", "--script", script],
                "dotnet is not on PATH.");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExitAsync();
            long peak = 0;
            while (!exited.IsCompleted && watch.Elapsed < cliBound)
            {
                try
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                }
                catch (InvalidOperationException)
                {
                    // Exited between the check and the refresh.
                }

                await Task.WhenAny(exited, Task.Delay(100));
            }

            var elapsed = watch.Elapsed;
            if (!exited.IsCompleted)
            {
                process.Kill(entireProcessTree: true);
                await exited.WaitAsync(Bound);
            }

            var stderr = await errors.WaitAsync(Bound);
            _ = await output.WaitAsync(Bound);
            Report($"rxtelnet exited {(exited.IsCompletedSuccessfully && elapsed < cliBound ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NOT (killed)")} after {elapsed.TotalMilliseconds:N0} ms; peak working set {peak:N0} B; {stats}; stderr: {stderr.Trim()}");
            Assert.Multiple(() =>
            {
                Assert.That(elapsed, Is.LessThan(cliBound), "rxtelnet exits against a negotiation flood");
                Assert.That(process.ExitCode, Is.EqualTo(2), "its expect timed out: the connect returned and the script ran");
                Assert.That(stderr, Does.Contain("timed out"));
                Assert.That(peak, Is.LessThan(512 * MiB), "its memory stays bounded while it is flooded");
            });
        }
        finally
        {
            File.Delete(script);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void Report(string line) => TestContext.Out.WriteLine(line);

    /// <summary>Connects off the test's thread (a receive loop that runs inline must not take the test with it), bounded by the connect timeout.</summary>
    private static async Task<(TelnetSession Session, TimeSpan Took)> ConnectWithinAsync(int port, TelnetSessionOptions? options = null, Action<TelnetSession>? configure = null)
    {
        var watch = Stopwatch.StartNew();
        var session = await WithinAsync(
            Task.Run(() => TelnetClient.ConnectAsync(Host, port, options, ConnectTimeout, configure)),
            ConnectTimeout + Slack,
            "ConnectAsync with a 3 s connect timeout");
        return (session, watch.Elapsed);
    }

    /// <summary>
    /// Called before the session starts receiving: returns once the peer's first bytes wait in the socket, so that
    /// the receive loop starts on a socket that is never empty (the worst case for a loop that runs inline).
    /// </summary>
    private static void AwaitPeerBytes(TelnetSession session) =>
        SpinWait.SpinUntil(() => session.Socket is { Available: > 0 }, TimeSpan.FromSeconds(2));

    /// <summary>Samples <see cref="TelnetSession.PendingSendBytes"/> for <paramref name="duration"/>; the most seen.</summary>
    private static async Task<long> MostPendingSendBytesAsync(TelnetSession session, TimeSpan duration)
    {
        long most = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            most = Math.Max(most, session.PendingSendBytes);
            await Task.Delay(5);
        }

        return most;
    }

    /// <summary>Samples <see cref="TelnetSession.PendingSendBytes"/> for <paramref name="duration"/>; the least seen.</summary>
    private static async Task<long> LeastPendingSendBytesAsync(TelnetSession session, TimeSpan duration)
    {
        var least = long.MaxValue;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            least = Math.Min(least, session.PendingSendBytes);
            await Task.Delay(5);
        }

        return least;
    }

    /// <summary>
    /// Writes <see cref="BlockingWrite"/>-byte blocks, each awaited, until one no longer completes: the peer does not
    /// read and the transport is stuck on the closed TCP window.
    /// </summary>
    /// <returns>The write that is stuck, and what went out before it.</returns>
    private static async Task<(Task Blocked, long SentBefore)> WriteUntilBlockedAsync(TelnetSession session)
    {
        var data = new byte[BlockingWrite];
        Array.Fill(data, (byte)'w');
        long sent = 0;
        while (true)
        {
            var write = session.WriteAsync(data);
            if (await Task.WhenAny(write, Task.Delay(TimeSpan.FromMilliseconds(500))) != write)
            {
                return (write, sent);
            }

            await write;
            sent += data.Length;
            Assert.That(sent, Is.LessThan(256 * MiB), "a peer that never reads must block us at some point");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="bound"/>.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan bound, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > bound)
            {
                Assert.Fail($"{what} did not happen within {bound.TotalSeconds:0.#} s");
            }

            await Task.Delay(10);
        }
    }

    private static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan bound, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(bound)) != task)
        {
            Abandon(task);
            Assert.Fail($"{what} did not finish within {bound.TotalSeconds:0.#} s (managed heap now {GC.GetTotalMemory(forceFullCollection: false):N0} B)");
        }

        return await task;
    }

    private static async Task WithinAsync(Task task, TimeSpan bound, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(bound)) != task)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            Assert.Fail($"{what} did not finish within {bound.TotalSeconds:0.#} s");
        }

        await task;
    }

    /// <summary>Waits for <paramref name="task"/> within <paramref name="bound"/>; "ok", "canceled" or the exception's type name.</summary>
    private static async Task<string> OutcomeWithinAsync(Task task, TimeSpan bound, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(bound)) != task)
        {
            Abandon(task);
            return $"still running after {bound.TotalSeconds:0.#} s ({what})";
        }

        if (task.IsCanceled || task.Exception?.GetBaseException() is OperationCanceledException)
        {
            _ = task.Exception;
            return "canceled";
        }

        if (task.Exception is { } ex)
        {
            return ex.GetBaseException().GetType().Name;
        }

        if (task is Task<TelnetSession> { Result: { } session })
        {
            await DisposeWithinAsync(session);
        }

        return "ok";
    }

    private static async Task<Exception?> FailureWithinAsync(Task task, TimeSpan bound, string what)
    {
        await WithinAsync(task.ContinueWith(static t => t, TaskScheduler.Default), bound, what);
        return task.Exception?.GetBaseException() ?? (task.IsCanceled ? new OperationCanceledException() : null);
    }

    /// <summary>Lets a task that did not finish in time run on; disposes what it returns and observes its failure.</summary>
    private static void Abandon(Task task) =>
        _ = task.ContinueWith(
            static t =>
            {
                _ = t.Exception;
                if (t.IsCompletedSuccessfully && t.GetType().GetProperty("Result")?.GetValue(t) is IDisposable result)
                {
                    result.Dispose();
                }
            },
            TaskScheduler.Default);

    private static async Task DisposeWithinAsync(IDisposable disposable)
    {
        var watch = Stopwatch.StartNew();
        await WithinAsync(Task.Run(disposable.Dispose), DisposeBound, $"Dispose of {disposable.GetType().Name}");
        Report($"{disposable.GetType().Name}.Dispose took {watch.Elapsed.TotalMilliseconds:N0} ms");
    }

    private static async Task<Socket> ConnectRawAsync(int port, List<Socket> owned)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        owned.Add(socket);
        await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
        return socket;
    }

    /// <summary>Waits until the server closes <paramref name="socket"/> (end of stream or reset) while we keep our side open.</summary>
    private static async Task<string> ServerEndWithinAsync(Socket socket, TimeSpan bound, string what)
    {
        var buffer = new byte[4096];
        var read = 0;
        using var limit = new CancellationTokenSource(bound);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (n == 0)
                {
                    return $"closed by the server ({read} B before)";
                }

                read += n;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return $"reset by the server ({read} B before)";
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server kept the connection that sent {what} for {bound.TotalSeconds:0.#} s");
            throw;
        }
    }

    private static async Task SendAndCloseAsync(Socket socket, byte[] data, CancellationToken token)
    {
        for (var at = 0; at < data.Length;)
        {
            at += await socket.SendAsync(data.AsMemory(at, Math.Min(64 * 1024, data.Length - at)), SocketFlags.None, token);
        }

        socket.Shutdown(SocketShutdown.Send);
        await Hostile.DrainAsync(socket, new FloodStats(), token); // until the client closes
    }

    /// <summary>Printable letters and LF: bytes every cooking passes through unchanged.</summary>
    private static byte[] Letters(int length)
    {
        var b = new byte[length];
        for (var i = 0; i < length; i++)
        {
            b[i] = i % 61 == 60 ? (byte)'\n' : (byte)('a' + (i % 26));
        }

        return b;
    }

    /// <summary>Seeded garbage that reaches every parser state: random runs, stray IACs, negotiations, SBs with and without an end, CR and NUL.</summary>
    private static byte[] Garbage(int seed, int length)
    {
        var random = new Random(seed);
        var bytes = new List<byte>(length + 256);
        while (bytes.Count < length)
        {
            switch (random.Next(20))
            {
                case < 13:
                    var run = new byte[random.Next(1, 64)];
                    random.NextBytes(run);
                    bytes.AddRange(run);
                    break;
                case 13:
                    bytes.AddRange([255, (byte)random.Next(256)]);
                    break;
                case 14 or 15:
                    bytes.AddRange([255, (byte)random.Next(251, 255), (byte)random.Next(256)]);
                    break;
                case 16:
                    var sb = new byte[random.Next(0, 100)];
                    random.NextBytes(sb);
                    bytes.AddRange([255, 250, (byte)random.Next(256), .. sb]);
                    if (random.Next(2) == 0)
                    {
                        bytes.AddRange([255, 240]);
                    }

                    break;
                case 17:
                    bytes.AddRange([255, 240]);
                    break;
                case 18:
                    bytes.AddRange([13, (byte)(random.Next(2) == 0 ? 0 : 10)]);
                    break;
                default:
                    bytes.AddRange([255, 255]);
                    break;
            }
        }

        return [.. bytes];
    }
}

/// <summary>Live managed memory since it was made, measured after a full collection.</summary>
internal sealed class MemoryProbe
{
    /// <summary>Gets the live managed memory when the probe was made.</summary>
    public long Baseline { get; } = GC.GetTotalMemory(forceFullCollection: true);

    public long LiveGrowth() => GC.GetTotalMemory(forceFullCollection: true) - Baseline;
}
