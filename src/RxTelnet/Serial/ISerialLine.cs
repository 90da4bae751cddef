namespace RxTelnet.Serial;

using RxTelnet.Options;

/// <summary>
/// A local serial line that <see cref="Session.ComPortServer"/> serves by RFC 2217: its data both ways, its settings,
/// and its line and modem state.
/// </summary>
/// <remarks>
/// Each setter applies what it can and returns the setting in force afterwards, which the server acknowledges; the
/// value 0 (or a <c>Request</c> member) changes nothing and returns the current setting. A setting the line cannot take
/// leaves the current one and returns it.
/// </remarks>
public interface ISerialLine : IDisposable
{
    /// <summary>Gets the bytes that arrive on the line, in order (hot); completes when the line closes.</summary>
    IObservable<byte[]> Received { get; }

    /// <summary>Gets the line state as it changes (data ready, errors, break), for <c>NOTIFY-LINESTATE</c> (hot).</summary>
    IObservable<ComPortLineState> LineStates { get; }

    /// <summary>Gets the modem state as it changes (CTS, DSR, RI, CD and their deltas), for <c>NOTIFY-MODEMSTATE</c> (hot).</summary>
    IObservable<ComPortModemState> ModemStates { get; }

    /// <summary>Writes bytes to the line.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started.</param>
    /// <returns>A task that completes when the line took the bytes.</returns>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Sets the baud rate, or with 0 reads it.</summary>
    /// <param name="baudRate">The rate in bits per second, or 0.</param>
    /// <returns>The rate in force afterwards.</returns>
    uint SetBaudRate(uint baudRate);

    /// <summary>Sets the data bits (5 to 8), or with 0 reads them.</summary>
    /// <param name="dataSize">The data bits, or 0.</param>
    /// <returns>The data bits in force afterwards.</returns>
    byte SetDataSize(byte dataSize);

    /// <summary>Sets the parity, or with <see cref="ComPortParity.Request"/> reads it.</summary>
    /// <param name="parity">The parity.</param>
    /// <returns>The parity in force afterwards.</returns>
    ComPortParity SetParity(ComPortParity parity);

    /// <summary>Sets the stop bits, or with <see cref="ComPortStopSize.Request"/> reads them.</summary>
    /// <param name="stopSize">The stop bits.</param>
    /// <returns>The stop bits in force afterwards.</returns>
    ComPortStopSize SetStopSize(ComPortStopSize stopSize);

    /// <summary>Sets flow control, BREAK, DTR or RTS, or with a <c>Request...</c> value reads that state.</summary>
    /// <param name="control">The setting or request.</param>
    /// <returns>The state in force afterwards, as the setting that names it (for example <see cref="ComPortControl.DtrOn"/>).</returns>
    ComPortControl SetControl(ComPortControl control);

    /// <summary>Discards what the line holds in its receive and/or transmit buffers.</summary>
    /// <param name="purge">Which buffers.</param>
    void Purge(ComPortPurge purge);
}
