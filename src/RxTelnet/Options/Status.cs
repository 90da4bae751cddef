namespace RxTelnet.Options;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>The subnegotiation codes of RFC 859 STATUS.</summary>
public enum StatusCommand : byte
{
    /// <summary>RFC 859: the sender's view of every option (<c>IS</c> = 0).</summary>
    Is = 0,

    /// <summary>RFC 859: a request for the receiver's view (<c>SEND</c> = 1).</summary>
    Send = 1,
}

/// <summary>
/// RFC 859 STATUS (option 5): <c>IAC SB STATUS SEND IAC SE</c> asks the peer for its view of the options;
/// <c>IAC SB STATUS IS ... IAC SE</c> lists <c>WILL option</c> for each option the sender performs and
/// <c>DO option</c> for each option it has asked the receiver to perform; options not listed are disabled.
/// </summary>
/// <remarks>
/// Inside IS, a data byte equal to SE (240) is doubled (RFC 859 §5) and IAC is doubled by the framing
/// (<see cref="TelnetEncoder.Subnegotiation(TelnetOption, ReadOnlySpan{byte})"/>), as BSD telnetd does. Only the
/// sender of WILL STATUS may send IS and only the sender of DO STATUS may send SEND.
/// </remarks>
public static class Status
{
    private const byte Se = (byte)TelnetVerb.Se;

    private static readonly IReadOnlyList<TelnetCommand> NoCommands = Array.Empty<TelnetCommand>();

    /// <summary>Encodes <c>SEND</c>.</summary>
    /// <returns>The payload.</returns>
    public static byte[] EncodeSend() => [(byte)StatusCommand.Send];

    /// <summary>Gets whether a received payload is a <c>SEND</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns><see langword="true"/> for exactly <c>SEND</c>.</returns>
    public static bool IsSend(ReadOnlySpan<byte> payload) => payload.Length == 1 && payload[0] == (byte)StatusCommand.Send;

    /// <summary>
    /// Encodes <c>IS</c> from a negotiator's state: <c>WILL x</c> for every option enabled on our side and
    /// <c>DO x</c> for every option enabled on the peer's side, in option order.
    /// </summary>
    /// <param name="negotiator">The negotiator whose view is reported.</param>
    /// <returns>The payload, SE doubled, IAC left to the framing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="negotiator"/> is null.</exception>
    public static byte[] EncodeIs(Negotiator negotiator)
    {
        ArgumentNullException.ThrowIfNull(negotiator);
        var buffer = new List<byte> { (byte)StatusCommand.Is };
        for (var i = 0; i < 256; i++)
        {
            var state = negotiator.GetState((TelnetOption)i);
            if (state.IsLocalEnabled)
            {
                AppendPair(buffer, TelnetVerb.Will, (byte)i);
            }

            if (state.IsRemoteEnabled)
            {
                AppendPair(buffer, TelnetVerb.Do, (byte)i);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a received <c>IS</c>.</summary>
    /// <param name="payload">The payload (IAC IAC already unescaped by the parser).</param>
    /// <param name="commands">
    /// The peer's view in order: negotiations (<c>WILL x</c>: the peer performs x; <c>DO x</c>: the peer asked us to
    /// perform x; WONT and DONT are accepted too) and subnegotiations (<c>SB x data SE</c>, SE SE unescaped).
    /// </param>
    /// <returns><see langword="false"/> when the payload is not a well-formed IS.</returns>
    public static bool TryParseIs(ReadOnlySpan<byte> payload, out IReadOnlyList<TelnetCommand> commands)
    {
        commands = NoCommands;
        if (payload.IsEmpty || payload[0] != (byte)StatusCommand.Is)
        {
            return false;
        }

        var result = new List<TelnetCommand>();
        var i = 1;
        while (i < payload.Length)
        {
            var verb = (TelnetVerb)payload[i++];
            if (i == payload.Length)
            {
                return false; // a verb without its option
            }

            var option = payload[i++];
            if (option == Se && i < payload.Length && payload[i] == Se)
            {
                i++; // option 240, doubled
            }

            switch (verb)
            {
                case TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont:
                    result.Add(TelnetCommand.Negotiation(verb, (TelnetOption)option));
                    break;
                case TelnetVerb.Sb:
                    if (!TryReadSubnegotiation(payload, ref i, out var data))
                    {
                        return false;
                    }

                    result.Add(TelnetCommand.Subnegotiation((TelnetOption)option, data));
                    break;
                default:
                    return false;
            }
        }

        commands = result;
        return true;
    }

    private static void AppendPair(List<byte> buffer, TelnetVerb verb, byte option)
    {
        buffer.Add((byte)verb);
        buffer.Add(option);
        if (option == Se)
        {
            buffer.Add(Se);
        }
    }

    /// <summary>Reads SB data up to a single SE, turning SE SE into one SE.</summary>
    private static bool TryReadSubnegotiation(ReadOnlySpan<byte> payload, ref int i, out byte[] data)
    {
        var bytes = new List<byte>();
        while (i < payload.Length)
        {
            var b = payload[i++];
            if (b != Se)
            {
                bytes.Add(b);
                continue;
            }

            if (i < payload.Length && payload[i] == Se)
            {
                bytes.Add(Se);
                i++;
                continue;
            }

            data = bytes.ToArray();
            return true;
        }

        data = [];
        return false; // SB without its closing SE
    }
}
