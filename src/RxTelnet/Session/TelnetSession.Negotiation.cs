namespace RxTelnet.Session;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Internal;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Transport;

/// <content>RFC 1143 option negotiation and the option handlers (NAWS, TTYPE, NEW-ENVIRON, CHARSET, STATUS, GMCP, MSSP, COM-PORT).</content>
public sealed partial class TelnetSession
{
    private readonly object _negotiationGate = new();
    private readonly Subject<NegotiationOutcome> _outcomes = new();
    private readonly List<byte[]> _stepWrites = [];
    private bool _inStep;
    private Negotiator? _negotiator;
    private BehaviorSubject<TelnetOptionStates>? _optionStates;
    private Broadcast<OptionChange>? _optionChanges;
    private BehaviorSubject<Encoding>? _encoding;
    private TerminalTypeCycler? _terminalTypes;
    private WindowSize? _windowSize;
    private IDisposable? _windowSizeSubscription;

    /// <summary>Gets every change of an option between on and off, on either side (hot).</summary>
    public IObservable<OptionChange> OptionChanges => NegotiationState()._optionChanges!;

    /// <summary>Gets a snapshot of all option states: the current one at once, then one per change (for UI binding); completes when the session closes, and a subscriber after that still gets the last snapshot.</summary>
    public IObservable<TelnetOptionStates> OptionStates => NegotiationState()._optionStates!.Current();

    /// <summary>Gets the encoding for text: the current one at once, then each switch a CHARSET negotiation makes; completes when the session closes, and a subscriber after that still gets the last encoding.</summary>
    public IObservable<Encoding> TextEncodings => NegotiationState()._encoding!.Current();

    /// <summary>Gets the current text encoding (<see cref="TelnetSessionOptions.Encoding"/> until CHARSET switches it).</summary>
    public Encoding TextEncoding => NegotiationState()._encoding!.Value;

    /// <summary>
    /// Gets GMCP messages from the peer (option 201): package name and JSON payload (hot). Only while GMCP is agreed
    /// on either side (see <see cref="Commands"/> for every subnegotiation as it came).
    /// </summary>
    public IObservable<GmcpMessage> GmcpMessages => Commands
        .Where(c => c.IsSubnegotiation && c.Option == TelnetOption.Gmcp && IsSubnegotiationAgreed(TelnetOption.Gmcp))
        .Select(static c => Gmcp.TryParse(c.Payload.Span, out var package, out var json) ? new GmcpMessage(package, json) : (GmcpMessage?)null)
        .Where(static m => m is not null)
        .Select(static m => m!.Value);

    /// <summary>
    /// Gets MSSP variables from the peer (option 70), one dictionary per subnegotiation (hot). Only while MSSP is
    /// agreed on either side.
    /// </summary>
    public IObservable<IReadOnlyDictionary<string, IReadOnlyList<string>>> MsspVariables => Commands
        .Where(c => c.IsSubnegotiation && c.Option == TelnetOption.Mssp && IsSubnegotiationAgreed(TelnetOption.Mssp))
        .Select(static c => Mssp.TryParse(c.Payload.Span, out var variables) ? variables : null)
        .Where(static v => v is not null)
        .Select(static v => v!);

    /// <summary>
    /// Gets COM-PORT-OPTION messages from the peer (RFC 2217): answers to our settings and NOTIFY-LINESTATE/MODEMSTATE
    /// (hot). Only while COM-PORT-OPTION is agreed on either side.
    /// </summary>
    public IObservable<ComPortMessage> ComPortMessages => Commands
        .Where(c => c.IsSubnegotiation && c.Option == TelnetOption.ComPortOption && IsSubnegotiationAgreed(TelnetOption.ComPortOption))
        .Select(static c => ComPort.TryParse(c.Payload.Span, out var message) ? message : (ComPortMessage?)null)
        .Where(static m => m is not null)
        .Select(static m => m!.Value);

