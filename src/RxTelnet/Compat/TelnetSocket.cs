namespace RxTelnet.Compat;

using System.Reactive.Concurrency;
using RxTelnet.Transport;

/// <summary>
/// What telnetlib's socket is to it, over an <see cref="ITelnetTransport"/>: received chunks wait here, as bytes
/// wait in a socket's receive buffer, until a <c>recv</c> takes at most the bytes asked for; <c>select</c> waits for
/// them on the instance's scheduler; <c>sendall</c> goes through one ordered, bounded queue.
/// </summary>
/// <remarks>
/// <para>
/// <b>Bounds.</b> The receive side holds at most <c>maxReceived</c> bytes: over a transport that can pause
/// (<see cref="IReceiveFlowControl"/>) receiving pauses at 64 KiB and resumes below 16 KiB, so the rest waits in the
/// socket; over one that cannot, going past the bound is reported by the next <c>recv</c> as
/// <see cref="TelnetBufferLimitExceededException"/>. The send side holds at most <c>maxPendingSend</c> bytes.
/// </para>
/// <para>
/// <b>Threads.</b> A waiter (<see cref="WaitReadableAsync"/>) is woken on the thread that delivers the chunk or fires
/// the timer, and its continuation runs there, inline, even under a synchronization context: with a
/// <c>TestScheduler</c> a read advances exactly as far as the virtual clock lets it, and no further.
/// </para>
/// </remarks>
internal sealed class TelnetSocket : IDisposable
{
    private const int PauseAt = 64 * 1024;
    private const int ResumeAt = 16 * 1024;

    // What one queued send costs beyond its bytes (the send, its task): counted, so that many tiny sends stay bounded.
    private const int SendOverhead = 64;

    // Past this many bytes (with overhead) waiting to be sent, reads wait before their next recv, as telnetlib's
    // sendall blocks once the socket's send buffer is full.
    private const int SendRoomMark = 64 * 1024;

    private readonly object _gate = new();
    private readonly ITelnetTransport _transport;
    private readonly IScheduler _scheduler;
    private readonly IReceiveFlowControl? _flowControl;
    private readonly int _maxReceived;
    private readonly int _maxPendingSend;
    private readonly Queue<byte[]> _chunks = new();
    private readonly Queue<Send> _sends = new();
    private readonly IDisposable _subscription;
    private int _headOffset;
    private long _received;
    private bool _paused;
    private bool _ended;
    private bool _overflow;
    private Exception? _error;
    private Waiter? _waiter;
    private long _pendingSend;
    private bool _sending;
    private Exception? _sendError;
    private TaskCompletionSource? _sendRoom;
    private bool _closed;

    public TelnetSocket(ITelnetTransport transport, IScheduler scheduler, int maxReceived, int maxPendingSend)
    {
        _transport = transport;
        _scheduler = scheduler;
        _flowControl = transport as IReceiveFlowControl;
        _maxReceived = maxReceived;
        _maxPendingSend = maxPendingSend;
        _subscription = transport.Received.Subscribe(OnReceived, OnError, OnEnd);
    }

    /// <summary>Gets the transport.</summary>
    public ITelnetTransport Transport => _transport;

    /// <summary>Gets whether a <c>recv</c> would return at once: data, the end of the stream or an error has arrived (<c>select</c> says readable).</summary>
    public bool Readable
    {
        get
        {
            lock (_gate)
            {
                return IsReadable;
            }
        }
    }

    /// <summary>Gets the bytes waiting to be sent, each queued send counted with its overhead.</summary>
    public long PendingSend
    {
        get
        {
            lock (_gate)
            {
                return _pendingSend;
            }
        }
    }

    private bool IsReadable => _chunks.Count > 0 || _ended || _overflow || _closed;

    /// <summary>
    /// Waits until <see cref="Readable"/> (telnetlib's <c>selector.select(timeout)</c>): null waits for ever, zero or
    /// less only looks. Completes with whether it became readable.
    /// </summary>
    public Task<bool> WaitReadableAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (IsReadable)
            {
                return Task.FromResult(true);
            }

            if (timeout is { } t && t <= TimeSpan.Zero)
            {
                return Task.FromResult(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<bool>(cancellationToken);
            }

            if (_waiter is not null)
            {
                throw new InvalidOperationException("Another read is already waiting on this connection; telnetlib reads run one at a time.");
            }

            waiter = new Waiter();
            _waiter = waiter;
        }

