namespace RxTelnet.Transport;

using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxTelnet.Internal;

/// <summary>
/// A transport over any <see cref="Stream"/>: a <see cref="NetworkStream"/>, an <see cref="System.Net.Security.SslStream"/>
/// for TLS, a serial port or an SSH channel.
/// </summary>
/// <remarks>
/// <para>
/// Receives into a buffer rented from <see cref="ArrayPool{T}.Shared"/> only for the length of one read, and emits an
/// exactly sized fresh copy of what it read, so no pooled buffer ever escapes (see <see cref="ITelnetTransport"/> on
/// ownership). A read that fills its buffer makes the next one twice as large, up to the receive buffer size, so bulk
/// transfers take fewer reads; a read that fills a quarter or less goes back to 16 KiB. Over a socket
/// (<see cref="NetworkStream"/>), after a read that did not fill its buffer the loop first waits with a zero-byte
/// read, which holds no buffer at all, so an idle connection keeps no receive buffer. A read of zero bytes into a
/// non-empty buffer is the end of the stream. While paused (<see cref="IReceiveFlowControl"/>) no read is issued, so
/// the bytes wait in the stream.
/// </para>
/// <para>
/// It can switch to TLS in place (<see cref="UpgradeToTlsAsync"/>, for START-TLS): the receive loop stops reading
/// plain bytes at the switch point, wraps the stream in an <see cref="SslStream"/>, and goes on from there.
/// </para>
/// </remarks>
public class StreamTransport : ITlsUpgradableTransport, IReceiveFlowControl, ITransientReceiveSource
{
    /// <summary>The default most bytes one read asks for: 64 KiB, used only while reads keep filling smaller buffers.</summary>
    public const int DefaultReceiveBufferSize = 64 * 1024;

    // What a read asks for at first and after a burst: idle connections hold no more than this.
    private const int InitialReadSize = 16 * 1024;

    // Reads in a row that complete at once before the loop yields its thread to other work.
    private const int MaxInlineReads = 32;

    private readonly Stream _original;
    private readonly bool _ownsStream;
    private readonly int _receiveBufferSize;
    private readonly CancellationTokenSource _closed = new();
    private readonly ReceiveGate _receiveGate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private volatile Stream _stream;
    private TlsUpgrade? _upgrade;
    private int _deliveringThread;
    private int _subscribed;
    private int _closedFlag;

