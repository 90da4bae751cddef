namespace RxTelnet.Protocol;

/// <summary>
/// The parser handler behind <see cref="TelnetObservable.ParseTelnet"/> and the session's receive path: forwards
/// each finding to an observer as a <see cref="TelnetEvent"/>, carrying slices of the owned input array.
/// </summary>
/// <param name="observer">Receives the events.</param>
/// <param name="parser">The parser being driven, so a subnegotiation can stop it.</param>
/// <param name="stopAfter">
/// Says, for a subnegotiation's option, whether the bytes after its IAC SE must be handed back unparsed (MCCP2,
/// START-TLS); asked after the subnegotiation's event was delivered, so the observer may decide; null for never.
/// </param>
internal struct EventForwardingHandler(IObserver<TelnetEvent> observer, TelnetParser parser, Func<TelnetOption, bool>? stopAfter = null) : ITelnetParserHandler
{
    /// <summary>The array the current input is a part of; owned for good, so events may keep slices of it.</summary>
    public byte[]? Chunk;

    /// <summary>Where the current input starts in <see cref="Chunk"/>.</summary>
    public int Offset;

    /// <summary>Set when <c>stopAfter</c> stopped the parser; the caller resets it.</summary>
    public bool Stopped;

    /// <summary>The option of the subnegotiation that stopped the parser, when <see cref="Stopped"/> is set.</summary>
    public TelnetOption StoppedOption;

    public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) =>
        observer.OnNext(TelnetEvent.FromData(new ReadOnlyMemory<byte>(Chunk, Offset + inputOffset, data.Length)));

    public readonly void OnCommand(TelnetVerb verb) =>
        observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(verb)));

    public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) =>
        observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(verb, option)));

    public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
    {
        ReadOnlyMemory<byte> memory = inputOffset >= 0
            ? new ReadOnlyMemory<byte>(Chunk, Offset + inputOffset, payload.Length)
            : payload.ToArray();
        observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(TelnetVerb.Sb, option, memory)));
        if (stopAfter is not null && stopAfter(option))
        {
            Stopped = true;
            StoppedOption = option;
            parser.StopAfterSubnegotiation();
        }
    }

    public readonly void OnWarning(TelnetWarning warning) =>
        observer.OnNext(TelnetEvent.FromWarning(warning));
}