        if (timeout is { } limit)
        {
            waiter.Timer = _scheduler.Schedule(limit, () => Wake(waiter, readable: false));
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() =>
            {
                if (Detach(waiter))
                {
                    waiter.Cancel(cancellationToken);
                }
            });
        }

        if (waiter.Task.IsCompleted)
        {
            // Woken on another thread before the timer or the registration existed: release them now, not when
            // the timeout would have fired or the token's source is disposed.
            waiter.Timer?.Dispose();
            waiter.Registration.Dispose();
        }

        return waiter.Task;
    }

    /// <summary>
    /// telnetlib's <c>sock.recv(max)</c> when <see cref="Readable"/>: up to <paramref name="max"/> bytes of what has
    /// arrived, across chunks as a socket would; empty at the end of the stream; throws the transport's error once.
    /// </summary>
    public byte[] Receive(int max)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new TelnetClosedException("The connection is closed; nothing can be received.");
            }

            if (_chunks.Count > 0)
            {
                return TakeReceived(max);
            }

            if (_overflow)
            {
                _overflow = false;
                _ended = true;
                throw new TelnetBufferLimitExceededException("MaxBufferedBytes", _maxReceived);
            }

            if (_error is { } error)
            {
                // Reported once, as a socket reports a reset once; then it reads as closed.
                _error = null;
                throw new TelnetException("The connection failed: " + error.Message, error);
            }

            if (_ended)
            {
                return [];
            }

            throw new InvalidOperationException("Nothing has arrived yet: wait until the connection is readable first.");
        }
    }

    /// <summary>telnetlib's <c>sock.sendall</c>: queues <paramref name="wire"/> after everything queued before; the task completes when the transport took it.</summary>
    public Task SendAsync(byte[] wire, CancellationToken cancellationToken)
    {
        var send = new Send(wire, cancellationToken);
        lock (_gate)
        {
            if (_closed)
            {
                return Task.FromException(new TelnetClosedException("The connection is closed; nothing can be written."));
            }

            if (_sendError is { } failed)
            {
                return Task.FromException(new TelnetException("An earlier send failed: " + failed.Message, failed));
            }

            var cost = Cost(send);
            if (cost > _maxPendingSend || (_pendingSend > 0 && _pendingSend + cost > _maxPendingSend))
            {
                return Task.FromException(new TelnetBufferLimitExceededException("MaxPendingSendBytes", _maxPendingSend, _pendingSend + cost));
            }

            _pendingSend += cost;
            _sends.Enqueue(send);
            if (_sending)
            {
                return send.Done.Task;
            }

            _sending = true;
        }

        _ = DrainAsync();
        return send.Done.Task;
    }

    /// <summary>
    /// Waits while more than 64 KiB wait to be sent, as telnetlib's <c>sendall</c> blocks while the socket's send buffer
    /// is full: a peer that floods us with negotiation and never reads makes the reads wait, not memory grow. Null
    /// waits for ever; past <paramref name="timeout"/> (telnetlib's socket timeout) it throws <see cref="TimeoutException"/>.
    /// </summary>
    public async Task WaitForSendRoomAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Task room;
        lock (_gate)
        {
            if (_pendingSend <= RoomMark || _closed || _sendError is not null)
            {
                return;
            }

            _sendRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            room = _sendRoom.Task;
        }

        if (timeout is not { } t)
        {
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // The timeout runs on the instance's scheduler, like every other wait of the facade.
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _scheduler.Schedule(t, () => expired.TrySetResult());
        if (await Task.WhenAny(room, expired.Task).WaitAsync(cancellationToken).ConfigureAwait(false) != room)
        {
            throw new TimeoutException("timed out");
        }
    }

    /// <summary>Closes the connection: pending waits wake, queued sends fail, the transport closes. Idempotent.</summary>
    public void Close()
    {
        Waiter? waiter;
        List<Send> failed;
        TaskCompletionSource? room;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            waiter = TakeWaiter();
            failed = [.. _sends];
            _sends.Clear();
            foreach (var send in failed)
            {
                _pendingSend -= Cost(send);
            }

            room = _sendRoom;
            _sendRoom = null;
        }

        _subscription.Dispose();
        _transport.Close();
        foreach (var send in failed)
        {
            send.Done.TrySetException(new TelnetClosedException("The connection closed before this write was sent."));
        }

        room?.TrySetResult();
        waiter?.Complete(true);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Close();
        _transport.Dispose();
    }

    private static long Cost(Send send) => send.Wire.Length + SendOverhead;

    /// <summary>Where reads start to wait for room: 64 KiB, or half the bound when that is smaller, so refusals never reach the bound.</summary>
    private long RoomMark => Math.Min(SendRoomMark, _maxPendingSend / 2);

    private byte[] TakeReceived(int max)
    {
        // Called under _gate with at least one chunk queued.
        var length = (int)Math.Min(max, _received);
        var result = new byte[length];
        var at = 0;
        while (at < length)
        {
            var head = _chunks.Peek();
            var n = Math.Min(length - at, head.Length - _headOffset);
            head.AsSpan(_headOffset, n).CopyTo(result.AsSpan(at));
            at += n;
            _headOffset += n;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        _received -= length;
        if (_paused && _received <= ResumeAt)
        {
            _paused = false;
            _flowControl!.ResumeReceiving();
        }

        return result;
    }

    private void OnReceived(byte[] chunk)
    {
        Waiter? waiter;
        lock (_gate)
        {
            if (_closed || _ended || _overflow || chunk.Length == 0)
            {
                // Past an overflow nothing more is taken: a later chunk must not follow the gap as if none were there.
                return;
            }

            if (_flowControl is null && _received + chunk.Length > _maxReceived)
            {
                // Nothing can hold the peer back: report the bound rather than grow without one.
                _overflow = true;
            }
            else
            {
                _chunks.Enqueue(chunk);
                _received += chunk.Length;
                if (_flowControl is not null && !_paused && _received >= PauseAt)
                {
                    _paused = true;
                    _flowControl.PauseReceiving();
                }
            }

            waiter = TakeWaiter();
        }

        waiter?.Complete(true);
    }

    private void OnError(Exception error) => OnEnd(error);

    private void OnEnd() => OnEnd(null);

    /// <summary>The end of the stream, or the transport's error (which the next recv reports once): a waiter wakes readable.</summary>
    private void OnEnd(Exception? error)
    {
        Waiter? waiter;
        lock (_gate)
        {
            _error ??= error;
            _ended = true;
            waiter = TakeWaiter();
        }

        waiter?.Complete(true);
    }

    /// <summary>Takes the waiting read, if any, to wake it outside the lock; called under <see cref="_gate"/>.</summary>
    private Waiter? TakeWaiter()
    {
        var waiter = _waiter;
        _waiter = null;
        return waiter;
    }

    private void Wake(Waiter waiter, bool readable)
    {
        if (Detach(waiter))
        {
            waiter.Complete(readable);
        }
    }

    private bool Detach(Waiter waiter)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_waiter, waiter))
            {
                return false;
            }

            _waiter = null;
            return true;
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Send send;
            lock (_gate)
            {
                if (!_sends.TryDequeue(out send!))
                {
                    _sending = false;
                    return;
                }
            }

            Exception? error = null;
            if (send.CancellationToken.IsCancellationRequested)
            {
                error = new OperationCanceledException(send.CancellationToken);
            }
            else
            {
                try
                {
                    // Not cancellable once started: a half-sent IAC sequence would corrupt the stream.
                    await _transport.SendAsync(send.Wire, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    error = ex;
                }
            }

            TaskCompletionSource? room = null;
            List<Send> failed = [];
            lock (_gate)
            {
                _pendingSend -= Cost(send);
                if (error is not null and not OperationCanceledException)
                {
                    _sendError ??= error;
                    failed.AddRange(_sends);
                    _sends.Clear();
                    foreach (var item in failed)
                    {
                        _pendingSend -= Cost(item);
                    }
                }

                if (_sendRoom is not null && (_pendingSend <= RoomMark || _sendError is not null))
                {
                    room = _sendRoom;
                    _sendRoom = null;
                }
            }

            room?.TrySetResult();
            switch (error)
            {
                case null:
                    send.Done.TrySetResult();
                    break;
                case OperationCanceledException:
                    send.Done.TrySetCanceled(send.CancellationToken);
                    break;
                default:
                    var typed = error is ObjectDisposedException || _closed
                        ? new TelnetClosedException("The connection is closed; nothing can be written.", error)
                        : new TelnetException("Sending failed: " + error.Message, error);
                    send.Done.TrySetException(typed);
                    foreach (var item in failed)
                    {
                        item.Done.TrySetException(typed);
                    }

                    break;
            }
        }
    }

    private sealed class Send(byte[] wire, CancellationToken cancellationToken)
    {
        public byte[] Wire { get; } = wire;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One read waiting for the connection to become readable.</summary>
    private sealed class Waiter
    {
        // Continuations run where the waiter is completed (see the class remarks).
        private readonly TaskCompletionSource<bool> _completion = new();

        public IDisposable? Timer { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public Task<bool> Task => _completion.Task;

        public void Complete(bool readable) => Inline(() => _completion.TrySetResult(readable));

        public void Cancel(CancellationToken token) => Inline(() => _completion.TrySetCanceled(token));

        private void Inline(Action complete)
        {
            Timer?.Dispose();
            Registration.Dispose();

            // Awaits in the facade use ConfigureAwait(false); they still run inline only where no synchronization
            // context is installed, so none is while the read continues.
            var context = SynchronizationContext.Current;
            if (context is null)
            {
                complete();
                return;
            }

            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                complete();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }
    }
}
