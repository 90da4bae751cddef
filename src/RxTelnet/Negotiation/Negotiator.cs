namespace RxTelnet.Negotiation;

using RxTelnet.Protocol;

/// <summary>
/// RFC 1143 Q-method option negotiation for both sides of all 256 options: a pure function of (state, incoming
/// verb or application request, <see cref="TelnetOptionPolicy"/>) that returns the replies to send as data.
/// </summary>
/// <remarks>
/// <para>
/// No I/O, no threads, no time: the caller writes the returned commands, in order, before anything else it sends
/// in reaction to the same call (libtelnet raises <c>TELNET_EV_SEND</c> the same way). The state is a 256-entry
/// array of four-byte <see cref="OptionState"/> values and never grows. The type is not thread-safe; a session
/// calls it from its serialized receive path.
/// </para>
/// <list type="table">
/// <listheader><term>Event</term><description>Behavior (RFC 1143 §7)</description></listheader>
/// <item><term>WILL/DO for a disabled option</term><description>WILL answered DO, DO answered WILL when the policy allows it; otherwise DONT/WONT</description></item>
/// <item><term>WONT/DONT for an enabled option</term><description>acknowledged with DONT/WONT, the option is disabled</description></item>
/// <item><term>any verb that does not change the state</term><description>no reply, so two peers can never loop</description></item>
/// <item><term>answer to our own request</term><description>no reply; a request queued meanwhile (the queue bit) is sent now</description></item>
/// <item><term>application request during a negotiation</term><description>queued (<see cref="OptionQueue.Opposite"/>), or reported as a <see cref="NegotiationError"/> with nothing sent</description></item>
/// <item><term>DO TIMING-MARK (RFC 860)</term><description>answered WILL (policy allows) or WONT every time, the option staying disabled, as BSD telnetd does</description></item>
/// <item><term>WILL TIMING-MARK</term><description>answers our DO and returns the option to <see cref="OptionQState.No"/> so the next DO can be sent; unsolicited, it is refused; TIMING-MARK never reaches <see cref="OptionQState.Yes"/> on either side</description></item>
/// </list>
/// </remarks>
public sealed class Negotiator
{
    private static readonly IReadOnlyList<TelnetCommand> NoReplies = Array.Empty<TelnetCommand>();

    private readonly OptionState[] _states = new OptionState[256];
    private TelnetOptionPolicy _policy;

    /// <summary>Creates a negotiator that refuses every option the peer asks for (telnetlib's default).</summary>
    public Negotiator()
        : this(TelnetOptionPolicy.RefuseAll)
    {
    }

