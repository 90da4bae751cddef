namespace RxTelnet.Protocol;

/// <summary>What was wrong with input that the parser received and handled without throwing.</summary>
/// <remarks>Hostile or broken input never throws from the parser: it becomes a warning event (libtelnet's <c>TELNET_EV_WARNING</c>).</remarks>
public enum TelnetWarningKind
{
    /// <summary>A subnegotiation grew past <see cref="TelnetParserOptions.MaxSubnegotiationLength"/>; it was discarded up to its <c>IAC SE</c>.</summary>
    SubnegotiationTooLong = 1,

    /// <summary>Inside a subnegotiation, IAC was followed by a byte other than IAC or SE; the subnegotiation was discarded and the byte handled as a command (RFC 854 allows only IAC IAC and IAC SE there).</summary>
    UnexpectedCommandInSubnegotiation = 2,

    /// <summary>The stream ended inside an IAC sequence or a subnegotiation; the incomplete sequence was dropped.</summary>
    TruncatedSequence = 3,
}

/// <summary>A warning about received input, emitted in stream order among data and commands.</summary>
/// <param name="Kind">What was wrong.</param>
/// <param name="Option">The option of the subnegotiation concerned, where there was one.</param>
/// <param name="Verb">The unexpected command byte, for <see cref="TelnetWarningKind.UnexpectedCommandInSubnegotiation"/>.</param>
public readonly record struct TelnetWarning(TelnetWarningKind Kind, TelnetOption? Option = null, TelnetVerb? Verb = null)
{
    /// <summary>Gets a human-readable description of the warning.</summary>
    public string Message => Kind switch
    {
        TelnetWarningKind.SubnegotiationTooLong => $"subnegotiation for option {Describe(Option)} exceeded the size limit and was discarded",
        TelnetWarningKind.UnexpectedCommandInSubnegotiation => $"IAC {(Verb is { } v ? ((byte)v).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")} inside subnegotiation for option {Describe(Option)}; subnegotiation discarded",
        TelnetWarningKind.TruncatedSequence => Option is null
            ? "stream ended inside an IAC sequence"
            : $"stream ended inside the subnegotiation for option {Describe(Option)}",
        _ => Kind.ToString(),
    };

    private static string Describe(TelnetOption? option) =>
        option is { } o ? $"{(byte)o}" + (Enum.IsDefined(o) ? $" ({o})" : string.Empty) : "?";
}
