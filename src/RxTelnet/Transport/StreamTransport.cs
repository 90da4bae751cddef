namespace RxTelnet.Transport;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxTelnet.Internal;

/// <summary>
/// A transport over any <see cref="Stream"/>: a <see cref="NetworkStream"/>, an <see cref="System.Net.Security.SslStream"/>
/// for TLS, a serial port or an SSH channel.
/// </summary>
/// <remarks>
/// Receives into a private buffer and emits an exactly sized copy of each read, so no reused buffer ever escapes
/// (see <see cref="ITelnetTransport"/> on ownership); a read that fills the buffer emits the buffer itself, and the
/// next read gets a fresh one, twice as large up to the receive buffer size, so bulk transfers take fewer reads;
/// a read that fills a quarter or less goes back to 16 KiB. A read of zero bytes is the end of the stream. While paused
/// (<see cref="IReceiveFlowControl"/>) no read is issued, so the bytes wait in the stream.
/// </remarks>
public class StreamTransport : ITelnetTransport, IReceiveFlowControl
{
    /// <summary>The default most bytes one read asks for: 64 KiB, used only while reads keep filling smaller buffers.</summary>
    public const int DefaultReceiveBufferSize = 64 * 1024;

    // What a read asks for at first and after a burst: idle connections hold no more than this.
    private const int InitialReadSize = 16 * 1024;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly int _receiveBufferSize;
    private readonly CancellationTokenSource _closed = new();
    private readonly ReceiveGate _receiveGate = new();
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

    /// <summary>Gets the stream this transport reads and writes.</summary>
    protected Stream Stream => _stream;

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closedFlag) != 0, this);
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
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
        if (_ownsStream)
        {
            _stream.Dispose();
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

    private IDisposable SubscribeReceiver(IObserver<byte[]> observer)
    {
        if (Interlocked.Exchange(ref _subscribed, 1) != 0)
        {
            observer.OnError(new InvalidOperationException("A transport's received stream supports one subscriber (its session)."));
            return Disposable.Empty;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        _ = ReceiveLoopAsync(observer, stop.Token);
        return Disposable.Create(() =>
        {
            stop.Cancel();
            stop.Dispose();
        });
    }

    private async Task ReceiveLoopAsync(IObserver<byte[]> observer, CancellationToken token)
    {
        // Not zeroed: a read writes what it returns, and only that is ever emitted.
        var initial = Math.Min(InitialReadSize, _receiveBufferSize);
        var buffer = GC.AllocateUninitializedArray<byte>(initial);
        try
        {
            while (true)
            {
                await _receiveGate.WaitAsync(token).ConfigureAwait(false);
                var n = await _stream.ReadAsync(buffer, token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (n == buffer.Length)
                {
                    // A full read: hand the buffer itself over and read into a fresh, larger one next time.
                    observer.OnNext(buffer);
                    buffer = GC.AllocateUninitializedArray<byte>(Math.Min(2 * buffer.Length, _receiveBufferSize));
                    continue;
                }

                // An exactly sized fresh array: the receiver owns it, our buffer never escapes.
                observer.OnNext(buffer.AsSpan(0, n).ToArray());
                if (n <= buffer.Length / 4 && buffer.Length > initial)
                {
                    // The burst is over: an idle connection keeps only a small buffer.
                    buffer = GC.AllocateUninitializedArray<byte>(initial);
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

    private bool IsClosedByUs(Exception ex, CancellationToken token) =>
        (token.IsCancellationRequested || Volatile.Read(ref _closedFlag) != 0)
        && ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException;
}