    /// <summary>Creates a negotiator with a policy.</summary>
    /// <param name="policy">Which options the peer may enable.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public Negotiator(TelnetOptionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <summary>Gets or sets the policy applied to the peer's next requests; options already enabled stay enabled.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TelnetOptionPolicy Policy
    {
        get => _policy;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _policy = value;
        }
    }

    /// <summary>Gets the Q-method state of both sides of <paramref name="option"/>.</summary>
    /// <param name="option">The option.</param>
    /// <returns>The state.</returns>
    public OptionState GetState(TelnetOption option) => _states[(byte)option];

    /// <summary>Gets whether we perform <paramref name="option"/> (our side is <see cref="OptionQState.Yes"/>).</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when enabled.</returns>
    public bool IsLocalEnabled(TelnetOption option) => _states[(byte)option].Local == OptionQState.Yes;

    /// <summary>Gets whether the peer performs <paramref name="option"/> (its side is <see cref="OptionQState.Yes"/>).</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when enabled.</returns>
    public bool IsRemoteEnabled(TelnetOption option) => _states[(byte)option].Remote == OptionQState.Yes;

    /// <summary>
    /// Forgets every option's state, both sides, without sending anything: after a START-TLS upgrade both peers start
    /// negotiating afresh over TLS.
    /// </summary>
    /// <returns>The options and sides that were enabled before, now off.</returns>
    public IReadOnlyList<OptionChange> Reset()
    {
        var changes = new List<OptionChange>();
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i].Local == OptionQState.Yes)
            {
                changes.Add(new OptionChange((TelnetOption)i, OptionSide.Local, false));
            }

            if (_states[i].Remote == OptionQState.Yes)
            {
                changes.Add(new OptionChange((TelnetOption)i, OptionSide.Remote, false));
            }
        }

        Array.Clear(_states);
        return changes;
    }

    /// <summary>Handles a WILL, WONT, DO or DONT received from the peer.</summary>
    /// <param name="negotiation">The negotiation command.</param>
    /// <returns>The commands to send, in order: none or one.</returns>
    /// <exception cref="ArgumentException"><paramref name="negotiation"/> is not a negotiation with an option.</exception>
    public IReadOnlyList<TelnetCommand> Receive(TelnetCommand negotiation) => Receive(negotiation, out _);

    /// <summary>Handles a WILL, WONT, DO or DONT received from the peer and reports what changed.</summary>
    /// <param name="negotiation">The negotiation command.</param>
    /// <param name="outcome">The state of the side concerned before and after, and the RFC 1143 error met, if any.</param>
    /// <returns>The commands to send, in order: none or one.</returns>
    /// <exception cref="ArgumentException"><paramref name="negotiation"/> is not a negotiation with an option.</exception>
    public IReadOnlyList<TelnetCommand> Receive(TelnetCommand negotiation, out NegotiationOutcome outcome)
    {
        if (!negotiation.IsNegotiation || negotiation.Option is not { } option)
        {
            throw new ArgumentException("Only WILL, WONT, DO and DONT with an option are negotiations.", nameof(negotiation));
        }

        // DO/DONT are about what we perform, WILL/WONT about what the peer performs.
        var side = negotiation.Verb is TelnetVerb.Do or TelnetVerb.Dont ? OptionSide.Local : OptionSide.Remote;
        var enable = negotiation.Verb is TelnetVerb.Do or TelnetVerb.Will;
        var current = _states[(byte)option];
        var state = current.StateOf(side);
        var queue = current.QueueOf(side);

        QMethod.Step step;
        if (enable)
        {
            var accept = side == OptionSide.Local ? _policy.IsLocalAllowed(option) : _policy.IsRemoteAllowed(option);
            step = option == TelnetOption.TimingMark
                ? TimingMark(side, state, queue, accept)
                : QMethod.ReceiveEnable(state, queue, accept);
        }
        else
        {
            step = QMethod.ReceiveDisable(state, queue);
        }

        return Apply(option, side, state, step, out outcome);
    }

    /// <summary>Asks to start (<paramref name="enable"/>) or stop performing <paramref name="option"/> ourselves.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable"><see langword="true"/> to send WILL, <see langword="false"/> to send WONT.</param>
    /// <returns>The commands to send: none when the request is queued or is an RFC 1143 error case.</returns>
    public IReadOnlyList<TelnetCommand> RequestLocal(TelnetOption option, bool enable) => Request(option, OptionSide.Local, enable, out _);

    /// <summary>Asks to start or stop performing <paramref name="option"/> ourselves and reports what changed.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable"><see langword="true"/> to send WILL, <see langword="false"/> to send WONT.</param>
    /// <param name="outcome">The state of our side before and after, and the RFC 1143 error met, if any.</param>
    /// <returns>The commands to send: none when the request is queued or is an RFC 1143 error case.</returns>
    public IReadOnlyList<TelnetCommand> RequestLocal(TelnetOption option, bool enable, out NegotiationOutcome outcome) =>
        Request(option, OptionSide.Local, enable, out outcome);

    /// <summary>Asks the peer to start (<paramref name="enable"/>) or stop performing <paramref name="option"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable"><see langword="true"/> to send DO, <see langword="false"/> to send DONT.</param>
    /// <returns>The commands to send: none when the request is queued or is an RFC 1143 error case.</returns>
    public IReadOnlyList<TelnetCommand> RequestRemote(TelnetOption option, bool enable) => Request(option, OptionSide.Remote, enable, out _);

    /// <summary>Asks the peer to start or stop performing <paramref name="option"/> and reports what changed.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable"><see langword="true"/> to send DO, <see langword="false"/> to send DONT.</param>
    /// <param name="outcome">The state of the peer's side before and after, and the RFC 1143 error met, if any.</param>
    /// <returns>The commands to send: none when the request is queued or is an RFC 1143 error case.</returns>
    public IReadOnlyList<TelnetCommand> RequestRemote(TelnetOption option, bool enable, out NegotiationOutcome outcome) =>
        Request(option, OptionSide.Remote, enable, out outcome);

    /// <summary>
    /// RFC 860: TIMING-MARK marks a point in the stream and never stays enabled, on either side, so that every DO
    /// gets an answer and every answer frees the way for the next DO. Only NO and WANTYES are ever reached.
    /// </summary>
    private static QMethod.Step TimingMark(OptionSide side, OptionQState state, OptionQueue queue, bool accept) => state switch
    {
        // A DO TM is answered where it stands in the stream, but we stay at NO (BSD telnetd: "We send a WILL, but
        // pretend we sent WONT"). An unsolicited WILL TM marks nothing we asked for: refuse it.
        OptionQState.No => QMethod.Step.To(
            OptionQState.No,
            side == OptionSide.Local && accept ? QMethod.Reply.Enable : QMethod.Reply.Disable),

        // The answer to our DO TM (or a DO TM crossing our WILL TM, which answers it): the mark is done.
        OptionQState.WantYes => QMethod.Step.To(OptionQState.No),
        _ => QMethod.ReceiveEnable(state, queue, accept),
    };

    private IReadOnlyList<TelnetCommand> Request(TelnetOption option, OptionSide side, bool enable, out NegotiationOutcome outcome)
    {
        var current = _states[(byte)option];
        var state = current.StateOf(side);
        var queue = current.QueueOf(side);
        var step = enable ? QMethod.RequestEnable(state, queue) : QMethod.RequestDisable(state, queue);
        return Apply(option, side, state, step, out outcome);
    }

    private IReadOnlyList<TelnetCommand> Apply(TelnetOption option, OptionSide side, OptionQState before, QMethod.Step step, out NegotiationOutcome outcome)
    {
        ref var slot = ref _states[(byte)option];
        slot = side == OptionSide.Local
            ? slot with { Local = step.State, LocalQueue = step.Queue }
            : slot with { Remote = step.State, RemoteQueue = step.Queue };

        outcome = new NegotiationOutcome(option, side, before, step.State, step.Error);
        if (step.Reply == QMethod.Reply.None)
        {
            return NoReplies;
        }

        var verb = (side, step.Reply) switch
        {
            (OptionSide.Local, QMethod.Reply.Enable) => TelnetVerb.Will,
            (OptionSide.Local, _) => TelnetVerb.Wont,
            (_, QMethod.Reply.Enable) => TelnetVerb.Do,
            _ => TelnetVerb.Dont,
        };
        return new[] { TelnetCommand.Negotiation(verb, option) };
    }
}
