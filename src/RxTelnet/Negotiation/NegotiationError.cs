namespace RxTelnet.Negotiation;

/// <summary>
/// The error cases of the RFC 1143 §7 tables. None of them changes the state wrongly or sends anything: they are
/// reported so that the caller can log them.
/// </summary>
public enum NegotiationError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The application asked to enable an option that is already enabled ("Error: Already enabled").</summary>
    AlreadyEnabled = 1,

    /// <summary>The application asked to disable an option that is already disabled ("Error: Already disabled").</summary>
    AlreadyDisabled = 2,

    /// <summary>The application asked to enable while an enable request is in flight ("Error: Already negotiating for enable").</summary>
    AlreadyNegotiatingForEnable = 3,

    /// <summary>The application asked to disable while a disable request is in flight ("Error: Already negotiating for disable").</summary>
    AlreadyNegotiatingForDisable = 4,

    /// <summary>The application asked to enable while an enable request is already queued ("Error: Already queued an enable request").</summary>
    AlreadyQueuedEnableRequest = 5,

    /// <summary>The application asked to disable while a disable request is already queued ("Error: Already queued a disable request").</summary>
    AlreadyQueuedDisableRequest = 6,

    /// <summary>
    /// The peer answered our DONT with WILL, or our WONT with DO ("Error: DONT answered by WILL"). A compliant peer
    /// never does this on a reliable connection; the state is settled without a reply, as RFC 1143 §7 prescribes.
    /// </summary>
    DisableAnsweredByEnable = 7,
}
