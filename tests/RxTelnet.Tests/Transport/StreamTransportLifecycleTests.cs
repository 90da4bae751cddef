namespace RxTelnet.Tests.Transport;

using System.Text;
using RxTelnet.Transport;

/// <summary>
/// <see cref="StreamTransport"/>'s argument checks, closing and disposal, and how its received stream ends: an error
/// from the stream is surfaced, while closing or unsubscribing locally is a quiet end.
/// </summary>
[TestFixture]
public sealed class StreamTransportLifecycleTests
{
    private static readonly TimeSpan Patience = Loopback.Patience;

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    [Test]
    public void Constructor_StreamThatCannotWrite_IsRejectedNamingIt()
    {
        using var readOnly = new MemoryStream(B("abc"), writable: false);

        Assert.That(
            () => new StreamTransport(readOnly),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("stream").And.Message.Contains("readable and writable"));
    }

    [Test]
    public void Constructor_StreamThatCannotRead_IsRejectedNamingIt()
    {
        using var writeOnly = new WriteOnlyStream();

        Assert.That(
            () => new StreamTransport(writeOnly),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("stream").And.Message.Contains("readable and writable"));
    }

    [Test]
    public void SendAsync_AfterClose_ThrowsObjectDisposedAndWritesNothing()
    {
        // Not owned, so the stream itself stays writable: only the transport's own check can refuse the send.
        var stream = new MemoryStream();
        var transport = new StreamTransport(stream, ownsStream: false);
        transport.Close();

        Assert.That(async () => await transport.SendAsync(B("late")), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(stream.Length, Is.Zero, "nothing reached the stream");
    }

    [Test]
    public void Close_OwnedStream_DisposesItAndCallsOnClosingOnce()
    {
        var stream = new MemoryStream();
        var transport = new ObservedStreamTransport(stream, ownsStream: true);

        transport.Close();
        transport.Close();

        Assert.That(stream.CanRead, Is.False, "the owned stream was disposed");
        Assert.That(transport.ClosingCalls, Is.EqualTo(1), "closing again does nothing");
    }

    [Test]
    public void Close_StreamNotOwned_LeavesItOpen()
    {
        var stream = new MemoryStream();
        var transport = new ObservedStreamTransport(stream, ownsStream: false);

        transport.Close();

        Assert.That(stream.CanRead, Is.True);
        Assert.That(transport.ClosingCalls, Is.EqualTo(1));
    }

    [Test]
    public void Dispose_ClosesTheTransport_AndDisposingAgainIsHarmless()
    {
        var stream = new MemoryStream();
        var transport = new ObservedStreamTransport(stream, ownsStream: true);

        transport.Dispose();

        Assert.That(stream.CanRead, Is.False);
        Assert.That(() => transport.Dispose(), Throws.Nothing, "the second dispose must not touch what the first released");
        Assert.That(() => transport.Close(), Throws.Nothing);
        Assert.That(transport.ClosingCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task DisposeAsync_ClosesTheTransport()
    {
        var stream = new MemoryStream();
        var transport = new ObservedStreamTransport(stream, ownsStream: true);

        await transport.DisposeAsync();

        Assert.That(stream.CanRead, Is.False);
        Assert.That(transport.ClosingCalls, Is.EqualTo(1));
        Assert.That(async () => await transport.SendAsync(B("x")), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Received_SecondSubscriber_FailsSayingWhy()
    {
        using var transport = new StreamTransport(new PendingReadStream(honourCancellation: true));
        using var first = transport.Received.Subscribe(_ => { });
        Exception? error = null;

        using var second = transport.Received.Subscribe(_ => { }, e => error = e);

        Assert.That(error, Is.InstanceOf<InvalidOperationException>().With.Message.Contains("one subscriber"));
    }

    [Test]
    public async Task Received_ReadFails_EndsWithThatError()
    {
        var failure = new IOException("connection reset by the test");
        using var transport = new StreamTransport(new FailingStream(failure));
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = transport.Received.Subscribe(_ => { }, e => ended.TrySetResult(e), () => ended.TrySetResult(null));

        var error = await ended.Task.WaitAsync(Patience);

        // An I/O error while open is the peer's doing or the network's: it must not pass for a quiet end of stream.
        Assert.That(error, Is.SameAs(failure));
    }

    [Test]
    public async Task Close_WhileAReadIsPending_CancelsItAndCompletesQuietly()
    {
        // Not owned, so nothing is disposed: only the cancellation of the pending read can end it.
        var stream = new PendingReadStream(honourCancellation: true);
        using var transport = new StreamTransport(stream, ownsStream: false);
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = transport.Received.Subscribe(_ => { }, e => ended.TrySetResult(e), () => ended.TrySetResult(null));
        await stream.ReadStarted.Task.WaitAsync(Patience);

        transport.Close();

        Assert.That(await ended.Task.WaitAsync(Patience), Is.Null, "completed, not failed with the cancellation");
        Assert.That(stream.ReadCancelled, Is.True);
    }

    [Test]
    public async Task Close_WhileAReadThatIgnoresCancellationIsPending_CompletesWhenDisposingTheStreamFailsIt()
    {
        // Like a stream that cannot cancel reads: the read ends only when the stream is disposed, with
        // ObjectDisposedException, which after a local close is an end of stream and not an error.
        var stream = new PendingReadStream(honourCancellation: false);
        using var transport = new StreamTransport(stream, ownsStream: true);
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = transport.Received.Subscribe(_ => { }, e => ended.TrySetResult(e), () => ended.TrySetResult(null));
        await stream.ReadStarted.Task.WaitAsync(Patience);

        transport.Close();

        Assert.That(await ended.Task.WaitAsync(Patience), Is.Null);
        Assert.That(stream.IsDisposed, Is.True);
    }

    [Test]
    public async Task Unsubscribing_CancelsThePendingRead_AndIsNoError()
    {
        // Subscribed as the session subscribes (a transient receiver, called directly, not through Rx's auto-detaching
        // wrapper), so what the loop does after the unsubscription is visible.
        var stream = new PendingReadStream(honourCancellation: true);
        using var transport = new StreamTransport(stream, ownsStream: false);
        var receiver = new RecordingReceiver();
        var subscription = ((ITransientReceiveSource)transport).SubscribeTransient(receiver);
        await stream.ReadStarted.Task.WaitAsync(Patience);

        subscription.Dispose();

        Assert.That(await receiver.Ended.Task.WaitAsync(Patience), Is.Null, "the cancelled read is not reported as an error");
        Assert.That(stream.ReadCancelled, Is.True);
    }

    [Test]
    public async Task UpgradeToTlsAsync_FromTheReceiveThreadOutsideOnNext_IsRefused()
    {
        // The stream's second read runs on the receive loop's thread right after the first chunk was delivered:
        // the same thread, but no longer inside OnNext, so it is not the switch point.
        Exception? refused = null;
        StreamTransport? transport = null;
        var stream = new CallbackStream(read =>
        {
            if (read == 1)
            {
                refused = Catch(() => transport!.UpgradeToTlsAsync(default, Task.CompletedTask, StartTlsOptions.Client("h")));
                return 0;
            }

            return 3;
        });
        transport = new StreamTransport(stream);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = transport.Received.Subscribe(_ => { }, e => ended.TrySetException(e), () => ended.TrySetResult());

        await ended.Task.WaitAsync(Patience);
        transport.Dispose();

        Assert.That(refused, Is.InstanceOf<InvalidOperationException>().With.Message.Contains("inside OnNext"));
    }

    [Test]
    public async Task UpgradeToTlsAsync_FromTheReceiveThreadAfterATransientDelivery_IsRefused()
    {
        // As above, for a chunk the receiver took as a span (no OnNext at all).
        Exception? refused = null;
        StreamTransport? transport = null;
        var stream = new CallbackStream(read =>
        {
            if (read == 1)
            {
                refused = Catch(() => transport!.UpgradeToTlsAsync(default, Task.CompletedTask, StartTlsOptions.Client("h")));
                return 0;
            }

            return 3;
        });
        transport = new StreamTransport(stream);
        var receiver = new RecordingReceiver();
        using var _ = ((ITransientReceiveSource)transport).SubscribeTransient(receiver);

        await receiver.Ended.Task.WaitAsync(Patience);
        transport.Dispose();

        Assert.That(receiver.TransientChunks, Is.EqualTo(1), "the first chunk was taken as a span");
        Assert.That(refused, Is.InstanceOf<InvalidOperationException>().With.Message.Contains("inside OnNext"));
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Records OnClosing calls and exposes the current stream.</summary>
    private sealed class ObservedStreamTransport(Stream stream, bool ownsStream) : StreamTransport(stream, ownsStream)
    {
        public int ClosingCalls { get; private set; }

        protected override void OnClosing() => ClosingCalls++;
    }

    /// <summary>Takes every chunk as a span and records how the stream ended (null for completion).</summary>
    private sealed class RecordingReceiver : ITransientReceiver
    {
        public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int TransientChunks { get; private set; }

        public bool TryReceiveTransient(ReadOnlySpan<byte> chunk)
        {
            TransientChunks++;
            return true;
        }

        public void OnNext(byte[] value)
        {
        }

        public void OnError(Exception error) => Ended.TrySetResult(error);

        public void OnCompleted() => Ended.TrySetResult(null);
    }

    private abstract class TestStreamBase : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class WriteOnlyStream : TestStreamBase
    {
        public override bool CanRead => false;
    }

    /// <summary>Every read fails with the given error.</summary>
    private sealed class FailingStream(Exception failure) : TestStreamBase
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(failure);
    }

    /// <summary>Each read returns how many bytes the callback says (given the read's index), filled with 'x'.</summary>
    private sealed class CallbackStream(Func<int, int> onRead) : TestStreamBase
    {
        private int _reads;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(onRead(_reads++), buffer.Length);
            buffer.Span[..n].Fill((byte)'x');
            return ValueTask.FromResult(n);
        }
    }

    /// <summary>
    /// A read that never returns data: it ends when its token is cancelled (if it honours cancellation) or when the
    /// stream is disposed, with <see cref="ObjectDisposedException"/>.
    /// </summary>
    private sealed class PendingReadStream(bool honourCancellation) : TestStreamBase
    {
        private readonly TaskCompletionSource<int> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReadStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ReadCancelled { get; private set; }

        public bool IsDisposed { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (honourCancellation)
            {
                cancellationToken.Register(() =>
                {
                    ReadCancelled = true;
                    _read.TrySetCanceled(cancellationToken);
                });
            }

            ReadStarted.TrySetResult();
            return new ValueTask<int>(_read.Task);
        }

        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            _read.TrySetException(new ObjectDisposedException(nameof(PendingReadStream)));
            base.Dispose(disposing);
        }
    }
}
