namespace RxTelnet.Tests.Transport;

using System.Reactive;
using RxTelnet.Transport;

/// <summary>
/// <see cref="StreamTransport"/>'s receive loop over a <see cref="MemoryStream"/>, whose reads complete at once:
/// chunk ownership for full and partial reads, and pausing from inside the delivery of a chunk.
/// </summary>
[TestFixture]
public sealed class StreamTransportTests
{
    private const int ReadSize = 1024;

    private static byte[] Data(int length)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        return data;
    }

    [Test]
    public async Task Received_FullAndPartialReads_EmitsFreshArraysThatStayIntact()
    {
        var data = Data((4 * ReadSize) + 100);
        using var transport = new StreamTransport(new MemoryStream(data), receiveBufferSize: ReadSize);
        var chunks = new List<byte[]>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(chunks.Add, e => done.TrySetException(e), () => done.TrySetResult());

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(chunks.Select(static c => c.Length), Is.EqualTo(new[] { ReadSize, ReadSize, ReadSize, ReadSize, 100 }));
        Assert.That(chunks.Distinct().Count(), Is.EqualTo(chunks.Count), "every chunk is its own array");
        Assert.That(chunks.SelectMany(static c => c), Is.EqualTo(data), "and none was written to after it was emitted");
    }

    [Test]
    public async Task PauseReceiving_FromInsideADelivery_NoFurtherReadUntilResumed()
    {
        var data = Data(4 * ReadSize);
        var paused = 0;
        var readsWhilePaused = 0;
        var stream = new ReadWatchingStream(data, () =>
        {
            if (Volatile.Read(ref paused) != 0)
            {
                Interlocked.Increment(ref readsWhilePaused);
            }
        });
        using var transport = new StreamTransport(stream, receiveBufferSize: ReadSize);
        var chunks = new List<byte[]>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(Observer.Create<byte[]>(
            chunk =>
            {
                chunks.Add(chunk);
                if (chunks.Count == 1)
                {
                    // The loop goes on at once after this returns: a read it issued now would be counted.
                    transport.PauseReceiving();
                    Volatile.Write(ref paused, 1);
                    first.SetResult();
                }
            },
            e => done.TrySetException(e),
            () => done.TrySetResult()));

        await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(stream.Position, Is.EqualTo(ReadSize), "the stream was not read past the first chunk");

        Volatile.Write(ref paused, 0);
        transport.ResumeReceiving();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(readsWhilePaused, Is.Zero, "no read was issued while paused");
        Assert.That(chunks.SelectMany(static c => c), Is.EqualTo(data), "nothing lost or reordered");
    }

    [Test]
    public void Subscribe_StreamAlwaysReadable_ReturnsAtOnceAndDeliversOnAnotherThread()
    {
        // A stream that never runs dry, as a peer that floods without pause: reads complete at once, for ever.
        var subscriber = Environment.CurrentManagedThreadId;
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = new StreamTransport(new EndlessStream(), receiveBufferSize: ReadSize);
        var subscription = transport.Received.Subscribe(_ =>
        {
            threads.TryAdd(Environment.CurrentManagedThreadId, true);
            received.TrySetResult();
        });

        // Returning at all proves it: before, the loop ran here and never handed the thread back.
        Assert.That(received.Task.Wait(TimeSpan.FromSeconds(10)), Is.True, "chunks arrive");
        transport.Close();
        subscription.Dispose();
        Assert.That(threads.Keys, Does.Not.Contain(subscriber), "no chunk was delivered on the subscriber's thread");
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            return count;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class ReadWatchingStream(byte[] data, Action onRead) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            onRead();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            onRead();
            return base.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onRead();
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            onRead();
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }
    }

    [Test]
    public async Task Received_ReadsThatFillTheBuffer_AskForMoreUpToTheLimit_ThenSmallAgainAfterTheBurst()
    {
        // Each entry is how many bytes the stream has for one read; it records how many each read asked for.
        var stream = new ScriptedStream([16 * 1024, 32 * 1024, 64 * 1024, 64 * 1024, 10, 16 * 1024, 100]);
        using var transport = new StreamTransport(stream);
        var chunks = new List<byte[]>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(chunks.Add, e => done.TrySetException(e), () => done.TrySetResult());

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        const int k = 1024;
        Assert.That(stream.Asked, Is.EqualTo(new[] { 16 * k, 32 * k, 64 * k, 64 * k, 64 * k, 16 * k, 32 * k, 16 * k }));
        Assert.That(chunks.Select(static c => c.Length), Is.EqualTo(new[] { 16 * k, 32 * k, 64 * k, 64 * k, 10, 16 * k, 100 }));
        Assert.That(StreamTransport.DefaultReceiveBufferSize, Is.EqualTo(64 * k));
    }

    [Test]
    public async Task Received_OverASocketThatGoesIdle_WaitsWithoutABufferAndDeliversEverySendThenTheEnd()
    {
        // Over a NetworkStream the loop waits with zero-byte reads after a short read: an idle wait must neither
        // look like the end of the stream nor lose or reorder bytes.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await accept;
        using var transport = new StreamTransport(new System.Net.Sockets.NetworkStream(client, ownsSocket: false));
        var received = new System.Collections.Concurrent.BlockingCollection<byte[]>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(received.Add, e => done.TrySetException(e), () => done.TrySetResult());

        var sent = new List<byte>();
        var all = new List<byte>();
        for (var i = 1; i <= 5; i++)
        {
            // Each send waits until the previous one arrived, so the loop is idle in between.
            var data = Data(i * 100).Select(b => (byte)(b + i)).ToArray();
            sent.AddRange(data);
            server.Send(data);
            var got = 0;
            while (got < data.Length)
            {
                Assert.That(received.TryTake(out var chunk, TimeSpan.FromSeconds(10)), Is.True, "the bytes arrive");
                got += chunk!.Length;
                all.AddRange(chunk);
            }
        }

        server.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        received.CompleteAdding();

        Assert.That(done.Task.IsCompletedSuccessfully, Is.True, "the peer's end is the end of the stream");
        Assert.That(received.Count, Is.Zero);
        Assert.That(all, Is.EqualTo(sent), "every byte once, in order, in arrays that stayed intact");
    }

    [Test]
    public async Task Received_AReadOfAQuarterResetsTheSize_ButALargerShortReadKeepsIt()
    {
        // A read of exactly a quarter of the buffer ends the burst; one between a quarter and full does not.
        const int k = 1024;
        var stream = new ScriptedStream([16 * k, 8 * k, 16 * k, 10 * k]);
        using var transport = new StreamTransport(stream);
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(_ => { }, e => done.TrySetException(e), () => done.TrySetResult());

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Asked, Is.EqualTo(new[] { 16 * k, 32 * k, 16 * k, 32 * k, 32 * k }));
    }

    [Test]
    public async Task Received_OverANetworkStream_WaitsWithAZeroByteReadFirstAndAfterEachShortRead_NotAfterAFullOne()
    {
        // A NetworkStream whose reads are scripted (the socket only satisfies its constructor), so the sequence of
        // reads is exact: a zero-byte read is how the loop waits without holding a buffer.
        const int k = 1024;
        var (client, server) = await Loopback.ConnectPairAsync();
        using var __ = client;
        using var ___ = server;
        var stream = new ScriptedNetworkStream(client, [16 * k, 100, 16 * k]);
        using var transport = new StreamTransport(stream);
        var chunks = new List<int>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(c => chunks.Add(c.Length), e => done.TrySetException(e), () => done.TrySetResult());

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Asked, Is.EqualTo(new[] { 0, 16 * k, 32 * k, 0, 16 * k, 32 * k }));
        Assert.That(chunks, Is.EqualTo(new[] { 16 * k, 100, 16 * k }), "the zero-byte waits are neither data nor the end");
    }

    /// <summary>A network stream whose reads return the scripted lengths, then end; it records what each read asked for.</summary>
    private sealed class ScriptedNetworkStream(System.Net.Sockets.Socket socket, int[] reads) : System.Net.Sockets.NetworkStream(socket, ownsSocket: false)
    {
        private int _next;

        public List<int> Asked { get; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Asked.Add(buffer.Length);
            if (buffer.IsEmpty || _next == reads.Length)
            {
                return ValueTask.FromResult(0);
            }

            var n = Math.Min(reads[_next++], buffer.Length);
            buffer.Span[..n].Fill((byte)_next);
            return ValueTask.FromResult(n);
        }
    }

    /// <summary>A stream whose reads return the scripted lengths, then end; it records what each read asked for.</summary>
    private sealed class ScriptedStream(int[] reads) : Stream
    {
        private int _next;

        public List<int> Asked { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Asked.Add(buffer.Length);
            if (_next == reads.Length)
            {
                return 0;
            }

            var n = Math.Min(reads[_next++], buffer.Length);
            buffer[..n].Fill((byte)_next);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
        }
    }
}
