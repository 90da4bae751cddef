namespace RxTelnet.Options;

/// <summary>The RFC 2217 command codes as the client sends them; the access server adds <see cref="ComPort.ServerOffset"/>.</summary>
public enum ComPortCommand : byte
{
    /// <summary>RFC 2217: <c>SIGNATURE</c> (0 / 100), text naming the sender, empty to ask.</summary>
    Signature = 0,

    /// <summary>RFC 2217: <c>SET-BAUDRATE</c> (1 / 101), four bytes big endian.</summary>
    SetBaudRate = 1,

    /// <summary>RFC 2217: <c>SET-DATASIZE</c> (2 / 102).</summary>
    SetDataSize = 2,

    /// <summary>RFC 2217: <c>SET-PARITY</c> (3 / 103).</summary>
    SetParity = 3,

    /// <summary>RFC 2217: <c>SET-STOPSIZE</c> (4 / 104).</summary>
    SetStopSize = 4,

    /// <summary>RFC 2217: <c>SET-CONTROL</c> (5 / 105).</summary>
    SetControl = 5,

    /// <summary>RFC 2217: <c>NOTIFY-LINESTATE</c> (6 / 106).</summary>
    NotifyLineState = 6,

    /// <summary>RFC 2217: <c>NOTIFY-MODEMSTATE</c> (7 / 107).</summary>
    NotifyModemState = 7,

    /// <summary>RFC 2217: <c>FLOWCONTROL-SUSPEND</c> (8 / 108).</summary>
    FlowControlSuspend = 8,

    /// <summary>RFC 2217: <c>FLOWCONTROL-RESUME</c> (9 / 109).</summary>
    FlowControlResume = 9,

    /// <summary>RFC 2217: <c>SET-LINESTATE-MASK</c> (10 / 110).</summary>
    SetLineStateMask = 10,

    /// <summary>RFC 2217: <c>SET-MODEMSTATE-MASK</c> (11 / 111).</summary>
    SetModemStateMask = 11,

    /// <summary>RFC 2217: <c>PURGE-DATA</c> (12 / 112).</summary>
    PurgeData = 12,
}

/// <summary>RFC 2217 <c>SET-PARITY</c> values.</summary>
public enum ComPortParity : byte
{
    /// <summary>Ask for the current parity.</summary>
    Request = 0,

    /// <summary>No parity.</summary>
    None = 1,

    /// <summary>Odd parity.</summary>
    Odd = 2,

    /// <summary>Even parity.</summary>
    Even = 3,

    /// <summary>Mark parity.</summary>
    Mark = 4,

    /// <summary>Space parity.</summary>
    Space = 5,
}

/// <summary>RFC 2217 <c>SET-STOPSIZE</c> values.</summary>
public enum ComPortStopSize : byte
{
    /// <summary>Ask for the current number of stop bits.</summary>
    Request = 0,

    /// <summary>One stop bit.</summary>
    One = 1,

    /// <summary>Two stop bits.</summary>
    Two = 2,

    /// <summary>One and a half stop bits.</summary>
    OnePointFive = 3,
}

/// <summary>RFC 2217 <c>SET-CONTROL</c> values.</summary>
public enum ComPortControl : byte
{
    /// <summary>Ask for the outbound flow control setting.</summary>
    RequestFlowControl = 0,

    /// <summary>No outbound flow control.</summary>
    NoFlowControl = 1,

    /// <summary>XON/XOFF outbound flow control.</summary>
    XonXoffFlowControl = 2,

    /// <summary>Hardware outbound flow control.</summary>
    HardwareFlowControl = 3,

    /// <summary>Ask for the BREAK state.</summary>
    RequestBreak = 4,

    /// <summary>Set BREAK on.</summary>
    BreakOn = 5,

    /// <summary>Set BREAK off.</summary>
    BreakOff = 6,

    /// <summary>Ask for the DTR state.</summary>
    RequestDtr = 7,

    /// <summary>Set DTR on.</summary>
    DtrOn = 8,

    /// <summary>Set DTR off.</summary>
    DtrOff = 9,

    /// <summary>Ask for the RTS state.</summary>
    RequestRts = 10,

    /// <summary>Set RTS on.</summary>
    RtsOn = 11,

    /// <summary>Set RTS off.</summary>
    RtsOff = 12,

    /// <summary>Ask for the inbound flow control setting.</summary>
    RequestInboundFlowControl = 13,

    /// <summary>No inbound flow control.</summary>
    NoInboundFlowControl = 14,

    /// <summary>XON/XOFF inbound flow control.</summary>
    XonXoffInboundFlowControl = 15,

    /// <summary>Hardware inbound flow control.</summary>
    HardwareInboundFlowControl = 16,

    /// <summary>DCD flow control (outbound and inbound).</summary>
    DcdFlowControl = 17,

