namespace RxTelnet.Fuzz;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading.Tasks.Sources;
using RxTelnet.Transport;

/// <summary>
/// The session target's transport: the client end of an <see cref="InMemoryTransport"/> pair, with what an in-memory
/// pair lacks for fuzzing the session: a peer that stops reading (our sends then stall once a small "socket buffer"
/// is full, as over TCP), a transport error, and a record of every chunk delivered to the session and every send
/// the session completed.
/// </summary>
/// <remarks>
/// Single-threaded and deterministic: a stalled send completes on <see cref="ResumeReading"/>, and the session's
/// write loop continues inline on that call (the value task source runs its continuation synchronously), so every
/// write the session had queued is handed over before <see cref="ResumeReading"/> returns.
/// </remarks>
internal sealed class PeerLink : ITelnetTransport, IReceiveFlowControl
{
    private readonly InMemoryTransport _inner;
    private readonly StalledSend _stalled = new();
    private readonly List<byte[]> _socketBuffer = [];
    private readonly int _window;
    private IObserver<byte[]>? _session;
    private IDisposable? _innerSubscription;
    private int _socketBuffered;
    private bool _stalledActive;
    private byte[]? _stalledData;
    private bool _closed;

    public PeerLink(InMemoryTransport inner, int window)
    {
        _inner = inner;
        _window = window;
        Received = Observable.Create<byte[]>(Subscribe);
    }

    /// <summary>Called after each chunk the session has handled, with the chunk: the target checks its invariants there.</summary>
    public Action<byte[]>? AfterChunk { get; set; }

    /// <summary>Called for each send the session completed, with its bytes.</summary>
    public Action<byte[]>? OnSent { get; set; }

    /// <summary>Gets every byte delivered to the session, in order.</summary>
    public List<byte> Delivered { get; } = [];

    /// <summary>Gets whether the peer reads what we send (when not, sends stall once the window is full).</summary>
    public bool PeerReading { get; private set; } = true;

    /// <summary>Gets whether a send of the session is stalled, waiting for the peer to read.</summary>
    public bool HasStalledSend => _stalledActive;

    /// <summary>Gets whether the session asked the transport to stop receiving.</summary>
    public bool Paused { get; private set; }

    /// <summary>Gets how many times the session paused receiving.</summary>
    public int Pauses { get; private set; }

    public IObservable<byte[]> Received { get; }

    public Socket? Socket => null;

    public EndPoint? RemoteEndPoint => null;

    public EndPoint? LocalEndPoint => null;

    public bool IsClosed => _closed;

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_stalledActive)
        {
            throw new FuzzInvariantException("the session started a send while its previous send was still in progress (sends must not overlap)");
        }

        var copy = data.ToArray();
        if (PeerReading)
        {
            Forward(copy);
            return ValueTask.CompletedTask;
        }

        if (_socketBuffered + copy.Length <= _window)
        {
            // Taken by the "socket buffer": complete at once, reaches the peer when it reads again.
            _socketBuffered += copy.Length;
            _socketBuffer.Add(copy);
            OnSent?.Invoke(copy);
            return ValueTask.CompletedTask;
        }

        _stalledActive = true;
        _stalledData = copy;
        return _stalled.Start();
    }

    /// <summary>The peer stops reading: sends beyond the window stall.</summary>
    public void StopReading() => PeerReading = false;

    /// <summary>
    /// The peer reads again: what the socket buffer held goes through, a stalled send completes and the session's
    /// write loop hands over everything it had queued, inline, before this returns.
    /// </summary>
    public void ResumeReading()
    {
        PeerReading = true;
        foreach (var chunk in _socketBuffer)
        {
            ForwardToPeer(chunk);
        }

        _socketBuffer.Clear();
        _socketBuffered = 0;
        if (_stalledActive)
        {
            var data = _stalledData!;
            _stalledActive = false;
            _stalledData = null;
            Forward(data);
            _stalled.Complete(null);
        }
    }

    /// <summary>A connection reset: the session's receive side fails now, whatever is still on its way.</summary>
    /// <returns>Whether the session was receiving (and so saw the error).</returns>
    public bool InjectError(Exception error)
    {
        var session = _session;
        if (session is null)
        {
            return false;
        }

        _session = null;
        _innerSubscription?.Dispose();
        session.OnError(error);
        return true;
    }

    public void PauseReceiving()
    {
        if (!Paused)
        {
            Pauses++;
        }

        Paused = true;
        _inner.PauseReceiving();
    }

    public void ResumeReceiving()
    {
        Paused = false;
        _inner.ResumeReceiving();
    }

    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _socketBuffer.Clear();
        _socketBuffered = 0;
        if (_stalledActive)
        {
            // As a disposed stream fails the write in progress.
            _stalledActive = false;
            _stalledData = null;
            _stalled.Complete(new ObjectDisposedException(nameof(PeerLink)));
        }

        _inner.Close();
    }

    public void Dispose() => Close();

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Forward(byte[] data)
    {
        ForwardToPeer(data);
        OnSent?.Invoke(data);
    }

    private void ForwardToPeer(byte[] data)
    {
        if (!_closed)
        {
            _ = _inner.SendAsync(data);
        }
    }

    private IDisposable Subscribe(IObserver<byte[]> observer)
    {
        if (_session is not null || _innerSubscription is not null)
        {
            throw new FuzzInvariantException("the session subscribed to its transport twice");
        }

        _session = observer;
        var pass = new PassThrough(this, observer);
        _innerSubscription = _inner.Received.Subscribe(pass);
        return Disposable.Create(() =>
        {
            if (ReferenceEquals(_session, observer))
            {
                _session = null;
            }

            _innerSubscription?.Dispose();
        });
    }

    private sealed class PassThrough(PeerLink link, IObserver<byte[]> session) : IObserver<byte[]>
    {
        public void OnNext(byte[] value)
        {
            if (!ReferenceEquals(link._session, session))
            {
                return;
            }

            if (link.Paused)
            {
                throw new FuzzInvariantException("the in-memory transport delivered a chunk while the session had paused receiving");
            }

            link.Delivered.AddRange(value);
            session.OnNext(value);
            link.AfterChunk?.Invoke(value);
        }

        public void OnError(Exception error)
        {
            if (ReferenceEquals(link._session, session))
            {
                link._session = null;
                session.OnError(error);
            }
        }

        public void OnCompleted()
        {
            if (ReferenceEquals(link._session, session))
            {
                link._session = null;
                session.OnCompleted();
            }
        }
    }

    /// <summary>A send that completes when the peer reads again, continuing the session's write loop inline.</summary>
    private sealed class StalledSend : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };

        public ValueTask Start()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        public void Complete(Exception? error)
        {
            if (error is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(error);
            }
        }

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.FlowExecutionContext);
    }
}