    /// <summary>Creates a transport over <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable and writable stream.</param>
    /// <param name="ownsStream">Whether closing the transport disposes the stream.</param>
    /// <param name="receiveBufferSize">The most bytes one read asks for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read or cannot write.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="receiveBufferSize"/> is less than 1.</exception>
    public StreamTransport(Stream stream, bool ownsStream = true, int receiveBufferSize = DefaultReceiveBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanWrite)
        {
            throw new ArgumentException("The stream must be readable and writable.", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(receiveBufferSize, 1);
        _stream = stream;
        _original = stream;
        _ownsStream = ownsStream;
        _receiveBufferSize = receiveBufferSize;
        Received = Observable.Create<byte[]>(SubscribeReceiver);
    }

    /// <inheritdoc/>
    public IObservable<byte[]> Received { get; }

    /// <inheritdoc/>
    public virtual Socket? Socket => (_stream as NetworkStream)?.Socket;

    /// <inheritdoc/>
    public virtual EndPoint? RemoteEndPoint => Socket?.RemoteEndPoint;

    /// <inheritdoc/>
    public virtual EndPoint? LocalEndPoint => Socket?.LocalEndPoint;

    /// <inheritdoc/>
    public bool IsSecure => _stream is SslStream;

    /// <summary>Gets the stream this transport reads and writes now (an <see cref="SslStream"/> after a START-TLS upgrade).</summary>
    protected Stream Stream => _stream;

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closedFlag) != 0, this);

        // The lock only ever waits while a START-TLS handshake owns the stream.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = _stream;
            await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc/>
    public Task UpgradeToTlsAsync(ReadOnlyMemory<byte> alreadyReceived, Task lastPlainSent, StartTlsOptions tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastPlainSent);
        ArgumentNullException.ThrowIfNull(tls);
        if (Volatile.Read(ref _deliveringThread) != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("A TLS upgrade must be started from inside OnNext of the transport's received stream, at the switch point.");
        }

        if (IsSecure)
        {
            throw new InvalidOperationException("The connection is already secured by TLS.");
        }

        if (_upgrade is not null)
        {
            throw new InvalidOperationException("A TLS upgrade is already under way.");
        }

        _upgrade = new TlsUpgrade(alreadyReceived.ToArray(), lastPlainSent, tls, cancellationToken);
        return _upgrade.Completion.Task;
    }

    /// <inheritdoc/>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closedFlag, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        OnClosing();
        var current = _stream;
        if (!ReferenceEquals(current, _original))
        {
            // The TLS layer added by an upgrade: it leaves the original stream open unless we own it.
            current.Dispose();
        }

        if (_ownsStream)
        {
            _original.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Close();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void PauseReceiving() => _receiveGate.Pause();

    /// <inheritdoc/>
    public void ResumeReceiving() => _receiveGate.Resume();

    /// <summary>Called once when the transport closes, before the stream is disposed.</summary>
    protected virtual void OnClosing()
    {
    }

    /// <inheritdoc/>
    IDisposable ITransientReceiveSource.SubscribeTransient(ITransientReceiver receiver) => SubscribeReceiver(receiver);

    private IDisposable SubscribeReceiver(IObserver<byte[]> observer)
    {
        if (Interlocked.Exchange(ref _subscribed, 1) != 0)
        {
            observer.OnError(new InvalidOperationException("A transport's received stream supports one subscriber (its session)."));
            return Disposable.Empty;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);

        // Never on the subscriber's thread: while the peer keeps the stream readable, reads complete synchronously and
        // the loop would never hand that thread back (a negotiation flood would hold a connect or an accept loop).
        var token = stop.Token;
        _ = Task.Run(() => ReceiveLoopAsync(observer, token), CancellationToken.None);
        return Disposable.Create(() =>
        {
            stop.Cancel();
            stop.Dispose();
        });
    }

    private async Task ReceiveLoopAsync(IObserver<byte[]> observer, CancellationToken token)
    {
        var transient = observer as ITransientReceiver;
        var initial = Math.Min(InitialReadSize, _receiveBufferSize);
        var size = initial;
        var drained = true;
        var inline = 0;
        try
        {
            while (true)
            {
                await _receiveGate.WaitAsync(token).ConfigureAwait(false);
                if (drained && _stream is NetworkStream idle)
                {
                    // Wait for data without a buffer: an idle connection holds none. Completes at once when data or
                    // the end of stream is already there; the read below tells which.
                    await idle.ReadAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                }

                // Rented for this read only; not zeroed: only what the read writes is ever copied out.
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                byte[]? chunk = null;
                try
                {
                    var read = _stream.ReadAsync(buffer.AsMemory(0, size), token);
                    if (read.IsCompleted && ++inline >= MaxInlineReads)
                    {
                        // A peer that keeps the stream readable must not keep this pool thread for ever: let others run.
                        inline = 0;
                        await Task.Yield();
                    }
                    else if (!read.IsCompleted)
                    {
                        inline = 0;
                    }

                    var n = await read.ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    drained = n < size;
                    if (transient is null || !DeliverTransient(transient, buffer.AsSpan(0, n)))
                    {
                        // An exactly sized fresh array, the bytes' only copy: the receiver owns it, the rented buffer never escapes.
                        chunk = buffer.AsSpan(0, n).ToArray();
                    }

                    if (n == size)
                    {
                        // A full read: more is probably waiting, so ask for more next time.
                        size = Math.Min(2 * size, _receiveBufferSize);
                    }
                    else if (n <= size / 4)
                    {
                        // The burst is over.
                        size = initial;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (chunk is not null)
                {
                    Volatile.Write(ref _deliveringThread, Environment.CurrentManagedThreadId);
                    try
                    {
                        observer.OnNext(chunk);
                    }
                    finally
                    {
                        Volatile.Write(ref _deliveringThread, 0);
                    }
                }

                if (_upgrade is { } upgrade)
                {
                    // The receiver found the switch point in that chunk: no more plain bytes are read.
                    await UpgradeAsync(upgrade, token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (IsClosedByUs(ex, token))
        {
            // Closed locally: that is an end of stream, not an error.
        }
        catch (Exception ex)
        {
            observer.OnError(ex);
            return;
        }

        observer.OnCompleted();
    }

    private bool DeliverTransient(ITransientReceiver receiver, ReadOnlySpan<byte> chunk)
    {
        Volatile.Write(ref _deliveringThread, Environment.CurrentManagedThreadId);
        try
        {
            return receiver.TryReceiveTransient(chunk);
        }
        finally
        {
            Volatile.Write(ref _deliveringThread, 0);
        }
    }

    private async Task UpgradeAsync(TlsUpgrade upgrade, CancellationToken token)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token, upgrade.CancellationToken);
        if (upgrade.Options.HandshakeTimeout != Timeout.InfiniteTimeSpan)
        {
            limit.CancelAfter(upgrade.Options.HandshakeTimeout);
        }

        try
        {
            // Our FOLLOWS goes out through the ordinary send path; nothing may follow it in plain text.
            await upgrade.LastPlainSent.WaitAsync(limit.Token).ConfigureAwait(false);
            await _sendLock.WaitAsync(limit.Token).ConfigureAwait(false);
            try
            {
                var plain = _stream;
                var inner = upgrade.AlreadyReceived.Length > 0 ? new PrefixedStream(upgrade.AlreadyReceived, plain, leaveInnerOpen: true) : plain;
                var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
                try
                {
                    if (upgrade.Options.ServerOptions is { } server)
                    {
                        await ssl.AuthenticateAsServerAsync(server, limit.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await ssl.AuthenticateAsClientAsync(upgrade.Options.ClientOptions!, limit.Token).ConfigureAwait(false);
                    }
                }
                catch
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                _stream = ssl;
                if (Volatile.Read(ref _closedFlag) != 0)
                {
                    // Closed while the handshake ran: Close saw the plain stream, so the new layer is ours to drop.
                    await ssl.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested && !upgrade.CancellationToken.IsCancellationRequested)
        {
            var timeout = new TimeoutException($"The START-TLS handshake took longer than {upgrade.Options.HandshakeTimeout}.", ex);
            upgrade.Completion.TrySetException(timeout);
            throw timeout;
        }
        catch (Exception ex)
        {
            upgrade.Completion.TrySetException(ex);
            throw;
        }
        finally
        {
            _upgrade = null;
        }

        upgrade.Completion.TrySetResult();
    }

    private bool IsClosedByUs(Exception ex, CancellationToken token) =>
        (token.IsCancellationRequested || Volatile.Read(ref _closedFlag) != 0)
        && ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException;

    private sealed class TlsUpgrade(byte[] alreadyReceived, Task lastPlainSent, StartTlsOptions options, CancellationToken cancellationToken)
    {
        public byte[] AlreadyReceived { get; } = alreadyReceived;

        public Task LastPlainSent { get; } = lastPlainSent;

        public StartTlsOptions Options { get; } = options;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Not RunContinuationsAsynchronously: a receiver continuing with ExecuteSynchronously runs before the receive
        // loop reads its first TLS bytes, so it learns that TLS is up before it sees any data that came over it.
        public TaskCompletionSource Completion { get; } = new();
    }
}