    /// <summary>DTR flow control (inbound).</summary>
    DtrFlowControl = 18,

    /// <summary>DSR flow control (outbound).</summary>
    DsrFlowControl = 19,
}

/// <summary>RFC 2217 <c>NOTIFY-LINESTATE</c> and <c>SET-LINESTATE-MASK</c> bits.</summary>
[Flags]
public enum ComPortLineState : byte
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>Bit 0: data ready.</summary>
    DataReady = 1,

    /// <summary>Bit 1: overrun error.</summary>
    OverrunError = 2,

    /// <summary>Bit 2: parity error.</summary>
    ParityError = 4,

    /// <summary>Bit 3: framing error.</summary>
    FramingError = 8,

    /// <summary>Bit 4: break detected.</summary>
    BreakDetect = 16,

    /// <summary>Bit 5: transfer holding register empty.</summary>
    TransferHoldingRegisterEmpty = 32,

    /// <summary>Bit 6: transfer shift register empty.</summary>
    TransferShiftRegisterEmpty = 64,

    /// <summary>Bit 7: time-out error.</summary>
    TimeoutError = 128,
}

/// <summary>RFC 2217 <c>NOTIFY-MODEMSTATE</c> and <c>SET-MODEMSTATE-MASK</c> bits.</summary>
[Flags]
public enum ComPortModemState : byte
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>Bit 0: delta clear to send.</summary>
    DeltaClearToSend = 1,

    /// <summary>Bit 1: delta data set ready.</summary>
    DeltaDataSetReady = 2,

    /// <summary>Bit 2: trailing edge ring detector.</summary>
    TrailingEdgeRingDetector = 4,

    /// <summary>Bit 3: delta receive line signal detect.</summary>
    DeltaReceiveLineSignalDetect = 8,

    /// <summary>Bit 4: clear to send (CTS).</summary>
    ClearToSend = 16,

    /// <summary>Bit 5: data set ready (DSR).</summary>
    DataSetReady = 32,

    /// <summary>Bit 6: ring indicator.</summary>
    RingIndicator = 64,

    /// <summary>Bit 7: receive line signal detect (carrier detect).</summary>
    ReceiveLineSignalDetect = 128,
}

/// <summary>RFC 2217 <c>PURGE-DATA</c> values.</summary>
public enum ComPortPurge : byte
{
    /// <summary>Purge the access server's receive buffer.</summary>
    ReceiveBuffer = 1,

    /// <summary>Purge the access server's transmit buffer.</summary>
    TransmitBuffer = 2,

    /// <summary>Purge both buffers.</summary>
    Both = 3,
}

/// <summary>One RFC 2217 message, as <see cref="ComPort.TryParse"/> reads it.</summary>
/// <param name="Command">The command.</param>
/// <param name="FromServer">Whether the access server sent it (code 100 and up).</param>
/// <param name="Value">The baud rate for <see cref="ComPortCommand.SetBaudRate"/>; the value byte for the other one-byte commands; 0 otherwise.</param>
/// <param name="Signature">The text of a <see cref="ComPortCommand.Signature"/> (empty asks for the peer's); <see langword="null"/> otherwise.</param>
public readonly record struct ComPortMessage(ComPortCommand Command, bool FromServer, uint Value, string? Signature = null)
{
    /// <summary>Gets the baud rate of a <see cref="ComPortCommand.SetBaudRate"/> (0 = asking).</summary>
    public uint BaudRate => Value;

    /// <summary>Gets the data size of a <see cref="ComPortCommand.SetDataSize"/> (0 = asking).</summary>
    public byte DataSize => (byte)Value;

    /// <summary>Gets the parity of a <see cref="ComPortCommand.SetParity"/>.</summary>
    public ComPortParity Parity => (ComPortParity)Value;

    /// <summary>Gets the stop size of a <see cref="ComPortCommand.SetStopSize"/>.</summary>
    public ComPortStopSize StopSize => (ComPortStopSize)Value;

    /// <summary>Gets the setting of a <see cref="ComPortCommand.SetControl"/>.</summary>
    public ComPortControl Control => (ComPortControl)Value;

    /// <summary>Gets the bits of a <see cref="ComPortCommand.NotifyLineState"/> or <see cref="ComPortCommand.SetLineStateMask"/>.</summary>
    public ComPortLineState LineState => (ComPortLineState)Value;

    /// <summary>Gets the bits of a <see cref="ComPortCommand.NotifyModemState"/> or <see cref="ComPortCommand.SetModemStateMask"/>.</summary>
    public ComPortModemState ModemState => (ComPortModemState)Value;

    /// <summary>Gets the buffers of a <see cref="ComPortCommand.PurgeData"/>.</summary>
    public ComPortPurge Purge => (ComPortPurge)Value;
}
