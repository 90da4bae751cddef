namespace RxTelnet.Transport;

/// <summary>
/// A receiver that can take a received chunk as a span valid only during the call, so the transport need not copy
/// it into a fresh array: the session's own inbound path when nothing outside it keeps received arrays.
/// </summary>
internal interface ITransientReceiver : IObserver<byte[]>
{
    /// <summary>Offers a chunk that lives in the transport's reused buffer.</summary>
    /// <param name="chunk">The bytes; valid only until this call returns.</param>
    /// <returns>
    /// <see langword="true"/> when the receiver took the chunk; <see langword="false"/> to have it delivered as an owned
    /// array through <see cref="IObserver{T}.OnNext"/> instead (the receiver then has done nothing with it).
    /// </returns>
    bool TryReceiveTransient(ReadOnlySpan<byte> chunk);
}

/// <summary>A transport that can deliver chunks to an <see cref="ITransientReceiver"/> without copying them.</summary>
internal interface ITransientReceiveSource
{
    /// <summary>Subscribes <paramref name="receiver"/> to the received chunks, offering each as a span first.</summary>
    /// <param name="receiver">The single receiver, as for <see cref="ITelnetTransport.Received"/>.</param>
    /// <returns>The subscription.</returns>
    IDisposable SubscribeTransient(ITransientReceiver receiver);
}
