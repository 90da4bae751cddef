namespace RxTelnet.IntegrationTests.Reliability;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// Network faults over loopback TCP against a raw socket peer: reset mid-sequence, half-close, a flood without a
/// prompt, and many short sessions. Each has a clear outcome and keeps what was received before the fault.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultTests : LeakCheckedTest
{
    private static async Task<(Socket Server, TelnetSession Client)> ConnectRawAsync(
        TcpListener listener, TelnetSessionOptions? options = null, Action<TelnetSession>? configure = null)
    {
        var accept = listener.AcceptSocketAsync();
        var client = await TelnetClient.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, options, Deadline, configure).WaitAsync(Deadline);
        return (await accept.WaitAsync(Deadline), client);
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    [Test]
    public async Task Reset_MidSubnegotiation_ClosesWithTransportError_DataBeforeFaultKept()
    {
        var listener = Listen();
        try
        {
            byte[] prefix = [.. B("hello\r\n"), 255, 250, 24, 0, .. B("xte")];
            var received = 0;
            var gotPrefix = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var events = new List<string>();
            var eventsEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var (server, client) = await ConnectRawAsync(listener, configure: s =>
            {
                s.RawReceived.Subscribe(c =>
                {
                    if (Interlocked.Add(ref received, c.Length) >= prefix.Length)
                    {
                        gotPrefix.TrySetResult();
                    }
                });
                s.Events.Subscribe(e => events.Add(Describe(e)), ex => eventsEnded.TrySetResult(ex), () => eventsEnded.TrySetResult(null));
            });
            using var _ = client;
            var closed = client.State.FirstAsync(static s => s.IsClosed).ToTask();

            server.Send(prefix);
            await gotPrefix.Task.WaitAsync(Deadline);
            var pending = client.ReadUntilAsync(B("$ "));
            server.LingerState = new LingerOption(true, 0);
            server.Close(); // linger 0: the kernel sends RST instead of FIN

            var state = await closed.WaitAsync(Deadline);
            var streamError = await eventsEnded.Task.WaitAsync(Deadline);

            // Linux reports the reset to the pending receive: a transport error. (A FIN racing the RST would be a RemoteClose.)
            TestContext.Out.WriteLine($"closed as {state.Reason}: {state.Error?.GetType().Name} {state.Error?.Message}");
            Assert.That(state.Reason, Is.EqualTo(TelnetCloseReason.TransportError).Or.EqualTo(TelnetCloseReason.RemoteClose));
            if (state.Reason == TelnetCloseReason.TransportError)
            {
                Assert.That(state.Error, Is.InstanceOf<IOException>().Or.InstanceOf<SocketException>());
                Assert.That(streamError, Is.SameAs(state.Error), "the hot streams end with the transport's error");
            }

            Assert.That(S(await pending.WaitAsync(Deadline)), Is.EqualTo("hello\r\n"), "the read pending at the fault gets what was received before it");
            Assert.That(events, Is.EqualTo(new[] { "D:hello\r\n", "W:TruncatedSequence:24" }), "the cut-off subnegotiation is reported, not lost silently");
            Assert.That(async () => await client.ReadUntilAsync(B("$ ")), Throws.InstanceOf<IOException>().Or.InstanceOf<SocketException>().Or.InstanceOf<TelnetEofException>(),
                "the next read reports the fault");
            Assert.That(async () => await client.WriteAsync(B("x")), Throws.TypeOf<TelnetClosedException>());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task Reset_AfterData_DataStillReadableThroughReadBuffered()
    {
        var listener = Listen();
        try
        {
            var gotData = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var (server, client) = await ConnectRawAsync(listener, configure: s => s.Data.Subscribe(_ => gotData.TrySetResult()));
            using var _ = client;
            var closed = client.State.FirstAsync(static s => s.IsClosed).ToTask();

            server.Send(B("line one\r\nline two"));
            await gotData.Task.WaitAsync(Deadline);
            server.LingerState = new LingerOption(true, 0);
            server.Close();
            await closed.WaitAsync(Deadline);

            var kept = S(client.ReadBuffered());
            Assert.That(kept, Is.Not.Empty, "what arrived before the reset is readable after it");
            Assert.That("line one\r\nline two".StartsWith(kept, StringComparison.Ordinal), Is.True, $"and it is a prefix of what was sent: \"{kept}\"");
            Assert.That(() => client.ReadBuffered(), Throws.InstanceOf<TelnetException>(), "then the fault is reported");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task HalfClose_PeerShutsDownSending_ClientSeesEofButCanStillWrite_ThenClosesItsSide()
    {
        // The peer's FIN ends our reading side only: a last command still reaches a device that half-closed, as
        // telnetlib's would; our Close then ends the connection, and the peer reads end of stream.
        var listener = Listen();
        try
        {
            var (server, client) = await ConnectRawAsync(listener);
            using var _ = server;
            using var __ = client;

            server.Send(B("bye\r\n"));
            server.Shutdown(SocketShutdown.Send);

            Assert.That(S(await client.ReadAllAsync().WaitAsync(Deadline)), Is.EqualTo("bye\r\n"));
            Assert.That(client.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
            Assert.That(client.IsEof, Is.True);
            await client.WriteAsync(B("still there?")).WaitAsync(Deadline);

            var buffer = new byte[16];
            var n = await server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Deadline);
            Assert.That(S(buffer[..n]), Is.EqualTo("still there?"), "the write after the peer's FIN arrived");

            client.Close();
            n = await server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Deadline);
            Assert.That(n, Is.Zero, "the client closed its side: the peer reads end of stream");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task Flood_WithoutPrompt_BufferLimitClosesSession_PeerStopped_MemoryBounded()
    {
        const int limit = 1024 * 1024;
        const long offered = 256L * 1024 * 1024;
        var listener = Listen();
        try
        {
            var (server, client) = await ConnectRawAsync(listener, new TelnetSessionOptions { MaxBufferedBytes = limit });
            using var _ = server;
            using var __ = client;
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var read = client.ReadUntilAsync(B("$ "));

            // The peer writes up to 256 MiB without a prompt, until the connection goes away under it.
            var flood = Task.Run(() =>
            {
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'z');
                long sent = 0;
                try
                {
                    while (sent < offered)
                    {
                        sent += server.Send(chunk);
                    }
                }
                catch (SocketException)
                {
                }

                return sent;
            });

            Assert.That(async () => await read.WaitAsync(Deadline), Throws.TypeOf<TelnetBufferLimitExceededException>());
            var sent = await flood.WaitAsync(Deadline);
            var growth = GC.GetTotalMemory(forceFullCollection: true) - before;

            TestContext.Out.WriteLine($"peer sent {sent} bytes before it saw the close; live growth {growth} bytes");
            Assert.That(client.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
            Assert.That(sent, Is.LessThan(offered), "the peer was stopped by the close, not by running out of data");
            Assert.That(growth, Is.LessThan(16L * limit), "memory stays bounded by the limit, not by what the peer sends");
            Assert.That(client.ReadBuffered().Length, Is.LessThanOrEqualTo(limit));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task Flood_ReaderBehind_SocketPausedPeerHeldBack_NothingLost()
    {
        const int limit = 256 * 1024;
        const int block = 4096;
        const int blocks = 8 * 1024;
        var listener = Listen();
        try
        {
            var (server, client) = await ConnectRawAsync(listener, new TelnetSessionOptions { MaxBufferedBytes = limit });
            using var _ = server;
            using var __ = client;
            server.SendBufferSize = 64 * 1024;
            var halfQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = client.Data.Subscribe(_ =>
            {
                if (client.BufferedCount >= limit / 2)
                {
                    halfQueued.TrySetResult();
                }
            });

            // 32 MiB in 4 KiB blocks, each ending with a prompt and filled with a letter that says where it belongs.
            var flood = Task.Run(() =>
            {
                var chunk = new byte[16 * block];
                for (var i = 0; i < blocks; i += 16)
                {
                    for (var j = 0; j < 16; j++)
                    {
                        var part = chunk.AsSpan(j * block, block);
                        part.Fill((byte)('a' + ((i + j) % 26)));
                        "$ "u8.CopyTo(part[^2..]);
                    }

                    server.Send(chunk);
                }
            });

            await halfQueued.Task.WaitAsync(Deadline);

            // Not reading: without pausing, the session would take in the flood and fail at the limit.
            await Task.WhenAny(flood, Task.Delay(TimeSpan.FromMilliseconds(300)));
            Assert.That(client.CurrentState.IsClosed, Is.False, "the session paused instead of failing");
            Assert.That(client.BufferedCount, Is.LessThanOrEqualTo(limit));
            Assert.That(flood.IsCompleted, Is.False, "the peer is held back by the closed TCP window");

            var wrong = 0;
            var most = 0;
            for (var i = 0; i < blocks; i++)
            {
                var data = await client.ReadUntilAsync(B("$ ")).WaitAsync(Deadline);
                if (data.Length != block || data[0] != (byte)('a' + (i % 26)) || data[^3] != data[0])
                {
                    wrong++;
                }

                most = Math.Max(most, client.BufferedCount);
            }

            await flood.WaitAsync(Deadline);
            Assert.That(wrong, Is.Zero, "every block arrived whole and in order");
            Assert.That(most, Is.LessThanOrEqualTo(limit));
            Assert.That(client.CurrentState.IsClosed, Is.False);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task Sessions_OpenedAndClosedInLoop_NoThreadLeftBehind()
    {
        const int sessions = 200;
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Sessions.Subscribe(static s => _ = GreetAsync(s));
        var port = listener.LocalEndPoint.Port;
        await VisitAsync(port); // warm up the pool and the JIT
        var before = ThreadCount();

        for (var i = 0; i < sessions; i++)
        {
            Assert.That(await VisitAsync(port), Is.EqualTo("hi\r\n"), $"session {i}");
        }

        var after = ThreadCount();
        TestContext.Out.WriteLine($"threads before {before}, after {sessions} sessions {after}");
        Assert.That(after, Is.LessThan(before + (sessions / 4)), "a thread per session would show here");

        static async Task GreetAsync(TelnetSession session)
        {
            await using (session)
            {
                await session.WriteTextAsync("hi\n");
            }
        }

        static async Task<string> VisitAsync(int port)
        {
            await using var client = await TelnetClient.ConnectAsync("127.0.0.1", port, connectTimeout: Deadline);
            return S(await client.ReadAllAsync().WaitAsync(Deadline));
        }
    }
}
