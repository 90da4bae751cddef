namespace RxTelnet.Transport;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

/// <summary>
/// One end of an in-memory Telnet connection: what one end sends, the other receives. For tests and for the
/// embedded demo server; with a <c>TestScheduler</c> as delivery scheduler, delivery happens in virtual time.
/// </summary>
/// <remarks>
/// Sends are copied into fresh arrays (the receiver owns them) and delivered in order on the delivery scheduler,
/// never inline on the sender's stack, so two sessions wired back to back cannot re-enter each other.
/// Closing one end delivers end of stream to the other after everything already sent; what is sent to an end that
/// was closed is dropped, as a peer that closed only its sending side would discard it. While paused
/// (<see cref="IReceiveFlowControl"/>) sends queue up unbounded: the sender is never blocked. A session's receiver
/// is lent each chunk (as <see cref="StreamTransport"/> lends its receive buffer) and the chunk is cleared after.
/// </remarks>
public sealed class InMemoryTransport : ITelnetTransport, IReceiveFlowControl, ITransientReceiveSource
{
    private readonly object _gate = new();
    private readonly Queue<Delivery> _inbox = new();
    private readonly IScheduler _scheduler;
    private InMemoryTransport? _peer;
    private IObserver<byte[]>? _observer;
    private bool _draining;
    private bool _paused;
    private bool _closed;
    private bool _subscribedOnce;

    private InMemoryTransport(IScheduler scheduler)
    {
        _scheduler = scheduler;
        Received = Observable.Create<byte[]>(Subscribe);
    }

    /// <inheritdoc/>
    public IObservable<byte[]> Received { get; }

    /// <inheritdoc/>
    public Socket? Socket => null;

    /// <inheritdoc/>
    public EndPoint? RemoteEndPoint => null;

    /// <inheritdoc/>
    public EndPoint? LocalEndPoint => null;

    /// <summary>Creates two connected ends.</summary>
    /// <param name="deliveryScheduler">Where received chunks are delivered; <see cref="TaskPoolScheduler.Default"/> when null.</param>
    /// <returns>The two ends: what <c>Client</c> sends, <c>Server</c> receives, and the other way round.</returns>
    public static (InMemoryTransport Client, InMemoryTransport Server) CreatePair(IScheduler? deliveryScheduler = null)
    {
        var scheduler = deliveryScheduler ?? TaskPoolScheduler.Default;
        var a = new InMemoryTransport(scheduler);
        var b = new InMemoryTransport(scheduler);
        a._peer = b;
        b._peer = a;
        return (a, b);
    }

    /// <inheritdoc/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
        }

        if (!data.IsEmpty)
        {
            _peer!.Enqueue(new Delivery(data.ToArray(), End: false));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        // Our own reader ends now; the peer sees end of stream after what we sent before.
        Enqueue(new Delivery(null, End: true), evenIfClosed: true);
        _peer!.Enqueue(new Delivery(null, End: true));
    }

    /// <inheritdoc/>
    public void PauseReceiving()
    {
        lock (_gate)
        {
            _paused = true;
        }
    }

    /// <inheritdoc/>
    public void ResumeReceiving()
    {
        lock (_gate)
        {
            if (!_paused)
            {
                return;
            }

            _paused = false;
        }

        ScheduleDrain();
    }

    /// <summary>Gets how many chunks (and end of stream) wait to be delivered to this end: a test hook for pausing.</summary>
    internal int PendingDeliveries
    {
        get
        {
            lock (_gate)
            {
                return _inbox.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Close();

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    IDisposable ITransientReceiveSource.SubscribeTransient(ITransientReceiver receiver) => Subscribe(receiver);

    private IDisposable Subscribe(IObserver<byte[]> observer)
    {
        lock (_gate)
        {
            if (_subscribedOnce)
            {
                observer.OnError(new InvalidOperationException("A transport's received stream supports one subscriber (its session)."));
                return Disposable.Empty;
            }

            _subscribedOnce = true;
            _observer = observer;
        }

        ScheduleDrain();
        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                _observer = null;
            }
        });
    }

    private void Enqueue(Delivery delivery, bool evenIfClosed = false)
    {
        lock (_gate)
        {
            if (_inbox.Count > 0 && _inbox.Peek().End)
            {
                return;
            }

            if (_closed && !evenIfClosed && !delivery.End)
            {
                return;
            }

            _inbox.Enqueue(delivery);
        }

        ScheduleDrain();
    }

    private void ScheduleDrain()
    {
        lock (_gate)
        {
            // While paused only end of stream goes through: it carries no bytes to hold back.
            if (_draining || _observer is null || _inbox.Count == 0 || (_paused && !_inbox.Peek().End))
            {
                return;
            }

            _draining = true;
        }

        _scheduler.Schedule(Drain);
    }

    private void Drain()
    {
        while (true)
        {
            Delivery next;
            IObserver<byte[]>? observer;
            lock (_gate)
            {
                observer = _observer;
                if (observer is null || !_inbox.TryPeek(out next) || (_paused && !next.End))
                {
                    _draining = false;
                    return;
                }

                _inbox.Dequeue();

                if (next.End)
                {
                    _observer = null;
                    _inbox.Clear();
                    _inbox.Enqueue(next);
                    _draining = false;
                }
            }

            if (next.End)
            {
                observer.OnCompleted();
                return;
            }

            if (observer is ITransientReceiver receiver && receiver.TryReceiveTransient(next.Data))
            {
                // Lent, as a socket transport lends its buffer: cleared afterwards, so a receiver that kept any of it
                // reads zeros in every test that runs over this transport.
                Array.Clear(next.Data!);
            }
            else
            {
                observer.OnNext(next.Data!);
            }
        }
    }

    private readonly record struct Delivery(byte[]? Data, bool End);
}
