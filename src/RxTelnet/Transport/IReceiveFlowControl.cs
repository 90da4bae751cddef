namespace RxTelnet.Transport;

/// <summary>
/// Optional for an <see cref="ITelnetTransport"/>: lets the receiver stop and restart receiving, so that a peer that
/// sends faster than the application reads is slowed down instead of filling memory.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="Session.TelnetSession"/> whose transport implements this pauses it while unread data piles up in
/// its cooked queue (see <see cref="Session.TelnetSessionOptions.PauseWhenBufferFull"/>) and resumes it once reads
/// have drained the queue. <see cref="StreamTransport"/> (and so <see cref="SocketTransport"/> and <see cref="TlsTransport"/>) and
/// <see cref="InMemoryTransport"/> implement it; <see cref="ObservableTransport"/> cannot pause the observable it
/// was given and does not.
/// </para>
/// <para>
/// Pausing loses no bytes: they wait where they are (for TCP, in the socket buffers, after which the peer's sends
/// block as the receive window closes) and are delivered, in order, after <see cref="ResumeReceiving"/>. When
/// <see cref="PauseReceiving"/> is called from inside the delivery of a chunk (as the session does), no further
/// chunk is delivered until resumed; called from elsewhere, a chunk already being received may still arrive.
/// Both methods are idempotent, thread-safe and cheap, and never deliver anything on the caller's stack.
/// </para>
/// </remarks>
public interface IReceiveFlowControl
{
    /// <summary>Stops receiving after the chunk being delivered, if any, until <see cref="ResumeReceiving"/>.</summary>
    void PauseReceiving();

    /// <summary>Receives again after <see cref="PauseReceiving"/>; does nothing when not paused.</summary>
    void ResumeReceiving();
}
