namespace RxTelnet.Session;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;

/// <summary>
/// LINEMODE (RFC 1184) as the client: MODE acknowledged, SLC negotiated, FORWARDMASK refused, and keys typed through
/// <see cref="TypeAsync"/> edited locally and sent as the server asked.
/// </summary>
public sealed partial class TelnetSession
{
    private readonly SlcTable _slc = new();
    private readonly LineEditor _lineEditor = new();
    private readonly BehaviorSubject<LinemodeModes> _linemode = new(LinemodeModes.None);

    /// <summary>
    /// Gets the LINEMODE mode the server set (<see cref="LinemodeModes.None"/> while LINEMODE is off): the current one
    /// first, then each change. Completes when the session closes.
    /// </summary>
    /// <remarks>
    /// LINEMODE is refused unless the policy allows it on our side (<c>AllowLocal(TelnetOption.Linemode)</c>); once the
    /// server agrees, the session answers its MODE with <c>MODE_ACK</c> (keeping <see cref="LinemodeModes.Edit"/> and
    /// <see cref="LinemodeModes.TrapSig"/>, the bits it implements), its SLC with the RFC's rules (see
    /// <see cref="SlcTable.Receive"/>), and refuses FORWARDMASK (<c>WONT FORWARDMASK</c>).
    /// </remarks>
    public IObservable<LinemodeModes> LinemodeChanges => _linemode.DistinctUntilChanged();

    /// <summary>Gets the LINEMODE mode now (<see cref="LinemodeModes.None"/> while LINEMODE is off).</summary>
    public LinemodeModes CurrentLinemode => _linemode.Value;

    /// <summary>Gets the local characters agreed by SLC (a copy), one triplet per function 1 to 18.</summary>
    public IReadOnlyList<SlcTriplet> LocalCharacters
    {
        get
        {
            lock (_negotiationGate)
            {
                return [.. _slc.Current];
            }
        }
    }

    /// <summary>
    /// Sends what the user typed. Under LINEMODE with <see cref="LinemodeModes.Edit"/> the keys are edited locally and
    /// sent a line at a time (with CR LF), with <see cref="LinemodeModes.TrapSig"/> the interrupt characters become
    /// Telnet commands; otherwise the keys go out as typed (IAC doubled).
    /// </summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the send while it is queued.</param>
    /// <returns>What to echo locally: the edited characters and erasures while editing, else empty.</returns>
    /// <exception cref="TelnetClosedException">The session is closed (on the task).</exception>
    public async Task<byte[]> TypeAsync(ReadOnlyMemory<byte> keys, CancellationToken cancellationToken = default)
    {
        var send = new List<LineEditorOutput>();
        var echo = new List<byte>();
        lock (_negotiationGate)
        {
            var linemode = _negotiator is not null && _negotiator.IsLocalEnabled(TelnetOption.Linemode);
            if (linemode)
            {
                _lineEditor.Type(keys.Span, _linemode.Value, _slc, send, echo);
            }
            else
            {
                send.Add(LineEditorOutput.Data(keys.ToArray()));
            }
        }

        var wire = Wire(send);
        if (wire.Length > 0)
        {
            await Enqueue(wire, cancellationToken).ConfigureAwait(false);
        }

        return [.. echo];
    }

    private static byte[] Wire(List<LineEditorOutput> send)
    {
        var wire = new List<byte>();
        foreach (var output in send)
        {
            wire.AddRange(output.Verb is { } verb ? TelnetEncoder.Command(verb) : TelnetEncoder.EscapeData(output.Bytes));
        }

        return [.. wire];
    }

    /// <summary>Under <see cref="_negotiationGate"/>: the server's LINEMODE subnegotiation. Returns whether it was one we handle.</summary>
    private bool OnLinemodeSubnegotiation(TelnetCommand command)
    {
        if (command.Option != TelnetOption.Linemode || !_negotiator!.IsLocalEnabled(TelnetOption.Linemode))
        {
            return false;
        }

        var payload = command.Payload.Span;
        if (Linemode.TryParseMode(payload, out var requested))
        {
            if ((requested & LinemodeModes.ModeAck) != 0)
            {
                // The server acknowledges a mode: nothing to answer (answering would loop).
                return true;
            }

            var mode = requested & (LinemodeModes.Edit | LinemodeModes.TrapSig);
            var changed = mode != _linemode.Value || mode != requested;
            if (mode != _linemode.Value && (mode & LinemodeModes.Edit) == 0)
            {
                // Leaving local editing: what was typed so far goes out now.
                FlushLine();
            }

            _linemode.OnNext(mode);
            if (changed)
            {
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Linemode, Linemode.EncodeMode(mode | LinemodeModes.ModeAck)));
            }

            return true;
        }

        if (Linemode.TryParseSlc(payload, out var triplets))
        {
            var answer = _slc.Receive(triplets);
            if (answer.Count > 0)
            {
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Linemode, Linemode.EncodeSlc(answer)));
            }

            return true;
        }

        if (Linemode.TryParseForwardMask(payload, out var verb))
        {
            // FORWARDMASK is not implemented: refused, as RFC 1184 lets a client.
            if (verb == (byte)TelnetVerb.Do)
            {
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Linemode, [(byte)TelnetVerb.Wont, Linemode.ForwardMask]));
            }
            else if (verb == (byte)TelnetVerb.Will)
            {
                SendLocked(TelnetEncoder.Subnegotiation(TelnetOption.Linemode, [(byte)TelnetVerb.Dont, Linemode.ForwardMask]));
            }

            return true;
        }

        return false;
    }

    /// <summary>Under <see cref="_negotiationGate"/>, inside a step: LINEMODE on our side turned on or off.</summary>
    private void OnLinemodeChanged(OptionChange change)
    {
        if (change is not { Option: TelnetOption.Linemode, Side: OptionSide.Local })
        {
            return;
        }

        if (!change.Enabled)
        {
            FlushLine();
        }

        _slc.Reset();
        _linemode.OnNext(LinemodeModes.None);
    }

    private void FlushLine()
    {
        var send = new List<LineEditorOutput>();
        _lineEditor.Flush(send);
        if (send.Count > 0)
        {
            SendLocked(Wire(send));
        }
    }
}
