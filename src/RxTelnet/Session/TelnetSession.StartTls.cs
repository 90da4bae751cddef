namespace RxTelnet.Session;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxTelnet.Internal;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Transport;

/// <content>
/// START-TLS (Telnet option 46, the START-TLS Internet-Draft): upgrading an open session to TLS in place.
/// </content>
/// <remarks>
/// The exchange: the TLS server's side says <c>DO START_TLS</c>, the TLS client's side <c>WILL START_TLS</c>. Once
/// that is agreed each side sends <c>IAC SB START_TLS FOLLOWS IAC SE</c> and nothing more in plain text; a side
/// starts its part of the handshake when it has sent its FOLLOWS and received the peer's, at the byte after it.
/// This works whichever side says FOLLOWS first: clients that send it right after their <c>WILL</c> (as x3270
/// does), servers that wait for it before sending theirs, and the reverse. Over TLS both sides negotiate afresh:
/// every option is off again, and START-TLS is refused from then on.
/// </remarks>
public sealed partial class TelnetSession
{
    private static readonly byte[] FollowsPayload = [1];

    private BehaviorSubject<bool>? _secure;
    private volatile bool _tlsSwitchPending;
    private volatile bool _tlsUpgrading;
    private Task? _ourFollows;
    private (long Started, System.Diagnostics.Activity? Activity) _tlsStartedAt;

    /// <summary>Gets whether the connection is encrypted: a TLS transport, or after a START-TLS upgrade.</summary>
    public bool IsSecure => NegotiationState()._secure!.Value;

    /// <summary>Gets whether the connection is encrypted: the current value at once, then <see langword="true"/> when a START-TLS upgrade completes; completes when the session closes (a subscriber after that gets the final value, then the completion).</summary>
    public IObservable<bool> Secure => NegotiationState()._secure!.Current();

    /// <summary>
    /// Upgrades the session to TLS with START-TLS (Telnet option 46), taking the part <see cref="TelnetSessionOptions.StartTls"/> gives it.
    /// </summary>
    /// <returns>
    /// One element, then completion: <see langword="true"/> once TLS is established (at once when already secure);
    /// <see langword="false"/> when the peer refuses START-TLS, or when within <see cref="TelnetSessionOptions.NegotiationTimeout"/>
    /// (on the session's scheduler) the peer neither refuses nor starts the switch. A handshake, once started, ends
    /// the read: TLS established, or the session fails with the handshake's error (for example
    /// <see cref="System.Security.Authentication.AuthenticationException"/> for a rejected certificate), which the
    /// read reports too.
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// <see cref="TelnetSessionOptions.StartTls"/> is not set, or the transport cannot upgrade (see <see cref="ITlsUpgradableTransport"/>).
    /// </exception>
    /// <remarks>
    /// Data received before the switch stays queued for reads; writes issued while the switch runs wait for it and
    /// then go out encrypted. A peer that asks first (the server's <c>DO START_TLS</c>, a client's
    /// <c>WILL START_TLS</c>) is answered without this call, when <see cref="TelnetSessionOptions.StartTls"/> is set.
    /// </remarks>
    public IObservable<bool> StartTls()
    {
        var tls = _options.StartTls ?? throw new InvalidOperationException(
            "Set TelnetSessionOptions.StartTls to take part in START-TLS (StartTlsOptions.Client or StartTlsOptions.Server).");
        if (_transport is not ITlsUpgradableTransport)
        {
            throw new InvalidOperationException($"The transport ({_transport.GetType().Name}) cannot switch to TLS; START-TLS needs an {nameof(ITlsUpgradableTransport)}.");
        }

        var side = tls.IsServer ? OptionSide.Remote : OptionSide.Local;
        return Observable.Create<bool>(observer =>
        {
            NegotiationState();
            var finished = 0;
            var subscriptions = new CompositeDisposable();

            void Finish(bool value, Exception? error = null)
            {
                if (Interlocked.Exchange(ref finished, 1) != 0)
                {
                    return;
                }

                subscriptions.Dispose();
                if (error is not null)
                {
                    observer.OnError(error);
                    return;
                }

                observer.OnNext(value);
                observer.OnCompleted();
            }

            subscriptions.Add(_secure!.Subscribe(
                secure =>
                {
                    if (secure)
                    {
                        Finish(true);
                    }
                },
                error => Finish(false, error),
                () => Finish(false, _fault ?? new TelnetClosedException("The session closed before TLS was established."))));
            if (Volatile.Read(ref finished) != 0)
            {
                return Disposable.Empty;
            }

            // A refusal (the peer's WONT or DONT) settles it; agreement only means the switch comes next.
            subscriptions.Add(_outcomes
                .Where(o => o.Option == TelnetOption.StartTls && o.Side == side && o.After == OptionQState.No)
                .Subscribe(_ => Finish(false)));
            subscriptions.Add(_options.Scheduler.Schedule(_options.NegotiationTimeout, () =>
            {
                if (!_tlsUpgrading)
                {
                    Finish(false);
                }
            }));
            subscriptions.Add(Request(TelnetOption.StartTls, side, true, _options.NegotiationTimeout, _options.Scheduler).Subscribe(_ => { }, _ => { }));
            return subscriptions;
        });
    }