    /// <summary>
    /// Gets whether a subnegotiation of <paramref name="option"/> from the peer counts for the typed option streams:
    /// the option is agreed on either side (RFC 855: no subnegotiation before agreement). Called as each command is
    /// broadcast, after the negotiations before it in the stream were applied. When the application answers
    /// negotiations itself (a negotiation callback, or telnetlib's refusals) the session keeps no option state, and
    /// every subnegotiation counts.
    /// </summary>
    private bool IsSubnegotiationAgreed(TelnetOption option)
    {
        if (Volatile.Read(ref _negotiationCallback) is not null || _options.TelnetlibRefusals)
        {
            return true;
        }

        lock (_negotiationGate)
        {
            var negotiator = NegotiationState()._negotiator!;
            return negotiator.IsLocalEnabled(option) || negotiator.IsRemoteEnabled(option);
        }
    }

    /// <summary>Gets whether this side performs <paramref name="option"/> (RFC 1143 state YES).</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when enabled.</returns>
    public bool IsLocalEnabled(TelnetOption option)
    {
        lock (_negotiationGate)
        {
            return NegotiationState()._negotiator!.IsLocalEnabled(option);
        }
    }

    /// <summary>Gets whether the peer performs <paramref name="option"/> (RFC 1143 state YES).</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when enabled.</returns>
    public bool IsRemoteEnabled(TelnetOption option)
    {
        lock (_negotiationGate)
        {
            return NegotiationState()._negotiator!.IsRemoteEnabled(option);
        }
    }

    /// <summary>
    /// Asks to start (<c>WILL</c>) or stop (<c>WONT</c>) performing <paramref name="option"/> ourselves, and emits whether
    /// it is enabled once the peer has answered — or, if it never does, when <see cref="TelnetSessionOptions.NegotiationTimeout"/> passes.
    /// </summary>
    /// <param name="option">The option.</param>
    /// <param name="enable">Whether to enable it.</param>
    /// <returns>One element (enabled after the negotiation), then completion. A silent peer never stalls it.</returns>
    public IObservable<bool> RequestLocal(TelnetOption option, bool enable) => Request(option, OptionSide.Local, enable, _options.NegotiationTimeout, _options.Scheduler);

    /// <summary>
    /// Asks the peer to start (<c>DO</c>) or stop (<c>DONT</c>) performing <paramref name="option"/>, and emits whether it is
    /// enabled once the peer has answered, or when <see cref="TelnetSessionOptions.NegotiationTimeout"/> passes.
    /// </summary>
    /// <param name="option">The option.</param>
    /// <param name="enable">Whether to enable it.</param>
    /// <returns>One element (enabled after the negotiation), then completion.</returns>
    public IObservable<bool> RequestRemote(TelnetOption option, bool enable) => Request(option, OptionSide.Remote, enable, _options.NegotiationTimeout, _options.Scheduler);

    /// <summary>Asks to enable or disable <paramref name="option"/> on our side; see <see cref="RequestLocal(TelnetOption, bool)"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable">Whether to enable it.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>Whether the option is enabled after the negotiation.</returns>
    public Task<bool> RequestLocalAsync(TelnetOption option, bool enable, CancellationToken cancellationToken = default) =>
        RequestLocal(option, enable).ToTask(cancellationToken);

    /// <summary>Asks the peer to enable or disable <paramref name="option"/>; see <see cref="RequestRemote(TelnetOption, bool)"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="enable">Whether to enable it.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>Whether the option is enabled after the negotiation.</returns>
    public Task<bool> RequestRemoteAsync(TelnetOption option, bool enable, CancellationToken cancellationToken = default) =>
        RequestRemote(option, enable).ToTask(cancellationToken);

