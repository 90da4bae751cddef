namespace RxTelnet.Serial;

using RxTelnet.Options;

/// <summary>The state behind <c>SET-CONTROL</c>: flow control both ways, BREAK, DTR and RTS; applies a setting or answers a request.</summary>
internal struct SerialControl
{
    public ComPortControl Outbound;
    public ComPortControl Inbound;
    public bool Break;
    public bool Dtr;
    public bool Rts;

    public static SerialControl Default => new()
    {
        Outbound = ComPortControl.NoFlowControl,
        Inbound = ComPortControl.NoInboundFlowControl,
        Dtr = true,
        Rts = true,
    };

    /// <summary>Applies <paramref name="control"/> and returns the state of what it is about.</summary>
    public ComPortControl Apply(ComPortControl control)
    {
        switch (control)
        {
            case ComPortControl.RequestFlowControl:
                return Outbound;
            case ComPortControl.NoFlowControl or ComPortControl.XonXoffFlowControl or ComPortControl.HardwareFlowControl
                or ComPortControl.DcdFlowControl or ComPortControl.DsrFlowControl:
                Outbound = control;
                return Outbound;
            case ComPortControl.RequestBreak:
                return Break ? ComPortControl.BreakOn : ComPortControl.BreakOff;
            case ComPortControl.BreakOn or ComPortControl.BreakOff:
                Break = control == ComPortControl.BreakOn;
                return control;
            case ComPortControl.RequestDtr:
                return Dtr ? ComPortControl.DtrOn : ComPortControl.DtrOff;
            case ComPortControl.DtrOn or ComPortControl.DtrOff:
                Dtr = control == ComPortControl.DtrOn;
                return control;
            case ComPortControl.RequestRts:
                return Rts ? ComPortControl.RtsOn : ComPortControl.RtsOff;
            case ComPortControl.RtsOn or ComPortControl.RtsOff:
                Rts = control == ComPortControl.RtsOn;
                return control;
            case ComPortControl.RequestInboundFlowControl:
                return Inbound;
            case ComPortControl.NoInboundFlowControl or ComPortControl.XonXoffInboundFlowControl
                or ComPortControl.HardwareInboundFlowControl or ComPortControl.DtrFlowControl:
                Inbound = control;
                return Inbound;
            default:
                throw new ArgumentOutOfRangeException(nameof(control), control, $"{control} is not an RFC 2217 SET-CONTROL value.");
        }
    }
}
