namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

/// <summary>
/// A deliberately naive model of the documented parsing rules, one byte at a time with no fast paths, written from
/// RFC 854/855 and the <see cref="TelnetParser"/> and <see cref="TelnetParserOptions"/> docs rather than from the code.
/// The property tests compare the real parser with it on random streams.
/// </summary>
internal static class ReferenceParser
{
    private const byte Iac = 255, Sb = 250, Se = 240, Will = 251, Dont = 254, Cr = 13, Nul = 0, Dc1 = 0x11;

    private enum State
    {
        Data,
        Iac,
        Negotiation,
        SbOption,
        SbData,
        SbIac,
    }

    /// <summary>Returns the merged <see cref="Transcript"/> of <paramref name="input"/> followed by the end of the stream.</summary>
    public static List<string> Parse(byte[] input, TelnetParserOptions options)
    {
        var lines = new List<string>();
        var state = State.Data;
        var lastDataWasCr = false;
        byte verb = 0, option = 0;
        var payload = new List<byte>();
        var overflow = false;

        void AppendPayload(byte b)
        {
            if (overflow)
            {
                return;
            }

            if (payload.Count + 1 > options.MaxSubnegotiationLength)
            {
                overflow = true;
                payload.Clear();
                lines.Add(Transcript.Warning(new TelnetWarning(TelnetWarningKind.SubnegotiationTooLong, (TelnetOption)option)));
                return;
            }

            payload.Add(b);
        }

        void AfterIac(byte b)
        {
            // Anything after IAC ends a pending CR: the NUL of CR NUL must follow the CR directly.
            lastDataWasCr = false;
            switch (b)
            {
                case Iac:
                    lines.Add(Transcript.Data([Iac]));
                    state = State.Data;
                    break;
                case >= Will and <= Dont:
                    verb = b;
                    state = State.Negotiation;
                    break;
                case Sb:
                    state = State.SbOption;
                    break;
                default:
                    lines.Add(Transcript.Command((TelnetVerb)b));
                    state = State.Data;
                    break;
            }
        }

        foreach (var b in input)
        {
            switch (state)
            {
                case State.Data:
                    if (b == Iac)
                    {
                        state = State.Iac;
                    }
                    else if (options.TelnetlibCooking && b is Nul or Dc1)
                    {
                        // telnetlib drops NUL and DC1 wherever they are.
                    }
                    else if (!options.TelnetlibCooking && options.CollapseCrNul && b == Nul && lastDataWasCr)
                    {
                        lastDataWasCr = false; // RFC 854: CR NUL is a bare CR
                    }
                    else
                    {
                        lines.Add(Transcript.Data([b]));
                        lastDataWasCr = b == Cr;
                    }

                    break;
                case State.Iac:
                    AfterIac(b);
                    break;
                case State.Negotiation:
                    lines.Add(Transcript.Negotiation((TelnetVerb)verb, (TelnetOption)b));
                    state = State.Data;
                    break;
                case State.SbOption:
                    option = b;
                    payload.Clear();
                    overflow = false;
                    state = State.SbData;
                    break;
                case State.SbData:
                    if (b == Iac)
                    {
                        state = State.SbIac;
                    }
                    else if (!(options.TelnetlibCooking && b is Nul or Dc1))
                    {
                        AppendPayload(b);
                    }

                    break;
                case State.SbIac:
                    if (b == Se)
                    {
                        if (!overflow)
                        {
                            lines.Add(Transcript.Subnegotiation((TelnetOption)option, payload.ToArray()));
                        }

                        state = State.Data;
                    }
                    else if (b == Iac)
                    {
                        AppendPayload(Iac);
                        state = State.SbData;
                    }
                    else
                    {
                        // Only IAC IAC and IAC SE belong in a subnegotiation: drop it, then treat b as a command.
                        lines.Add(Transcript.Warning(new TelnetWarning(TelnetWarningKind.UnexpectedCommandInSubnegotiation, (TelnetOption)option, (TelnetVerb)b)));
                        AfterIac(b);
                    }

                    break;
            }
        }

        if (state != State.Data)
        {
            TelnetOption? inside = state is State.SbData or State.SbIac ? (TelnetOption)option : null;
            lines.Add(Transcript.Warning(new TelnetWarning(TelnetWarningKind.TruncatedSequence, inside)));
        }

        return Transcript.Merge(lines);
    }
}
