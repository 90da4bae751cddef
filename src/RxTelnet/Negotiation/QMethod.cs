namespace RxTelnet.Negotiation;

/// <summary>
/// The RFC 1143 §7 tables, written once for both sides: "enable" is WILL for the remote side and DO for the local
/// side, "disable" is WONT or DONT. Each function maps (state, queue, event) to (state, queue, reply, error) and
/// touches nothing else.
/// </summary>
internal static class QMethod
{
    /// <summary>The reply a transition asks for, before it is turned into a verb for one side.</summary>
    internal enum Reply : byte
    {
        None = 0,
        Enable = 1,
        Disable = 2,
    }

    internal readonly record struct Step(OptionQState State, OptionQueue Queue, Reply Reply, NegotiationError Error)
    {
        public static Step To(OptionQState state, Reply reply = Reply.None, NegotiationError error = NegotiationError.None) =>
            new(state, OptionQueue.Empty, reply, error);

        public static Step Stay(OptionQState state, OptionQueue queue, NegotiationError error = NegotiationError.None) =>
            new(state, queue, Reply.None, error);
    }

    /// <summary>"Upon receipt of WILL" (him) / "Upon receipt of DO" (us).</summary>
    public static Step ReceiveEnable(OptionQState state, OptionQueue queue, bool accept) => (state, queue) switch
    {
        // We decide: agree -> YES and confirm; otherwise refuse, staying NO (RFC 854 allows any refusal).
        (OptionQState.No, _) => accept ? Step.To(OptionQState.Yes, Reply.Enable) : Step.To(OptionQState.No, Reply.Disable),

        // Already enabled: an unanswered enable would start the RFC 854 request loop, so ignore it.
        (OptionQState.Yes, _) => Step.Stay(state, queue),

        // Our disable answered by enable: a compliant peer never does this; settle without replying.
        (OptionQState.WantNo, OptionQueue.Empty) => Step.To(OptionQState.No, error: NegotiationError.DisableAnsweredByEnable),
        (OptionQState.WantNo, _) => Step.To(OptionQState.Yes, error: NegotiationError.DisableAnsweredByEnable),

        // Our enable accepted; if the application has since asked to disable, ask for that now.
        (OptionQState.WantYes, OptionQueue.Empty) => Step.To(OptionQState.Yes),
        _ => Step.To(OptionQState.WantNo, Reply.Disable),
    };

    /// <summary>"Upon receipt of WONT" (him) / "Upon receipt of DONT" (us).</summary>
    public static Step ReceiveDisable(OptionQState state, OptionQueue queue) => (state, queue) switch
    {
        // Already disabled: never answer, or two refusing peers would loop.
        (OptionQState.No, _) => Step.Stay(state, queue),

        // A disable cannot be refused: acknowledge it.
        (OptionQState.Yes, _) => Step.To(OptionQState.No, Reply.Disable),

        // Our disable acknowledged; if the application has since asked to enable, ask for that now.
        (OptionQState.WantNo, OptionQueue.Empty) => Step.To(OptionQState.No),
        (OptionQState.WantNo, _) => Step.To(OptionQState.WantYes, Reply.Enable),

        // Our enable refused; a queued disable is moot.
        _ => Step.To(OptionQState.No),
    };

    /// <summary>"If we decide to ask him to enable" / "to ask us to enable", with queueing of requests.</summary>
    public static Step RequestEnable(OptionQState state, OptionQueue queue) => (state, queue) switch
    {
        (OptionQState.No, _) => Step.To(OptionQState.WantYes, Reply.Enable),
        (OptionQState.Yes, _) => Step.Stay(state, queue, NegotiationError.AlreadyEnabled),
        (OptionQState.WantNo, OptionQueue.Empty) => Step.Stay(OptionQState.WantNo, OptionQueue.Opposite),
        (OptionQState.WantNo, _) => Step.Stay(state, queue, NegotiationError.AlreadyQueuedEnableRequest),
        (OptionQState.WantYes, OptionQueue.Empty) => Step.Stay(state, queue, NegotiationError.AlreadyNegotiatingForEnable),

        // The enable in flight is what is wanted again: drop the queued disable.
        _ => Step.Stay(OptionQState.WantYes, OptionQueue.Empty),
    };

    /// <summary>"If we decide to ask him to disable" / "to ask us to disable", with queueing of requests.</summary>
    public static Step RequestDisable(OptionQState state, OptionQueue queue) => (state, queue) switch
    {
        (OptionQState.No, _) => Step.Stay(state, queue, NegotiationError.AlreadyDisabled),
        (OptionQState.Yes, _) => Step.To(OptionQState.WantNo, Reply.Disable),
        (OptionQState.WantNo, OptionQueue.Empty) => Step.Stay(state, queue, NegotiationError.AlreadyNegotiatingForDisable),

        // The disable in flight is what is wanted again: drop the queued enable.
        (OptionQState.WantNo, _) => Step.Stay(OptionQState.WantNo, OptionQueue.Empty),
        (OptionQState.WantYes, OptionQueue.Empty) => Step.Stay(OptionQState.WantYes, OptionQueue.Opposite),
        _ => Step.Stay(state, queue, NegotiationError.AlreadyQueuedDisableRequest),
    };
}
