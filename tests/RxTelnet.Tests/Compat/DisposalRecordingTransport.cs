namespace RxTelnet.Tests.Compat;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using RxTelnet.Transport;

/// <summary>
/// A transport that never receives and records how it is closed and disposed, for the facade's ownership rules:
/// <see cref="ITelnetTransport.Close"/> ends the connection, <see cref="IDisposable.Dispose"/> releases the rest.
/// </summary>
internal sealed class DisposalRecordingTransport : ITelnetTransport
{
    private int _closeCalls;
    private int _disposeCalls;

    public IObservable<byte[]> Received { get; } = Observable.Never<byte[]>();

    public Socket? Socket => null;

    public EndPoint? RemoteEndPoint => null;

    public EndPoint? LocalEndPoint => null;

    /// <summary>Gets how many times <see cref="Close"/> was called.</summary>
    public int CloseCalls => Volatile.Read(ref _closeCalls);

    /// <summary>Gets how many times <see cref="Dispose"/> (or <see cref="DisposeAsync"/>) was called.</summary>
    public int DisposeCalls => Volatile.Read(ref _disposeCalls);

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public void Close() => Interlocked.Increment(ref _closeCalls);

    public void Dispose()
    {
        Interlocked.Increment(ref _disposeCalls);
        Close();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