    /// <summary>
    /// A TIMING-MARK round trip (RFC 860): sends <c>DO TIMING-MARK</c> and completes when the peer answers, which it does
    /// only after processing everything sent before. Emits <see langword="true"/> when answered, <see langword="false"/> on timeout.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether the peer answered within <see cref="TelnetSessionOptions.NegotiationTimeout"/>.</returns>
    public Task<bool> SyncAsync(CancellationToken cancellationToken = default) =>
        Request(TelnetOption.TimingMark, OptionSide.Remote, true, _options.NegotiationTimeout, _options.Scheduler, timingMark: true).ToTask(cancellationToken);

    /// <summary>Sends a GMCP message (option 201): <c>IAC SB GMCP package json IAC SE</c>.</summary>
    /// <param name="package">The package and message name, for example <c>Core.Hello</c>.</param>
    /// <param name="json">The JSON payload, or null for none.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="package"/> is null, empty or contains a space.</exception>
    public Task SendGmcpAsync(string package, string? json = null, CancellationToken cancellationToken = default) =>
        SendSubnegotiationAsync(TelnetOption.Gmcp, Gmcp.Encode(package, json), cancellationToken);

    /// <summary>Sends a COM-PORT-OPTION command (RFC 2217), for example <c>SET-BAUDRATE</c>.</summary>
    /// <param name="message">The command.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    public Task SendComPortAsync(ComPortMessage message, CancellationToken cancellationToken = default) =>
        SendSubnegotiationAsync(TelnetOption.ComPortOption, ComPort.Encode(message), cancellationToken);

    private TelnetSession NegotiationState()
    {
        if (Volatile.Read(ref _negotiator) is not null)
        {
            return this;
        }

        lock (_negotiationGate)
        {
            if (_negotiator is null)
            {
                var secure = _transport is ITlsUpgradableTransport { IsSecure: true };
                var negotiator = new Negotiator(EffectivePolicy(secure));
                _secure = new BehaviorSubject<bool>(secure);
                _optionStates = new BehaviorSubject<TelnetOptionStates>(TelnetOptionStates.AllOff);
                _optionChanges = new Broadcast<OptionChange>(_subscriberErrors);
                _encoding = new BehaviorSubject<Encoding>(_options.Encoding);
                _terminalTypes = new TerminalTypeCycler(_options.TerminalTypes is { Count: > 0 } names ? names : ["UNKNOWN"]);
                Volatile.Write(ref _negotiator, negotiator);
            }
        }

        return this;
    }