    /// <summary>Upgrades the session to TLS with START-TLS; see <see cref="StartTls"/>.</summary>
    /// <param name="cancellationToken">Abandons the wait (a switch already under way goes on).</param>
    /// <returns><see langword="true"/> once TLS is established; <see langword="false"/> when refused or timed out.</returns>
    /// <exception cref="InvalidOperationException">START-TLS is not configured or the transport cannot upgrade.</exception>
    public Task<bool> StartTlsAsync(CancellationToken cancellationToken = default) => StartTls().ToTask(cancellationToken);

    /// <summary>The policy the negotiator applies: the configured one, with option 46 decided by <see cref="TelnetSessionOptions.StartTls"/>.</summary>
    private TelnetOptionPolicy EffectivePolicy(bool secure)
    {
        var policy = _options.Policy.RefuseLocal(TelnetOption.StartTls).RefuseRemote(TelnetOption.StartTls);
        if (secure || _options.StartTls is not { } tls || _transport is not ITlsUpgradableTransport)
        {
            return policy;
        }

        return tls.IsServer ? policy.AllowRemote(TelnetOption.StartTls) : policy.AllowLocal(TelnetOption.StartTls);
    }

    /// <summary>
    /// Called under the negotiation gate when an option changes: once START-TLS is agreed for our part (our
    /// <c>WILL</c> as the TLS client, the peer's <c>WILL</c> as the TLS server), we say FOLLOWS and then nothing
    /// more in plain text.
    /// </summary>
    private void OnStartTlsChanged(OptionChange change)
    {
        if (change is not { Option: TelnetOption.StartTls, Enabled: true } || _options.StartTls is not { } tls
            || change.Side != (tls.IsServer ? OptionSide.Remote : OptionSide.Local) || _secure!.Value || _ourFollows is not null)
        {
            return;
        }

        _ourFollows = SendFollowsAndHold();
    }

    /// <summary>
    /// Called under the negotiation gate for <c>IAC SB START_TLS ... IAC SE</c>: the peer's FOLLOWS, after ours, is
    /// the switch point.
    /// </summary>
    private void OnStartTlsSubnegotiation(ReadOnlySpan<byte> payload)
    {
        if (payload is not [1] || _secure!.Value || _tlsUpgrading)
        {
            // Not a FOLLOWS, or already secure or switching. (Inside an MCCP2 stream the receive path declines.)
            return;
        }

        // Without our own FOLLOWS (never agreed, or given up waiting) the peer's is ignored.
        _tlsSwitchPending = _ourFollows is not null;
    }

