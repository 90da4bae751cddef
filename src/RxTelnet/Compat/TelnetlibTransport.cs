namespace RxTelnet.Compat;

using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using RxTelnet.Transport;

/// <summary>
/// Wraps the transport of a <see cref="Telnet"/> so that the facade sees every received chunk, and the end of the
/// stream, just before the session parses it.
/// </summary>
/// <remarks>
/// telnetlib runs its negotiation callback while it processes a received chunk, before that chunk's data reaches the
/// cooked queue, and prints <c>recv b''</c> before a read returns at end of stream; looking at the chunks here
/// reproduces both orders. The hooks must not throw: the facade catches what its callbacks throw.
/// </remarks>
internal sealed class TelnetlibTransport(ITelnetTransport inner, Action<byte[]> onReceived, Action onEnd) : ITelnetTransport
{
    public IObservable<byte[]> Received { get; } = inner.Received.Do(onReceived, onEnd);

    public Socket? Socket => inner.Socket;

    public EndPoint? RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint? LocalEndPoint => inner.LocalEndPoint;

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        inner.SendAsync(data, cancellationToken);

    public void Close() => inner.Close();

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
