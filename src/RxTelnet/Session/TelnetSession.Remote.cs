namespace RxTelnet.Session;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;

/// <content>
/// What the peer told about itself (window size, terminal types, environment), subnegotiations held until their option
/// is agreed, CHARSET requests of our own, and the answer to AYT.
/// </content>
public sealed partial class TelnetSession
{
    /// <summary>How many terminal types a TTYPE cycle asks for at most (RFC 1091 lets a client list any number).</summary>
    public const int MaxRemoteTerminalTypes = 16;

    /// <summary>How many of the peer's environment variables are kept at most; further names are ignored.</summary>
    public const int MaxRemoteEnvironmentVariables = 256;

    /// <summary>
    /// How many characters of names and values the peer's environment keeps at most, all variables together; a
    /// variable that would take it past this is ignored, as a name past <see cref="MaxRemoteEnvironmentVariables"/> is.
    /// </summary>
    public const int MaxRemoteEnvironmentLength = 64 * 1024;

    /// <summary>How long a terminal type name the session keeps (RFC 1091 names are at most 40 characters); a longer name ends the cycle unrecorded.</summary>
    public const int MaxRemoteTerminalTypeLength = 256;

    private static readonly byte[] DefaultAreYouThereReply = "\r\n[Yes]\r\n"u8.ToArray();

    private readonly List<HeldSubnegotiation> _held = [];
    private ReplaySubject<WindowSize>? _remoteWindowSizes;
    private ReplaySubject<IReadOnlyList<string>>? _remoteTerminalTypes;
    private ReplaySubject<IReadOnlyDictionary<string, string>>? _remoteEnvironment;
    private List<string>? _terminalTypeNames;
    private Dictionary<string, string>? _environmentValues;
    private int _environmentLength;
    private bool _remoteStopped;
    private bool _isListenerSession;

    /// <summary>
    /// Gets the peer's window size (NAWS, RFC 1073) each time it reports one, once NAWS is enabled on the peer's side
    /// (ask with <c>RequestRemote(TelnetOption.Naws, true)</c>); a late subscriber gets the latest size first. Completes
    /// when the session closes.
    /// </summary>
    public IObservable<WindowSize> RemoteWindowSizes => RemoteValues(ref _remoteWindowSizes);

    /// <summary>
    /// Gets the peer's terminal types (TTYPE, RFC 1091), the list so far each time it grows: once TTYPE is enabled on
    /// the peer's side, the session asks (<c>SEND</c>) and asks again until a name repeats,
    /// <see cref="MaxRemoteTerminalTypes"/> names came or one is longer than <see cref="MaxRemoteTerminalTypeLength"/>. The first name is the peer's preferred one. A late subscriber
    /// gets the latest list first; completes when the session closes.
    /// </summary>
    public IObservable<IReadOnlyList<string>> RemoteTerminalTypes => RemoteValues(ref _remoteTerminalTypes);

    /// <summary>
    /// Gets the peer's environment (NEW-ENVIRON, RFC 1572), all variables known so far each time they change: once
    /// NEW-ENVIRON is enabled on the peer's side the session asks for everything (<c>SEND</c>), and the peer's
    /// <c>IS</c> and later <c>INFO</c> update it (a variable sent without a value is removed). User variables are
    /// keyed as sent, well-known ones too (<c>USER</c>, <c>DISPLAY</c>...); at most
    /// <see cref="MaxRemoteEnvironmentVariables"/> are kept, of at most <see cref="MaxRemoteEnvironmentLength"/>
    /// characters together. A late subscriber gets the latest first;
    /// completes when the session closes.
    /// </summary>
    public IObservable<IReadOnlyDictionary<string, string>> RemoteEnvironment => RemoteValues(ref _remoteEnvironment);

