namespace RxTelnet.Options;

using System.Buffers.Binary;
using System.Text;
using RxTelnet.Internal;

/// <summary>
/// RFC 2217 COM-PORT-OPTION (option 44): serial port control, <c>IAC SB COM-PORT-OPTION command value IAC SE</c>.
/// The client sends the codes of <see cref="ComPortCommand"/>; the access server answers with the same code plus
/// <see cref="ServerOffset"/>.
/// </summary>
/// <remarks>
/// Every value 0 of a SET command asks for the current setting instead of changing it. The baud rate is four bytes
/// in network order; a value byte of 255 is doubled by the framing, not here.
/// </remarks>
public static class ComPort
{
    /// <summary>Added to a command code when the access server sends it (RFC 2217: 100-112).</summary>
    public const byte ServerOffset = 100;

    /// <summary>Encodes <c>SIGNATURE</c>: the sender's name and version, or, empty, a request for the peer's.</summary>
    /// <param name="text">The signature text (UTF-8), or empty to ask for the peer's.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is not valid UTF-16 (a lone surrogate).</exception>
    public static byte[] EncodeSignature(string text, bool fromServer = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = StrictUtf8.GetBytes(text, nameof(text), static t => $"The COM-PORT signature \"{t}\" is not valid UTF-16.");

        var payload = new byte[body.Length + 1];
        payload[0] = Code(ComPortCommand.Signature, fromServer);
        body.CopyTo(payload, 1);
        return payload;
    }