    /// <summary>Sends our FOLLOWS and holds every later write until the switch.</summary>
    /// <returns>The FOLLOWS write: the handshake starts once it is on the wire.</returns>
    private Task SendFollowsAndHold()
    {
        // With what this step queued before it (our WILL START_TLS): one write, so a peer that asked first reads our
        // FOLLOWS before it sends its own, and our ClientHello, which waits for its FOLLOWS, cannot join that read.
        var wire = TelnetEncoder.Subnegotiation(TelnetOption.StartTls, FollowsPayload);
        var follows = Enqueue(_inStep ? TakeStepWrites(wire) : wire, holdAfter: true, CancellationToken.None);

        // A write that fails because the session closed is reported through State; observe it here in case no switch awaits it.
        _ = follows.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        // A peer that agreed but never says FOLLOWS must not hold our writes for ever.
        _options.Scheduler.Schedule(_options.NegotiationTimeout, () =>
        {
            lock (_negotiationGate)
            {
                if (!ReferenceEquals(_ourFollows, follows) || _tlsUpgrading || _tlsSwitchPending)
                {
                    return;
                }

                _ourFollows = null;
            }

            ReleaseWrites();
        });
        return follows;
    }

    /// <summary>
    /// Called by the receive path right after each <c>START_TLS</c> subnegotiation: whether it was the switch point.
    /// Takes the mark, so a FOLLOWS the receive path declines (inside MCCP2) leaves nothing behind.
    /// </summary>
    private bool TakeTlsSwitch()
    {
        var pending = _tlsSwitchPending;
        _tlsSwitchPending = false;
        return pending;
    }

    /// <summary>Called by the receive path at the switch point, inside the transport's OnNext, with the rest of the chunk.</summary>
    private void SwitchToTls(ReadOnlyMemory<byte> alreadyReceived)
    {
        _tlsUpgrading = true;
        var tls = _options.StartTls!;
        Task ourFollows;

        // Everything after the switch point belongs to the new, encrypted session: it negotiates from scratch, and
        // the state must be clean before the first decrypted byte is parsed.
        lock (_negotiationGate)
        {
            ourFollows = _ourFollows!;
            _ourFollows = null;
            _negotiator!.Policy = EffectivePolicy(secure: true);
            foreach (var change in _negotiator.Reset())
            {
                OnOptionChanged(change);
            }

            DropHeldReplies();
        }

        Task upgrade;
        _tlsStartedAt = _telemetry.StartTlsStarted(tls.IsServer);
        try
        {
            upgrade = ((ITlsUpgradableTransport)_transport).UpgradeToTlsAsync(alreadyReceived, ourFollows, tls);
        }
        catch (InvalidOperationException ex)
        {
            _telemetry.StartTlsEnded(_tlsStartedAt, ex);
            Shutdown(TelnetCloseReason.TransportError, ex);
            return;
        }

        // Synchronously on the thread that completes the upgrade (the transport's receive loop, before it reads the
        // first TLS bytes): Secure turns true before any data that came over TLS is seen.
        _ = upgrade.ContinueWith(
            static (task, state) => ((TelnetSession)state!).OnTlsSwitchCompleted(task),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnTlsSwitchCompleted(Task upgrade)
    {
        _tlsUpgrading = false;
        if (upgrade.IsCompletedSuccessfully)
        {
            _telemetry.StartTlsEnded(_tlsStartedAt, null);
            _secure!.OnNext(true);
        }
        else
        {
            // Observed here (the error reaches the application through the closing session), so the failed
            // task never surfaces later as an UnobservedTaskException.
            var error = upgrade.Exception?.InnerException ?? upgrade.Exception ?? (Exception)new OperationCanceledException();
            _telemetry.StartTlsEnded(_tlsStartedAt, error);
        }

        // On failure the transport fails its received stream with the same error, which closes the session and
        // fails these writes.
        ReleaseWrites();
    }
}
