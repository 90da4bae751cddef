namespace RxTelnet.Tests.Session;

using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The session's inbound path from a transport's reused receive buffer: chunks are parsed in place and their cooked
/// bytes copied into the read queue's pooled blocks when nothing outside the session keeps received arrays or data
/// slices; subscribers to the hot streams get bytes of their own, never the lent buffer. The transport double lends
/// one buffer and scribbles over it after every chunk, so anyone who kept a reference to it reads garbage.
/// </summary>
[TestFixture]
public sealed class TransientReceiveTests : ReactiveTest
{
    private const byte Iac = 255, Sb = 250, Se = 240, Will = 251, Do = 253;

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    private static (TestScheduler Scheduler, LendingTransport Transport, TelnetSession Session) Create(
        TelnetSessionOptions? options = null, params byte[][] chunks) => Create(options, complete: true, chunks);

    private static (TestScheduler Scheduler, LendingTransport Transport, TelnetSession Session) Create(
        TelnetSessionOptions? options, bool complete, params byte[][] chunks)
    {
        var scheduler = new TestScheduler();
        var messages = chunks.Select((c, i) => OnNext(210 + (10 * i), c))
            .Concat(complete ? [OnCompleted<byte[]>(210 + (10 * chunks.Length))] : [])
            .ToArray();
        var transport = new LendingTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, (options ?? new TelnetSessionOptions()) with { Scheduler = scheduler });
        return (scheduler, transport, session);
    }

    [Test]
    public void NoSubscribers_EveryChunkIsParsedFromTheLentBufferAndReadsGetTheRightBytes()
    {
        var (scheduler, transport, session) = Create(null, B("one$ t"), B("wo$ th"), [.. B("r"), Iac, Iac, .. B("e\r\0e$ "), Iac]);
        session.Start();

        scheduler.AdvanceTo(300);
        var reads = new[] { session.ReadUntilAsync(B("$ ")), session.ReadUntilAsync(B("$ ")), session.ReadUntilAsync(B("$ ")) };

        Assert.That(reads.Select(r => S(r.Result)), Is.EqualTo(new[] { "one$ ", "two$ ", "thr\u00ffe\re$ " }), "IAC IAC and CR NUL cooked, nothing from the scribbled buffer");
        Assert.That((transport.Lent, transport.Declined), Is.EqualTo((3, 0)), "no chunk needed an array of its own");
    }

    [Test]
    public void ReadPendingAcrossChunks_CompletesFromTheQueueAfterTheBufferWasReused()
    {
        var (scheduler, transport, session) = Create(null, B(new string('a', 3000)), B(new string('b', 20000)), B("c$ rest"));
        session.Start();
        var read = session.ReadUntilAsync(B("$ "));

        scheduler.AdvanceTo(300);

        Assert.That(S(read.Result), Is.EqualTo(new string('a', 3000) + new string('b', 20000) + "c$ "));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("rest"));
        Assert.That(transport.Lent, Is.EqualTo(3));
    }

    [Test]
    public void CommandsInsideAChunk_SeeExactlyTheDataBeforeThemQueued()
    {
        var (scheduler, _, session) = Create(null, [.. B("ab"), Iac, Will, 1, .. B("cd"), Iac, Do, 31, .. B("ef")]);
        var seen = new List<string>();
        session.SetOptionNegotiationCallback(command => seen.Add($"{command.Verb}:{S(session.ReadBuffered())}"));
        session.Start();

        scheduler.AdvanceTo(215);

        Assert.That(seen, Is.EqualTo(new[] { "Will:ab", "Do:cd" }), "data and commands keep their stream order");
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("ef"));
    }

    [Test]
    public void SubnegotiationPayload_IsTheCommandsOwnCopy()
    {
        var (scheduler, transport, session) = Create(null, [.. B("x"), Iac, Sb, 24, 0, .. B("vt100"), Iac, Se], B("next chunk over the same buffer"));
        var commands = new List<TelnetCommand>();
        session.SetOptionNegotiationCallback(commands.Add);
        session.Start();

        scheduler.AdvanceTo(300);

        Assert.That(commands.Single().Payload.ToArray(), Is.EqualTo([0, .. B("vt100")]), "the lent buffer was scribbled since");
        Assert.That(transport.Lent, Is.EqualTo(2));
    }

    [Test]
    public void EventsAndDataSubscribers_KeepBytesOfTheirOwn()
    {
        var (scheduler, transport, session) = Create(null, [.. B("hello "), Iac, Iac], B("world"), B("!"));
        var events = new List<TelnetEvent>();
        var data = new List<ReadOnlyMemory<byte>>();
        session.Events.Subscribe(events.Add);
        session.Data.Subscribe(data.Add);
        session.Start();

        scheduler.AdvanceTo(300);

        Assert.That(string.Concat(events.Where(e => e.IsData).Select(e => S(e.Data.Span))), Is.EqualTo("hello \u00ffworld!"));
        Assert.That(string.Concat(data.Select(d => S(d.Span))), Is.EqualTo("hello \u00ffworld!"), "kept slices are not the lent buffer");
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("hello \u00ffworld!"), "the queue got the bytes too");
        Assert.That(transport.Lent, Is.EqualTo(3), "only the data was copied, not each chunk");
    }

    [Test]
    public void RawSubscriber_GetsEveryChunkAsAnArrayOfItsOwn()
    {
        var (scheduler, transport, session) = Create(null, B("abc"), B("def"));
        var raw = new List<byte[]>();
        session.RawReceived.Subscribe(raw.Add);
        session.Start();

        scheduler.AdvanceTo(300);

        Assert.That(raw.Select(r => S(r)), Is.EqualTo(new[] { "abc", "def" }));
        Assert.That((transport.Lent, transport.Declined), Is.EqualTo((0, 2)), "raw subscribers keep arrays, so the session declined the lent buffer");
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("abcdef"));
    }

    [Test]
    public void DetectDeadPeer_HearsLentChunksWithoutTurningTheLentPathOff()
    {
        var (scheduler, transport, session) = Create(null, complete: false, B("a"), B("b"), B("c"));
        session.Start();
        scheduler.AdvanceTo(200);
        using var watch = session.DetectDeadPeer(TimeSpan.FromTicks(50));

        scheduler.AdvanceTo(279);
        Assert.That(session.CurrentState.Reason, Is.Not.EqualTo(TelnetCloseReason.DeadPeer), "the chunks at 210, 220 and 230 were heard");
        Assert.That((transport.Lent, transport.Declined), Is.EqualTo((3, 0)), "the watch needs no arrays");
        scheduler.AdvanceTo(280);
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.DeadPeer), "50 ticks after the last chunk");
    }

    [Test]
    public void Mccp2StartingInsideALentChunk_InflatesTheRestAndReturnsToPlain()
    {
        byte[] compressedPart = [.. B("compressed line\r\n"), Iac, 249, .. B("after GA "), Iac, Iac, .. B("done\r\n")];
        byte[] wire = [Iac, Will, 86, .. B("before\r\n"), Iac, Sb, 86, Iac, Se, .. Zlib(compressedPart), .. B("plain again\r\n")];
        const string Expected = "before\r\ncompressed line\r\nafter GA \u00ffdone\r\nplain again\r\n";
        var options = new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2) };

        for (var split = 0; split <= wire.Length; split += 7)
        {
            var (scheduler, transport, session) = Create(options, wire[..split], wire[split..]);
            session.Start();
            var all = session.ReadAllAsync();
            scheduler.AdvanceTo(300);

            Assert.That(S(all.Result), Is.EqualTo(Expected), $"split at {split}");

            // IAC WILL 86, "before\r\n", IAC SB 86 IAC SE: compressed bytes start at 16 and end 13 bytes before the end.
            // A chunk that starts inside the compressed stream is inflated from an array of its own, so it is declined;
            // any other chunk is lent.
            var declined = split >= 16 && split < wire.Length - 13 ? 1 : 0;
            Assert.That((transport.Lent, transport.Declined), Is.EqualTo((2 - declined, declined)), $"split at {split}");
        }
    }

    [Test]
    public async Task OverLoopbackTcp_ReadsIntoAWriterMatchTheSentBytes()
    {
        // The real StreamTransport: its receive loop lends its rented buffer to the session.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var server = await accept;
        await using var session = new TelnetSession(new SocketTransport(client)).Start();
        var block = Enumerable.Range(0, 4094).Select(i => (byte)('a' + (i % 26))).Concat(B("$ ")).ToArray();
        byte[] wire = [.. Enumerable.Range(0, 200).SelectMany(i => i % 7 == 0 ? [Iac, 241, .. block] : block)];
        var send = Task.Run(() => server.Send(wire));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        for (var i = 0; i < 200; i++)
        {
            await session.ReadUntilAsync(B("$ "), writer, cancellationToken: cancel.Token);
        }

        await send;
        Assert.That(writer.WrittenSpan.ToArray(), Is.EqualTo(Enumerable.Repeat(block, 200).SelectMany(b => b).ToArray()), "IAC NOP removed, every byte in order");
    }

    private static byte[] Zlib(byte[] plain)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(plain);
        }

        return ms.ToArray();
    }

    /// <summary>
    /// Lends one reused buffer to a receiver that takes transient chunks, scribbling over it after each, and falls back
    /// to an owned array when the receiver declines; sends are recorded by an <see cref="ObservableTransport"/>.
    /// </summary>
    private sealed class LendingTransport(IObservable<byte[]> incoming) : ITelnetTransport, ITransientReceiveSource
    {
        private readonly ObservableTransport _inner = new(incoming);
        private readonly byte[] _lent = new byte[64 * 1024];

        public int Lent { get; private set; }

        public int Declined { get; private set; }

        public IObservable<byte[]> Received => _inner.Received;

        public Socket? Socket => null;

        public EndPoint? RemoteEndPoint => null;

        public EndPoint? LocalEndPoint => null;

        public IDisposable SubscribeTransient(ITransientReceiver receiver) =>
            _inner.Received.Subscribe(
                chunk =>
                {
                    chunk.CopyTo(_lent, 0);
                    if (receiver.TryReceiveTransient(_lent.AsSpan(0, chunk.Length)))
                    {
                        Lent++;
                        _lent.AsSpan().Fill(0xEE);
                    }
                    else
                    {
                        Declined++;
                        receiver.OnNext(chunk.ToArray());
                    }
                },
                receiver.OnError,
                receiver.OnCompleted);

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => _inner.SendAsync(data, cancellationToken);

        public void Close() => _inner.Close();

        public void Dispose() => _inner.Dispose();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