    /// <summary>Encodes <c>SET-BAUDRATE</c> (0 asks for the current rate).</summary>
    /// <param name="baudRate">The rate in bits per second.</param>
    /// <param name="fromServer">Whether the access server sends it (its answer carries the actual rate).</param>
    /// <returns>The five-byte payload.</returns>
    public static byte[] EncodeSetBaudRate(uint baudRate, bool fromServer = false)
    {
        var payload = new byte[5];
        payload[0] = Code(ComPortCommand.SetBaudRate, fromServer);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), baudRate);
        return payload;
    }

    /// <summary>Encodes <c>SET-DATASIZE</c>: 5 to 8 bits, or 0 to ask for the current size.</summary>
    /// <param name="dataSize">The number of data bits.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dataSize"/> is not 0 or 5 to 8.</exception>
    public static byte[] EncodeSetDataSize(byte dataSize, bool fromServer = false) => dataSize is 0 or (>= 5 and <= 8)
        ? [Code(ComPortCommand.SetDataSize, fromServer), dataSize]
        : throw new ArgumentOutOfRangeException(nameof(dataSize), dataSize, "RFC 2217 data sizes are 5 to 8, or 0 to ask.");

    /// <summary>Encodes <c>SET-PARITY</c>.</summary>
    /// <param name="parity">The parity, or <see cref="ComPortParity.Request"/> to ask.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parity"/> is not a defined value.</exception>
    public static byte[] EncodeSetParity(ComPortParity parity, bool fromServer = false) =>
        Byte(ComPortCommand.SetParity, fromServer, Defined(parity, nameof(parity)));

    /// <summary>Encodes <c>SET-STOPSIZE</c>.</summary>
    /// <param name="stopSize">The stop bits, or <see cref="ComPortStopSize.Request"/> to ask.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stopSize"/> is not a defined value.</exception>
    public static byte[] EncodeSetStopSize(ComPortStopSize stopSize, bool fromServer = false) =>
        Byte(ComPortCommand.SetStopSize, fromServer, Defined(stopSize, nameof(stopSize)));

    /// <summary>Encodes <c>SET-CONTROL</c>: flow control, BREAK, DTR and RTS.</summary>
    /// <param name="control">The setting or request.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="control"/> is not a defined value.</exception>
    public static byte[] EncodeSetControl(ComPortControl control, bool fromServer = false) =>
        Byte(ComPortCommand.SetControl, fromServer, Defined(control, nameof(control)));

    /// <summary>Encodes the access server's <c>NOTIFY-LINESTATE</c> (code 106).</summary>
    /// <param name="lineState">The line state bits.</param>
    /// <returns>The payload.</returns>
    public static byte[] EncodeNotifyLineState(ComPortLineState lineState) => Byte(ComPortCommand.NotifyLineState, true, (byte)lineState);

    /// <summary>Encodes the access server's <c>NOTIFY-MODEMSTATE</c> (code 107).</summary>
    /// <param name="modemState">The modem state bits.</param>
    /// <returns>The payload.</returns>
    public static byte[] EncodeNotifyModemState(ComPortModemState modemState) => Byte(ComPortCommand.NotifyModemState, true, (byte)modemState);

    /// <summary>Encodes <c>FLOWCONTROL-SUSPEND</c>: the sender cannot take more data for now.</summary>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The one-byte payload.</returns>
    public static byte[] EncodeFlowControlSuspend(bool fromServer = false) => [Code(ComPortCommand.FlowControlSuspend, fromServer)];

    /// <summary>Encodes <c>FLOWCONTROL-RESUME</c>: the sender takes data again.</summary>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The one-byte payload.</returns>
    public static byte[] EncodeFlowControlResume(bool fromServer = false) => [Code(ComPortCommand.FlowControlResume, fromServer)];

    /// <summary>Encodes <c>SET-LINESTATE-MASK</c>: which line state changes the server reports.</summary>
    /// <param name="mask">The bits to report.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    public static byte[] EncodeSetLineStateMask(ComPortLineState mask, bool fromServer = false) => Byte(ComPortCommand.SetLineStateMask, fromServer, (byte)mask);

    /// <summary>Encodes <c>SET-MODEMSTATE-MASK</c>: which modem state changes the server reports.</summary>
    /// <param name="mask">The bits to report.</param>
    /// <param name="fromServer">Whether the access server sends it.</param>
    /// <returns>The payload.</returns>
    public static byte[] EncodeSetModemStateMask(ComPortModemState mask, bool fromServer = false) => Byte(ComPortCommand.SetModemStateMask, fromServer, (byte)mask);

    /// <summary>Encodes <c>PURGE-DATA</c>.</summary>
    /// <param name="purge">Which buffers of the access server to purge.</param>
    /// <param name="fromServer">Whether the access server sends it (its acknowledgement).</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="purge"/> is not a defined value.</exception>
    public static byte[] EncodePurgeData(ComPortPurge purge, bool fromServer = false) =>
        Byte(ComPortCommand.PurgeData, fromServer, Defined(purge, nameof(purge)));

    /// <summary>Encodes any message, as <see cref="TryParse"/> returns it.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentException">The message's command is undefined or its value is out of range for it.</exception>
    public static byte[] Encode(ComPortMessage message) => message.Command switch
    {
        ComPortCommand.Signature => EncodeSignature(message.Signature ?? string.Empty, message.FromServer),
        ComPortCommand.SetBaudRate => EncodeSetBaudRate(message.Value, message.FromServer),
        ComPortCommand.FlowControlSuspend => EncodeFlowControlSuspend(message.FromServer),
        ComPortCommand.FlowControlResume => EncodeFlowControlResume(message.FromServer),
        _ when Enum.IsDefined(message.Command) && message.Value <= byte.MaxValue && IsValidValue(message.Command, (byte)message.Value)
            => Byte(message.Command, message.FromServer, (byte)message.Value),
        _ => throw new ArgumentException($"{message.Command} with value {message.Value} is not an RFC 2217 message.", nameof(message)),
    };

    /// <summary>Reads a received COM-PORT-OPTION payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="message">The message, when valid.</param>
    /// <returns><see langword="false"/> for an unknown code, a wrong length or a value RFC 2217 does not define.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out ComPortMessage message)
    {
        message = default;
        if (payload.IsEmpty)
        {
            return false;
        }

        var fromServer = payload[0] >= ServerOffset;
        var code = fromServer ? payload[0] - ServerOffset : payload[0];
        if (code is < 0 or > (int)ComPortCommand.PurgeData)
        {
            return false;
        }

        var command = (ComPortCommand)code;
        var value = payload.Slice(1);
        switch (command)
        {
            case ComPortCommand.Signature:
                message = new ComPortMessage(command, fromServer, 0, Encoding.UTF8.GetString(value));
                return true;
            case ComPortCommand.SetBaudRate:
                if (value.Length != 4)
                {
                    return false;
                }

                message = new ComPortMessage(command, fromServer, BinaryPrimitives.ReadUInt32BigEndian(value));
                return true;
            case ComPortCommand.FlowControlSuspend or ComPortCommand.FlowControlResume:
                if (!value.IsEmpty)
                {
                    return false;
                }

                message = new ComPortMessage(command, fromServer, 0);
                return true;
            default:
                if (value.Length != 1 || !IsValidValue(command, value[0]))
                {
                    return false;
                }

                message = new ComPortMessage(command, fromServer, value[0]);
                return true;
        }
    }

    private static bool IsValidValue(ComPortCommand command, byte value) => command switch
    {
        ComPortCommand.SetDataSize => value is 0 or (>= 5 and <= 8),
        ComPortCommand.SetParity => Enum.IsDefined((ComPortParity)value),
        ComPortCommand.SetStopSize => Enum.IsDefined((ComPortStopSize)value),
        ComPortCommand.SetControl => Enum.IsDefined((ComPortControl)value),
        ComPortCommand.PurgeData => Enum.IsDefined((ComPortPurge)value),

        // Line and modem states and their masks are bit sets: every byte is meaningful.
        _ => true,
    };

    private static byte Code(ComPortCommand command, bool fromServer) => (byte)((byte)command + (fromServer ? ServerOffset : 0));

    private static byte[] Byte(ComPortCommand command, bool fromServer, byte value) => [Code(command, fromServer), value];

    private static byte Defined<T>(T value, string paramName)
        where T : struct, Enum =>
        Enum.IsDefined(value)
            ? Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(paramName, value, $"{value} is not an RFC 2217 {typeof(T).Name} value.");
}
