namespace RxTelnet.Negotiation;

/// <summary>The RFC 1143 Q-method state of both sides of one option: four bytes, the default being all disabled.</summary>
/// <param name="Local">The state of the option on our side ("us").</param>
/// <param name="LocalQueue">The queue bit of our side ("usq").</param>
/// <param name="Remote">The state of the option on the peer's side ("him").</param>
/// <param name="RemoteQueue">The queue bit of the peer's side ("himq").</param>
public readonly record struct OptionState(OptionQState Local, OptionQueue LocalQueue, OptionQState Remote, OptionQueue RemoteQueue)
{
    /// <summary>Gets whether we perform the option (<see cref="Local"/> is <see cref="OptionQState.Yes"/>).</summary>
    public bool IsLocalEnabled => Local == OptionQState.Yes;

    /// <summary>Gets whether the peer performs the option (<see cref="Remote"/> is <see cref="OptionQState.Yes"/>).</summary>
    public bool IsRemoteEnabled => Remote == OptionQState.Yes;

    /// <summary>Gets the state of one side.</summary>
    /// <param name="side">The side.</param>
    /// <returns>That side's state.</returns>
    public OptionQState StateOf(OptionSide side) => side == OptionSide.Local ? Local : Remote;

    /// <summary>Gets the queue bit of one side.</summary>
    /// <param name="side">The side.</param>
    /// <returns>That side's queue bit.</returns>
    public OptionQueue QueueOf(OptionSide side) => side == OptionSide.Local ? LocalQueue : RemoteQueue;
}
