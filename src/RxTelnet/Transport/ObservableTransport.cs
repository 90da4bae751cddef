namespace RxTelnet.Transport;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;

/// <summary>
/// A transport whose incoming side is any observable of chunks (a capture, a script, a
/// <c>TestScheduler</c> hot observable) and whose outgoing side is recorded: for tests and replays.
/// </summary>
public sealed class ObservableTransport : ITelnetTransport
{
    private readonly object _gate = new();
    private readonly List<byte[]> _sent = [];
    private readonly Subject<byte[]> _outgoing = new();
    private readonly AsyncSubject<byte[]> _closed = new();
    private bool _isClosed;

    /// <summary>Creates the transport.</summary>
    /// <param name="incoming">The chunks to deliver as received; completion is end of stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="incoming"/> is null.</exception>
    public ObservableTransport(IObservable<byte[]> incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        Received = incoming.TakeUntil(_closed.DefaultIfEmpty());
    }

    /// <inheritdoc/>
    public IObservable<byte[]> Received { get; }

    /// <summary>Gets each send, as it happens.</summary>
    public IObservable<byte[]> Outgoing => _outgoing;

    /// <summary>Gets a snapshot of everything sent so far, one array per send.</summary>
    public IReadOnlyList<byte[]> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Gets everything sent so far, concatenated.</summary>
    public byte[] SentBytes
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent.SelectMany(static b => b)];
            }
        }
    }

    /// <summary>Gets whether <see cref="Close"/> was called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _isClosed;
            }
        }
    }

    /// <inheritdoc/>
    public Socket? Socket => null;

    /// <inheritdoc/>
    public EndPoint? RemoteEndPoint => null;

    /// <inheritdoc/>
    public EndPoint? LocalEndPoint => null;

    /// <inheritdoc/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var copy = data.ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_isClosed, this);
            _sent.Add(copy);
        }

        _outgoing.OnNext(copy);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void Close()
    {
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
        }

        _closed.OnCompleted();
        _outgoing.OnCompleted();
    }

    /// <inheritdoc/>
    public void Dispose() => Close();

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
