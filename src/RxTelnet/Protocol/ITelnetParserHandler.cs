namespace RxTelnet.Protocol;

/// <summary>Receives what <see cref="TelnetParser"/> finds, in stream order.</summary>
/// <remarks>
/// Implement it as a struct and pass it by <see langword="ref"/> so the callbacks are specialised and
/// inlined (Kestrel's <c>HttpParser&lt;THandler&gt;</c> shape). Spans are valid only during the call;
/// <c>inputOffset</c> says where a span lies in the input passed to <see cref="TelnetParser.Parse{THandler}"/>
/// so that a caller who owns that input can keep a slice of it instead of copying.
/// </remarks>
public interface ITelnetParserHandler
{
    /// <summary>Called with a run of cooked data.</summary>
    /// <param name="data">The bytes; always a slice of the current input.</param>
    /// <param name="inputOffset">The offset of <paramref name="data"/> in the current input.</param>
    void OnData(ReadOnlySpan<byte> data, int inputOffset);

    /// <summary>Called for a two-byte command (<c>IAC NOP</c>, <c>IAC GA</c>, an unknown byte after IAC, ...).</summary>
    /// <param name="verb">The byte after IAC.</param>
    void OnCommand(TelnetVerb verb);

    /// <summary>Called for <c>IAC WILL/WONT/DO/DONT option</c>.</summary>
    /// <param name="verb">The negotiation verb.</param>
    /// <param name="option">The option.</param>
    void OnNegotiation(TelnetVerb verb, TelnetOption option);

    /// <summary>Called for a complete <c>IAC SB option ... IAC SE</c>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="payload">The payload, unescaped.</param>
    /// <param name="inputOffset">The offset of <paramref name="payload"/> in the current input when it is a slice of it; -1 when it lies in the parser's own buffer (copy it to keep it).</param>
    void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset);

    /// <summary>Called when received input was malformed or over a limit.</summary>
    /// <param name="warning">What was wrong.</param>
    void OnWarning(TelnetWarning warning);
}
