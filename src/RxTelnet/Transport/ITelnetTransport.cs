namespace RxTelnet.Transport;

using System.Net;
using System.Net.Sockets;

/// <summary>A duplex byte channel that carries one Telnet connection: TCP, TLS, any stream, or in memory.</summary>
/// <remarks>
/// <para>
/// <b>Chunk ownership.</b> Every array emitted by <see cref="Received"/> is a fresh array that the transport never
/// touches again: the receiver owns it for good, so parsers may hand out slices of it without copying, and a
/// downstream <c>ObserveOn</c> may hold them as long as it likes.
/// </para>
/// <para>
/// <see cref="Received"/> supports a single subscription (the session); it starts receiving on subscribe,
/// completes when the peer closes its side (end of stream), and errors on a transport failure.
/// </para>
/// </remarks>
public interface ITelnetTransport : IDisposable, IAsyncDisposable
{
    /// <summary>Gets the received chunks, in order. See the remarks on ownership.</summary>
    IObservable<byte[]> Received { get; }

    /// <summary>Gets the underlying socket, when there is one (telnetlib's <c>get_socket</c>).</summary>
    Socket? Socket { get; }

    /// <summary>Gets the remote end point, when known.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>Gets the local end point, when known.</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>Sends bytes as they are. Calls must not overlap; the session serialises them.</summary>
    /// <param name="data">The wire bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the bytes were handed to the channel.</returns>
    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Closes the channel in both directions; <see cref="Received"/> then completes. Idempotent.</summary>
    void Close();
}
