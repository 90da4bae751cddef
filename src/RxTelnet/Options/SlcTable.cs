namespace RxTelnet.Options;

/// <summary>
/// A LINEMODE client's local characters and their SLC negotiation (RFC 1184 section 2.3): what the server asks is
/// taken or answered with what this side uses, so both ends agree on which key means what. Not thread-safe: the
/// session calls it under its negotiation lock.
/// </summary>
public sealed class SlcTable
{
    private readonly SlcTriplet[] _current = new SlcTriplet[Linemode.MaxSlcFunction + 1];

    /// <summary>Creates a table holding the defaults (<see cref="Defaults"/>).</summary>
    public SlcTable() => Reset();

    /// <summary>
    /// Gets the client defaults, those of a POSIX terminal: IP ^C, AO ^O, AYT ^T, ABORT ^\, EOF ^D, SUSP ^Z, EC DEL,
    /// EL ^U, EW ^W, RP ^R, LNEXT ^V, XON ^Q, XOFF ^S; SYNCH, BRK, EOR, FORW1 and FORW2 not supported.
    /// </summary>
    public static IReadOnlyList<SlcTriplet> Defaults { get; } =
    [
        new((byte)SlcFunction.Synch, (byte)SlcLevel.NoSupport, 0),
        new((byte)SlcFunction.Break, (byte)SlcLevel.NoSupport, 0),
        new((byte)SlcFunction.InterruptProcess, (byte)SlcLevel.Value | Linemode.SlcFlushIn | Linemode.SlcFlushOut, 0x03),
        new((byte)SlcFunction.AbortOutput, (byte)SlcLevel.Value | Linemode.SlcFlushOut, 0x0F),
        new((byte)SlcFunction.AreYouThere, (byte)SlcLevel.Value, 0x14),
        new((byte)SlcFunction.EndOfRecord, (byte)SlcLevel.NoSupport, 0),
        new((byte)SlcFunction.Abort, (byte)SlcLevel.Value | Linemode.SlcFlushIn | Linemode.SlcFlushOut, 0x1C),
        new((byte)SlcFunction.EndOfFile, (byte)SlcLevel.Value, 0x04),
        new((byte)SlcFunction.Suspend, (byte)SlcLevel.Value | Linemode.SlcFlushIn, 0x1A),
        new((byte)SlcFunction.EraseCharacter, (byte)SlcLevel.Value, 0x7F),
        new((byte)SlcFunction.EraseLine, (byte)SlcLevel.Value, 0x15),
        new((byte)SlcFunction.EraseWord, (byte)SlcLevel.Value, 0x17),
        new((byte)SlcFunction.Reprint, (byte)SlcLevel.Value, 0x12),
        new((byte)SlcFunction.LiteralNext, (byte)SlcLevel.Value, 0x16),
        new((byte)SlcFunction.Xon, (byte)SlcLevel.Value, 0x11),
        new((byte)SlcFunction.Xoff, (byte)SlcLevel.Value, 0x13),
        new((byte)SlcFunction.Forward1, (byte)SlcLevel.NoSupport, 0),
        new((byte)SlcFunction.Forward2, (byte)SlcLevel.NoSupport, 0),
    ];

    /// <summary>Gets the table now: one triplet per function 1 to 18, without the ACK bit.</summary>
    public IReadOnlyList<SlcTriplet> Current => _current[1..];

    /// <summary>Gets the character a function is bound to, or null when it is not supported or has none.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The character.</returns>
    public byte? this[SlcFunction function]
    {
        get
        {
            var t = _current[(int)function];
            return t.Level == SlcLevel.NoSupport || t.Value is 0 or 255 ? null : t.Value;
        }
    }

    /// <summary>Goes back to <see cref="Defaults"/>.</summary>
    public void Reset()
    {
        foreach (var t in Defaults)
        {
            _current[t.Function] = t;
        }
    }

    /// <summary>
    /// Takes the triplets the server sent and returns the answer (empty when nothing needs saying): an acknowledged
    /// triplet or one that matches the table is taken silently; <c>DEFAULT</c> sets the default and answers it; a
    /// value (<c>VALUE</c> or <c>CANTCHANGE</c>) is taken and acknowledged; <c>NOSUPPORT</c> disables the function and
    /// is acknowledged; an unknown function is answered <c>NOSUPPORT</c>. Function 0 with <c>DEFAULT</c> resets the
    /// table, and function 0 with <c>DEFAULT</c> or <c>VALUE</c> asks for the whole table: it is answered once per call,
    /// after the other answers, as it stands when the whole message has been taken.
    /// </summary>
    /// <param name="triplets">What the server sent.</param>
    /// <returns>The triplets to send back, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="triplets"/> is null.</exception>
    public IReadOnlyList<SlcTriplet> Receive(IEnumerable<SlcTriplet> triplets)
    {
        ArgumentNullException.ThrowIfNull(triplets);
        var answer = new List<SlcTriplet>();
        var sendTable = false;
        foreach (var t in triplets)
        {
            if (t.Function == 0)
            {
                if (t.Level == SlcLevel.Default)
                {
                    Reset();
                }

                // However often a message asks for the table, it gets it once, as it stands at the end.
                sendTable |= t.Level is SlcLevel.Default or SlcLevel.Value;
                continue;
            }

            if (t.Function > Linemode.MaxSlcFunction)
            {
                // A function this side does not know: say so, once per mention.
                answer.Add(new SlcTriplet(t.Function, (byte)SlcLevel.NoSupport, 0));
                continue;
            }

            var mine = _current[t.Function];
            var modifier = (byte)(t.Modifier & ~Linemode.SlcAck);
            if (t.IsAck)
            {
                // The server confirms what we said (or takes our value): take it, answer nothing.
                _current[t.Function] = new SlcTriplet(t.Function, modifier, t.Value);
                continue;
            }

            if (mine.Level == t.Level && mine.Value == t.Value)
            {
                // Agreed already: answering would start a loop.
                continue;
            }

            switch (t.Level)
            {
                case SlcLevel.Default:
                    var standard = Defaults[t.Function - 1];
                    _current[t.Function] = standard;
                    answer.Add(standard);
                    break;
                case SlcLevel.NoSupport:
                    _current[t.Function] = new SlcTriplet(t.Function, (byte)SlcLevel.NoSupport, 0);
                    answer.Add(new SlcTriplet(t.Function, (byte)SlcLevel.NoSupport | Linemode.SlcAck, 0));
                    break;
                default:
                    // VALUE or CANTCHANGE: this side edits locally and can use any character the server names.
                    _current[t.Function] = new SlcTriplet(t.Function, modifier, t.Value);
                    answer.Add(new SlcTriplet(t.Function, (byte)(modifier | Linemode.SlcAck), t.Value));
                    break;
            }
        }

        if (sendTable)
        {
            answer.AddRange(Current);
        }

        return answer;
    }
}
