namespace RxTelnet.Session;

/// <summary>Where a session is in its life.</summary>
public enum TelnetSessionStatus
{
    /// <summary>Created over a connected transport but not started yet.</summary>
    Connecting = 0,

    /// <summary>Receiving and sending.</summary>
    Open = 1,

    /// <summary>Closed; <see cref="TelnetSessionState.Reason"/> says why.</summary>
    Closed = 2,
}

/// <summary>Why a session closed.</summary>
public enum TelnetCloseReason
{
    /// <summary>Not closed.</summary>
    None = 0,

    /// <summary>Closed by this side (<c>Close</c> or <c>Dispose</c>).</summary>
    LocalClose,

    /// <summary>
    /// The peer closed its side of the connection (end of stream): nothing more will be received. This is a half-close:
    /// writes, and replies still queued, go on until <see cref="TelnetSession.Close"/> or <see cref="TelnetSession.Dispose"/>
    /// or a failed send, as TCP allows (some devices send their output, close their side and wait for a last command).
    /// </summary>
    RemoteClose,

    /// <summary>The transport failed (connection reset, TLS failure, ...); <see cref="TelnetSessionState.Error"/> holds the exception.</summary>
    TransportError,

    /// <summary>Received data went past <see cref="TelnetSessionOptions.MaxBufferedBytes"/> without being read.</summary>
    BufferLimitExceeded,

    /// <summary>Nothing was received for longer than the dead-peer timeout.</summary>
    DeadPeer,

    /// <summary>
    /// Bytes waiting to be sent went past <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>: the peer does not read
    /// what we send (or the application writes faster than the connection carries without awaiting its writes).
    /// <see cref="TelnetSessionState.Error"/> holds the <see cref="TelnetBufferLimitExceededException"/>.
    /// </summary>
    SendLimitExceeded,
}

/// <summary>A snapshot of a session's connection state, as <see cref="TelnetSession.State"/> emits it.</summary>
/// <param name="Status">Where the session is.</param>
/// <param name="Reason">Why it closed, when <see cref="Status"/> is <see cref="TelnetSessionStatus.Closed"/>.</param>
/// <param name="Error">The exception behind <see cref="TelnetCloseReason.TransportError"/>, <see cref="TelnetCloseReason.BufferLimitExceeded"/>, <see cref="TelnetCloseReason.SendLimitExceeded"/> or <see cref="TelnetCloseReason.DeadPeer"/>.</param>
public sealed record TelnetSessionState(TelnetSessionStatus Status, TelnetCloseReason Reason = TelnetCloseReason.None, Exception? Error = null)
{
    /// <summary>Gets the state of a session not started yet.</summary>
    public static TelnetSessionState Connecting { get; } = new(TelnetSessionStatus.Connecting);

    /// <summary>Gets the state of an open session.</summary>
    public static TelnetSessionState Open { get; } = new(TelnetSessionStatus.Open);

    /// <summary>Gets whether the session is closed.</summary>
    public bool IsClosed => Status == TelnetSessionStatus.Closed;
}
