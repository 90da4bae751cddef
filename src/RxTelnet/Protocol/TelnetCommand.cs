namespace RxTelnet.Protocol;

using System.Globalization;
using System.Text;

/// <summary>
/// A Telnet command notification: a two-byte command (<c>IAC NOP</c>, <c>IAC GA</c>, ...), an option
/// negotiation (<c>IAC WILL/WONT/DO/DONT option</c>) or a subnegotiation (<c>IAC SB option payload IAC SE</c>).
/// </summary>
/// <remarks>
/// <see cref="Payload"/> is the subnegotiation payload with <c>IAC IAC</c> already unescaped. It may be a
/// slice of a received chunk: the transport hands each chunk over for good, so the slice stays valid, but it
/// must not be written to.
/// </remarks>
public readonly struct TelnetCommand : IEquatable<TelnetCommand>
{
    /// <summary>Creates a command notification.</summary>
    /// <param name="verb">The byte that followed IAC.</param>
    /// <param name="option">The option for negotiations and subnegotiations; <see langword="null"/> otherwise.</param>
    /// <param name="payload">The unescaped subnegotiation payload (empty for other commands).</param>
    public TelnetCommand(TelnetVerb verb, TelnetOption? option = null, ReadOnlyMemory<byte> payload = default)
    {
        Verb = verb;
        Option = option;
        Payload = payload;
    }

    /// <summary>Gets the byte that followed IAC (for a subnegotiation, <see cref="TelnetVerb.Sb"/>).</summary>
    public TelnetVerb Verb { get; }

    /// <summary>Gets the option of a negotiation or subnegotiation, or <see langword="null"/> for two-byte commands.</summary>
    public TelnetOption? Option { get; }

    /// <summary>Gets the subnegotiation payload, unescaped; empty for other commands.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets whether this is <c>WILL</c>, <c>WONT</c>, <c>DO</c> or <c>DONT</c>.</summary>
    public bool IsNegotiation => Verb is TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont;

    /// <summary>Gets whether this is a subnegotiation (<c>IAC SB ... IAC SE</c>).</summary>
    public bool IsSubnegotiation => Verb == TelnetVerb.Sb;

    /// <summary>Creates a two-byte command such as <c>IAC NOP</c>.</summary>
    /// <param name="verb">The command byte.</param>
    /// <returns>The command.</returns>
    public static TelnetCommand Simple(TelnetVerb verb) => new(verb);

    /// <summary>Creates an option negotiation.</summary>
    /// <param name="verb"><c>WILL</c>, <c>WONT</c>, <c>DO</c> or <c>DONT</c>.</param>
    /// <param name="option">The option.</param>
    /// <returns>The command.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="verb"/> is not a negotiation verb.</exception>
    public static TelnetCommand Negotiation(TelnetVerb verb, TelnetOption option)
    {
        if (verb is not (TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont))
        {
            throw new ArgumentOutOfRangeException(nameof(verb), verb, "A negotiation verb is WILL, WONT, DO or DONT.");
        }

        return new(verb, option);
    }

    /// <summary>Creates a subnegotiation.</summary>
    /// <param name="option">The option.</param>
    /// <param name="payload">The payload, unescaped.</param>
    /// <returns>The command.</returns>
    public static TelnetCommand Subnegotiation(TelnetOption option, ReadOnlyMemory<byte> payload) => new(TelnetVerb.Sb, option, payload);

    /// <inheritdoc/>
    public bool Equals(TelnetCommand other) =>
        Verb == other.Verb && Option == other.Option && Payload.Span.SequenceEqual(other.Payload.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TelnetCommand other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Verb);
        hash.Add(Option);
        hash.AddBytes(Payload.Span);
        return hash.ToHashCode();
    }

    /// <summary>Compares two commands by value (payload bytes included).</summary>
    /// <param name="left">The first command.</param>
    /// <param name="right">The second command.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TelnetCommand left, TelnetCommand right) => left.Equals(right);

    /// <summary>Compares two commands by value (payload bytes included).</summary>
    /// <param name="left">The first command.</param>
    /// <param name="right">The second command.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(TelnetCommand left, TelnetCommand right) => !left.Equals(right);

    /// <summary>Formats the command the way libtelnet's tests print it, for example <c>DO 24 (TerminalType)</c>.</summary>
    /// <returns>A readable form of the command.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(NameOf(Verb));
        if (Option is { } option)
        {
            sb.Append(' ').Append(((byte)option).ToString(CultureInfo.InvariantCulture));
            if (Enum.IsDefined(option))
            {
                sb.Append(" (").Append(option).Append(')');
            }
        }

        if (IsSubnegotiation)
        {
            sb.Append(" [");
            var span = Payload.Span;
            for (var i = 0; i < span.Length; i++)
            {
                sb.Append(i == 0 ? string.Empty : " ").Append(span[i].ToString("X2", CultureInfo.InvariantCulture));
            }

            sb.Append(']');
        }

        return sb.ToString();
    }

    private static string NameOf(TelnetVerb verb) => verb switch
    {
        TelnetVerb.Will => "WILL",
        TelnetVerb.Wont => "WONT",
        TelnetVerb.Do => "DO",
        TelnetVerb.Dont => "DONT",
        TelnetVerb.Sb => "SB",
        _ when Enum.IsDefined(verb) => verb.ToString(),
        _ => ((byte)verb).ToString(CultureInfo.InvariantCulture),
    };
}