    private void StartOptionHandlers()
    {
        NegotiationState();
        if (_options.WindowSizes is { } sizes)
        {
            _windowSizeSubscription = sizes.Subscribe(
                size =>
                {
                    lock (_negotiationGate)
                    {
                        _windowSize = size;
                        if (!_negotiator!.IsLocalEnabled(TelnetOption.Naws))
                        {
                            return;
                        }

                        SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Naws, Naws.Encode(size.Width, size.Height)));
                    }
                },
                _ => { });
        }
    }

    private void StopOptionHandlers()
    {
        StopRemoteValues();
        _linemode.OnCompleted();
        _windowSizeSubscription?.Dispose();
        _optionStates?.OnCompleted();
        _optionChanges?.OnCompleted();
        _encoding?.OnCompleted();
        _secure?.OnCompleted();
        _outcomes.OnCompleted();
    }

    /// <summary>Handles a negotiation or subnegotiation from the peer through the Q method and the option handlers.</summary>
    private void Negotiate(TelnetCommand command)
    {
        NegotiationState();
        if (command.IsSubnegotiation)
        {
            OnSubnegotiation(command);
            return;
        }

        if (!command.IsNegotiation)
        {
            return;
        }

        NegotiationOutcome outcome;
        lock (_negotiationGate)
        {
            BeginStep();
            try
            {
                foreach (var reply in _negotiator!.Receive(command, out outcome))
                {
                    SendLocked(TelnetEncoder.Encode(reply));
                }

                if (outcome.Change is { } change)
                {
                    OnOptionChanged(change);
                }
            }
            finally
            {
                EndStep();
            }

            // After the step's replies, so a held subnegotiation follows the agreement on the wire.
            SettleHeld();
        }

        _telemetry.Negotiation(command, outcome);
        Publish(outcome);
    }

    private IObservable<bool> Request(TelnetOption option, OptionSide side, bool enable, TimeSpan timeout, IScheduler scheduler, bool timingMark = false) =>
        Observable.Create<bool>(observer =>
        {
            NegotiationState();
            var done = new SingleAssignmentDisposable();
            var timer = new SerialDisposable();
            var finished = 0;

            void Finish(bool value)
            {
                if (Interlocked.Exchange(ref finished, 1) != 0)
                {
                    return;
                }

                timer.Dispose();
                observer.OnNext(value);
                observer.OnCompleted();
            }

            bool Enabled() => side == OptionSide.Local ? IsLocalEnabled(option) : IsRemoteEnabled(option);

            done.Disposable = _outcomes
                .Where(o => o.Option == option && o.Side == side && o.After is OptionQState.Yes or OptionQState.No)
                .Subscribe(_ => Finish(!timingMark ? Enabled() : true), _ => Finish(Enabled()), () => Finish(Enabled()));

            NegotiationOutcome outcome;
            lock (_negotiationGate)
            {
                BeginStep();
                try
                {
                    var replies = side == OptionSide.Local
                        ? _negotiator!.RequestLocal(option, enable, out outcome)
                        : _negotiator!.RequestRemote(option, enable, out outcome);
                    foreach (var reply in replies)
                    {
                        SendLocked(TelnetEncoder.Encode(reply));
                    }

                    if (outcome.Change is { } change)
                    {
                        OnOptionChanged(change);
                    }
                }
                finally
                {
                    EndStep();
                }

                SettleHeld();
            }

            if (outcome.After is OptionQState.Yes or OptionQState.No)
            {
                // Already settled: nothing was sent, or the change takes effect at once (disabling).
                Publish(outcome);
                Finish(timingMark ? false : Enabled());
            }
            else
            {
                timer.Disposable = scheduler.Schedule(timeout, () => Finish(timingMark ? false : Enabled()));
            }

            return new CompositeDisposable(done, timer);
        });

    private void Publish(NegotiationOutcome outcome)
    {
        _outcomes.OnNext(outcome);
    }

    /// <summary>Called under <see cref="_negotiationGate"/> after the replies of the same step were queued.</summary>
    private void OnOptionChanged(OptionChange change)
    {
        _telemetry.OptionChanged(change);
        if (change is { Option: TelnetOption.Naws, Side: OptionSide.Local, Enabled: true } && _windowSize is { } size)
        {
            // RFC 1073: the client sends its size as soon as NAWS is agreed.
            SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Naws, Naws.Encode(size.Width, size.Height)));
        }

        var states = new OptionState[256];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = _negotiator!.GetState((TelnetOption)i);
        }

        if (change is { Side: OptionSide.Remote, Enabled: true })
        {
            OnRemoteOptionEnabled(change.Option);
        }

        if (change is { Option: TelnetOption.TerminalType, Side: OptionSide.Local, Enabled: true })
        {
            // RFC 1091: each agreement starts the list over, so the first name sent is again the preferred one.
            _terminalTypes!.Reset();
        }

        OnCompressionChanged(change);
        OnLinemodeChanged(change);
        _optionStates!.OnNext(new TelnetOptionStates(states));
        _optionChanges!.OnNext(change);
        OnStartTlsChanged(change);
    }

    private void OnSubnegotiation(TelnetCommand command)
    {
        var payload = command.Payload.Span;
        lock (_negotiationGate)
        {
            if (OnRemoteSubnegotiation(command) || OnLinemodeSubnegotiation(command))
            {
                return;
            }

            switch (command.Option)
            {
                case TelnetOption.TerminalType when _negotiator!.IsLocalEnabled(TelnetOption.TerminalType) && TerminalType.IsSend(payload):
                    SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, _terminalTypes!.NextIsPayload()));
                    break;

                case TelnetOption.NewEnvironment when _negotiator!.IsLocalEnabled(TelnetOption.NewEnvironment)
                    && NewEnviron.TryParseSend(payload, out var requests):
                    SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.NewEnvironment, NewEnviron.Encode(NewEnvironCommand.Is, SelectVariables(requests))));
                    break;

                case TelnetOption.Charset when (_negotiator!.IsLocalEnabled(TelnetOption.Charset) || _negotiator.IsRemoteEnabled(TelnetOption.Charset))
                    && Charset.TryParseRequest(payload, out var names):
                    if (_options.Charsets is { Count: > 0 } supported && Charset.TrySelect(names, supported, out var name, out var encoding))
                    {
                        SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Charset, Charset.EncodeAccepted(name)));
                        _encoding!.OnNext(encoding);
                    }
                    else
                    {
                        SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Charset, Charset.EncodeRejected()));
                    }

                    break;

                case TelnetOption.StartTls:
                    OnStartTlsSubnegotiation(payload);
                    break;

                case TelnetOption.Status when _negotiator!.IsLocalEnabled(TelnetOption.Status) && Status.IsSend(payload):
                    SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Status, Status.EncodeIs(_negotiator)));
                    break;
            }
        }
    }

    private IEnumerable<NewEnvironVariable> SelectVariables(IReadOnlyList<NewEnvironRequest> requests)
    {
        var offered = _options.Environment ?? [];
        if (requests.Count == 0)
        {
            return offered;
        }

        // RFC 1572: a type with no name asks for every variable of that type.
        return offered.Where(v => requests.Any(r => r.Type == v.Type && (r.Name is null || r.Name == v.Name)));
    }

    /// <summary>Queues wire bytes; called under <see cref="_negotiationGate"/> so replies keep their order.</summary>
    /// <remarks>Inside a negotiation step the bytes wait for the end of the step, which sends them as one write.</remarks>
    private void SendLocked(byte[] wire)
    {
        if (_inStep)
        {
            _stepWrites.Add(wire);
            return;
        }

        _ = SendQuietlyAsync(wire, isReply: true);
    }

    /// <summary>
    /// Starts collecting what one negotiation step sends (its replies, the NAWS size that follows an agreement, our
    /// START-TLS FOLLOWS), under <see cref="_negotiationGate"/>. A step's bytes leave in one write, so a peer that
    /// acts on each read as a whole sees them together: IKSD, for one, reads our WILL START_TLS alone, answers
    /// FOLLOWS, and may then read our FOLLOWS together with the TLS ClientHello and lose the ClientHello.
    /// </summary>
    private void BeginStep() => _inStep = true;

    /// <summary>Sends what the step collected as one write, under <see cref="_negotiationGate"/>.</summary>
    private void EndStep()
    {
        _inStep = false;
        if (_stepWrites.Count > 0)
        {
            _ = SendQuietlyAsync(TakeStepWrites([]), isReply: true);
        }
    }

    /// <summary>Takes what the current step collected, followed by <paramref name="last"/>, as one array.</summary>
    private byte[] TakeStepWrites(byte[] last)
    {
        if (_stepWrites.Count == 0)
        {
            return last;
        }

        var wire = new byte[_stepWrites.Sum(static w => w.Length) + last.Length];
        var at = 0;
        foreach (var part in _stepWrites)
        {
            part.CopyTo(wire, at);
            at += part.Length;
        }

        last.CopyTo(wire, at);
        _stepWrites.Clear();
        return wire;
    }
}

/// <summary>A GMCP message: a package and message name and an optional JSON payload.</summary>
/// <param name="Package">For example <c>Char.Vitals</c>.</param>
/// <param name="Json">The JSON text, or null when the message has none.</param>
public readonly record struct GmcpMessage(string Package, string? Json);
