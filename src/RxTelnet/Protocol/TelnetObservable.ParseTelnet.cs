namespace RxTelnet;

using RxTelnet.Protocol;

/// <summary>The RxTelnet operators: parsing, reading and matching over observable Telnet streams.</summary>
public static partial class TelnetObservable
{
    /// <summary>
    /// Parses a stream of received chunks into cooked data and <see cref="TelnetCommand"/> notifications.
    /// </summary>
    /// <param name="source">Received chunks, in order. Each array is handed over for good: it must never be reused or written after it is emitted.</param>
    /// <param name="options">How to cook and what to bound; <see cref="TelnetParserOptions.Default"/> when null.</param>
    /// <returns>The events of the stream, in order; one parser state per subscription.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// Data events are slices of the received arrays (no copy), and so are subnegotiation payloads that arrive
    /// whole and unescaped in one chunk; others are copied out of the parser's buffer. Nothing else is kept
    /// from a chunk after its events are emitted. Data, commands and warnings allocate nothing; the only allocation is
    /// one copy per subnegotiation whose payload straddles chunks or contains an escaped IAC.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>its events are emitted synchronously, in stream order; a sequence split across chunks is emitted when complete</description></item>
    /// <item><term>OnCompleted</term><description>a sequence cut off by the end of the stream is emitted as a <see cref="TelnetWarningKind.TruncatedSequence"/> warning, then OnCompleted</description></item>
    /// <item><term>OnError</term><description>the same truncation warning, if any, then the error</description></item>
    /// </list>
    /// </remarks>
    public static IObservable<TelnetEvent> ParseTelnet(this IObservable<byte[]> source, TelnetParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ParseTelnetOperator(source, options ?? TelnetParserOptions.Default);
    }
}