    /// <summary>
    /// Asks the peer to switch to one of <paramref name="encodings"/> (CHARSET <c>REQUEST</c>, RFC 2066) and, if it
    /// accepts, switches <see cref="TextEncoding"/>.
    /// </summary>
    /// <param name="encodings">The encodings, in order of preference; not empty, none null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The encoding the peer accepted, or null when it rejected them all or did not answer in <see cref="TelnetSessionOptions.NegotiationTimeout"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="encodings"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="encodings"/> is empty or holds a null.</exception>
    /// <exception cref="TelnetOptionNotAgreedException">CHARSET is not agreed on either side (ask with <c>RequestLocal(TelnetOption.Charset, true)</c> first); a request is held while it is being negotiated.</exception>
    /// <exception cref="TelnetClosedException">The session closed first.</exception>
    public Task<Encoding?> RequestCharsetAsync(IReadOnlyList<Encoding> encodings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encodings);
        if (encodings.Count == 0)
        {
            throw new ArgumentException("At least one encoding is needed.", nameof(encodings));
        }

        var byName = new Dictionary<string, Encoding>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < encodings.Count; i++)
        {
            var encoding = encodings[i] ?? throw new ArgumentException($"Encoding {i} is null.", nameof(encodings));
            byName.TryAdd(encoding.WebName, encoding);
        }

        return RequestCharsetCoreAsync(byName, cancellationToken);
    }

    private async Task<Encoding?> RequestCharsetCoreAsync(Dictionary<string, Encoding> byName, CancellationToken cancellationToken)
    {

        // Subscribed before the request goes out, so an answer that comes at once is not missed.
        var answer = Commands
            .Where(static c => c.IsSubnegotiation && c.Option == TelnetOption.Charset)
            .Select(static c => Charset.TryParseAccepted(c.Payload.Span, out var name) ? name
                : Charset.TryGetCommand(c.Payload.Span, out var command) && command == CharsetCommand.Rejected ? string.Empty
                : null)
            .Where(static name => name is not null)
            .Take(1)
            .Timeout(_options.NegotiationTimeout, Observable.Return<string?>(string.Empty), _options.Scheduler)
            .DefaultIfEmpty(null)
            .ToTask(cancellationToken);

        await SendSubnegotiationAsync(TelnetOption.Charset, Charset.EncodeRequest(byName.Keys), cancellationToken).ConfigureAwait(false);
        var accepted = await answer.ConfigureAwait(false);
        if (accepted is null)
        {
            throw new TelnetClosedException("The session closed before the peer answered the CHARSET request.");
        }

        if (accepted.Length == 0 || !byName.TryGetValue(accepted, out var chosen))
        {
            // Rejected, no answer in time, or a name we did not offer (which RFC 2066 does not allow): nothing switches.
            return null;
        }

        lock (_negotiationGate)
        {
            _encoding!.OnNext(chosen);
        }

        return chosen;
    }

    /// <summary>Marks a session a listener made: it answers AYT by default.</summary>
    internal void MarkListenerSession()
    {
        _isListenerSession = true;
        _telemetry.IsServer = true;
    }

    private IObservable<T> RemoteValues<T>(ref ReplaySubject<T>? field)
    {
        NegotiationState();
        lock (_negotiationGate)
        {
            var subject = field ??= new ReplaySubject<T>(1);
            if (_remoteStopped)
            {
                subject.OnCompleted();
            }

            return subject.AsObservable();
        }
    }

    // Under _negotiationGate.
    private void PublishRemote<T>(ref ReplaySubject<T>? field, T value) => (field ??= new ReplaySubject<T>(1)).OnNext(value);

    private void StopRemoteValues()
    {
        lock (_negotiationGate)
        {
            _remoteStopped = true;
            _remoteWindowSizes?.OnCompleted();
            _remoteTerminalTypes?.OnCompleted();
            _remoteEnvironment?.OnCompleted();
            FailHeld(static option => new TelnetClosedException($"The session closed before option {option} was agreed; the subnegotiation was not sent."));
        }
    }

    private void OnAreYouThere()
    {
        var reply = _options.AreYouThereReply is { } text ? Encoding.ASCII.GetBytes(text)
            : _isListenerSession ? DefaultAreYouThereReply
            : [];
        if (reply.Length > 0)
        {
            _ = SendQuietlyAsync(TelnetEncoder.EscapeData(reply), isReply: false);
        }
    }

    // Under _negotiationGate: the peer's side of an option was just enabled.
    private void OnRemoteOptionEnabled(TelnetOption option)
    {
        switch (option)
        {
            case TelnetOption.TerminalType:
                _terminalTypeNames = [];
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeSend()));
                break;
            case TelnetOption.NewEnvironment:
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.NewEnvironment, NewEnviron.EncodeSend([])));
                break;
        }
    }

    // Under _negotiationGate: what the peer says about itself. Returns whether the payload was one of these.
    private bool OnRemoteSubnegotiation(TelnetCommand command)
    {
        var payload = command.Payload.Span;
        switch (command.Option)
        {
            case TelnetOption.Naws when _negotiator!.IsRemoteEnabled(TelnetOption.Naws) && Naws.TryParse(payload, out var width, out var height):
                PublishRemote(ref _remoteWindowSizes, new WindowSize(width, height));
                return true;

            case TelnetOption.TerminalType when _negotiator!.IsRemoteEnabled(TelnetOption.TerminalType) && TerminalType.TryParseIs(payload, out var name):
                var names = _terminalTypeNames ??= [];
                if (names.Count >= MaxRemoteTerminalTypes || name.Length > MaxRemoteTerminalTypeLength || names.Contains(name, StringComparer.Ordinal))
                {
                    // RFC 1091 repeats the last name, MTTS starts over: either way the list is complete. A peer that
                    // sends names nobody asked for, or names no terminal has, cannot grow it past the limits.
                    return true;
                }

                names.Add(name);
                PublishRemote(ref _remoteTerminalTypes, (IReadOnlyList<string>)[.. names]);
                if (names.Count < MaxRemoteTerminalTypes)
                {
                    SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, TerminalType.EncodeSend()));
                }

                return true;

            case TelnetOption.NewEnvironment when _negotiator!.IsRemoteEnabled(TelnetOption.NewEnvironment)
                && NewEnviron.TryParse(payload, out var environCommand, out var variables)
                && environCommand is NewEnvironCommand.Is or NewEnvironCommand.Info:
                var values = _environmentValues ??= new Dictionary<string, string>(StringComparer.Ordinal);
                if (environCommand == NewEnvironCommand.Is)
                {
                    // IS answers SEND with everything the peer will tell: it replaces what was known.
                    values.Clear();
                    _environmentLength = 0;
                }

                foreach (var variable in variables)
                {
                    var had = values.TryGetValue(variable.Name, out var old);
                    var oldLength = had ? variable.Name.Length + old!.Length : 0;
                    if (variable.Value is null)
                    {
                        values.Remove(variable.Name);
                        _environmentLength -= oldLength;
                        continue;
                    }

                    // Past either limit a change is ignored: a flood of INFO cannot grow the dictionary, in entries or in size.
                    var length = _environmentLength - oldLength + variable.Name.Length + variable.Value.Length;
                    if ((had || values.Count < MaxRemoteEnvironmentVariables) && length <= MaxRemoteEnvironmentLength)
                    {
                        values[variable.Name] = variable.Value;
                        _environmentLength = length;
                    }
                }

                PublishRemote(ref _remoteEnvironment, (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(values, StringComparer.Ordinal));
                return true;

            default:
                return false;
        }
    }

    /// <summary>Sends a subnegotiation now if its option is agreed on either side, holds it while it is being negotiated, and fails otherwise.</summary>
    private Task SendWhenAgreed(TelnetOption option, byte[] wire, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        NegotiationState();
        HeldSubnegotiation held;
        lock (_negotiationGate)
        {
            var state = _negotiator!.GetState(option);
            if (state.IsLocalEnabled || state.IsRemoteEnabled)
            {
                return Enqueue(wire, cancellationToken);
            }

            if (_remoteStopped)
            {
                return Task.FromException(new TelnetClosedException("The session is closed; nothing can be written."));
            }

            if (!IsBeingEnabled(state))
            {
                return Task.FromException(new TelnetOptionNotAgreedException(
                    option, "it is off and no request for it is pending (ask with RequestLocal or RequestRemote first)"));
            }

            held = new HeldSubnegotiation(option, wire);
            _held.Add(held);
        }

        // Bounded like the negotiation itself: a peer that never answers does not keep the send forever.
        held.Timer = _options.Scheduler.Schedule(_options.NegotiationTimeout, () =>
        {
            lock (_negotiationGate)
            {
                if (_held.Remove(held))
                {
                    held.Completion.TrySetException(new TelnetOptionNotAgreedException(
                        option, $"its negotiation did not settle within {_options.NegotiationTimeout.TotalSeconds:0.###} s"));
                }
            }
        });
        if (held.Completion.Task.IsCompleted)
        {
            // Settled on another thread before the timer existed: nothing is left for it to do.
            held.Timer.Dispose();
        }

        if (cancellationToken.CanBeCanceled)
        {
            held.Cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (session, item) = ((TelnetSession, HeldSubnegotiation))state!;
                    lock (session._negotiationGate)
                    {
                        if (session._held.Remove(item))
                        {
                            item.Timer?.Dispose();
                            item.Completion.TrySetCanceled(token);
                        }
                    }
                },
                (this, held));
            if (held.Completion.Task.IsCompleted)
            {
                held.Cancellation.Dispose();
            }
        }

        return held.Completion.Task;
    }

    private static bool IsBeingEnabled(OptionState state) =>
        state.Local == OptionQState.WantYes || state.Remote == OptionQState.WantYes
        || (state.Local == OptionQState.WantNo && state.LocalQueue == OptionQueue.Opposite)
        || (state.Remote == OptionQState.WantNo && state.RemoteQueue == OptionQueue.Opposite);

    // Under _negotiationGate, after each negotiation step: sends what is now agreed, fails what can no longer be.
    private void SettleHeld()
    {
        for (var i = 0; i < _held.Count; i++)
        {
            var held = _held[i];
            var state = _negotiator!.GetState(held.Option);
            if (state.IsLocalEnabled || state.IsRemoteEnabled)
            {
                _held.RemoveAt(i--);
                Complete(held, Enqueue(held.Wire, holdAfter: false, isReply: false, CancellationToken.None, held.Completion));
            }
            else if (!IsBeingEnabled(state))
            {
                _held.RemoveAt(i--);
                Complete(held, Task.FromException(new TelnetOptionNotAgreedException(held.Option, "the peer refused it")));
            }
        }

        static void Complete(HeldSubnegotiation held, Task sent)
        {
            held.Timer?.Dispose();
            held.Cancellation.Dispose();
            if (sent == held.Completion.Task)
            {
                // Queued: the write completes the caller's task itself, on the sending path, with nothing in between.
                return;
            }

            // Refused before it was queued: every such task is already complete, so the outcome is copied now.
            if (sent.IsFaulted)
            {
                held.Completion.TrySetException(sent.Exception!.InnerExceptions);
            }
            else if (sent.IsCanceled)
            {
                held.Completion.TrySetCanceled();
            }
            else
            {
                held.Completion.TrySetResult();
            }
        }
    }

    private void FailHeld(Func<TelnetOption, Exception> error)
    {
        foreach (var held in _held)
        {
            held.Timer?.Dispose();
            held.Cancellation.Dispose();
            held.Completion.TrySetException(error(held.Option));
        }

        _held.Clear();
    }

    private sealed class HeldSubnegotiation(TelnetOption option, byte[] wire)
    {
        public TelnetOption Option => option;

        public byte[] Wire => wire;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? Timer { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
