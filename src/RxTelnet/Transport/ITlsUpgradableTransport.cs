namespace RxTelnet.Transport;

/// <summary>
/// A transport that can switch an open plain-text connection to TLS in place: what the START-TLS option
/// (Telnet option 46) needs.
/// </summary>
/// <remarks>
/// <para>
/// The switch point is a byte position in the received stream: everything before it was plain text, everything
/// after it is TLS. The caller finds it while handling a received chunk, so <see cref="UpgradeToTlsAsync"/> must be
/// called from inside the <see cref="ITelnetTransport.Received"/> observer's <c>OnNext</c>: the transport then reads
/// no further plain bytes, treats the rest of that chunk as the first TLS bytes, negotiates TLS, and goes on emitting
/// the decrypted bytes on the same <see cref="ITelnetTransport.Received"/> stream.
/// </para>
/// <para>
/// Sends issued while the handshake runs wait for it and then go out encrypted. A failed handshake ends
/// <see cref="ITelnetTransport.Received"/> with the error.
/// </para>
/// </remarks>
public interface ITlsUpgradableTransport : ITelnetTransport
{
    /// <summary>Gets whether the connection is encrypted now.</summary>
    bool IsSecure { get; }

    /// <summary>Switches the connection to TLS at the current receive position.</summary>
    /// <param name="alreadyReceived">The bytes of the current chunk after the switch point: the start of the peer's TLS data (often empty).</param>
    /// <param name="lastPlainSent">Completes when the last plain bytes (our own <c>IAC SB START_TLS FOLLOWS IAC SE</c>) are sent: the handshake starts after it. Sends are not held meanwhile, so that write can finish.</param>
    /// <param name="tls">Which side of the handshake to take, and how.</param>
    /// <param name="cancellationToken">Abandons the handshake; the connection then fails.</param>
    /// <returns>A task that completes when TLS is established, or faults with the handshake's error.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tls"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// Not called from inside <c>OnNext</c> of <see cref="ITelnetTransport.Received"/>, the connection is already
    /// secure, or an upgrade is already under way.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="lastPlainSent"/> is null.</exception>
    Task UpgradeToTlsAsync(ReadOnlyMemory<byte> alreadyReceived, Task lastPlainSent, StartTlsOptions tls, CancellationToken cancellationToken = default);
}
