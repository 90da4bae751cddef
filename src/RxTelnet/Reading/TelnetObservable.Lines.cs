namespace RxTelnet;

using System.Text;
using RxTelnet.Reading;

/// <content>The Lines operator: cooked bytes to lines of text.</content>
public static partial class TelnetObservable
{
    /// <summary>Decodes cooked data and splits it into lines at LF, dropping the LF and a CR before it.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <param name="maxLineLength">The longest line allowed, in chars, without its line end; at least 1.</param>
    /// <returns>The lines, in order, without line ends; at completion, the text after the last LF, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is less than 1.</exception>
    /// <remarks>
    /// <para>
    /// Decoding is incremental, and the split is on decoded text, so a character split across chunks and encodings
    /// such as UTF-16 work. A line ends at LF; a CR right before it is dropped, so both the NVT's CR LF and a bare LF
    /// end a line. A bare CR does not end a line. For a prompt that never gets a line end, see
    /// <see cref="IdleFlush(IObservable{ReadOnlyMemory{byte}}, TimeSpan, System.Reactive.Concurrency.IScheduler)"/>.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>emits every line it completes, in order; the rest is kept</description></item>
    /// <item><term>line longer than <paramref name="maxLineLength"/></term><description>fails with <see cref="TelnetBufferLimitExceededException"/> as soon as that is certain, after the lines before it</description></item>
    /// <item><term>OnCompleted</term><description>flushes the decoder, emits the text after the last LF (without a trailing CR) if any, then completes</description></item>
    /// <item><term>OnError, or a decoder fallback error</term><description>forwards the error; an unfinished line is dropped</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Decode(IObservable{ReadOnlyMemory{byte}}, Encoding)"/>
    /// <seealso cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, int)"/>
    public static IObservable<string> Lines(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, int maxLineLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoding);
        ReadingArguments.ThrowIfLimitTooSmall(maxLineLength, 1, nameof(maxLineLength));
        return LinesOperator.Create(source, encoding, maxLineLength);
    }

    /// <summary>
    /// Decodes cooked data and splits it into lines at LF, allowing lines of up to <see cref="DefaultMaxBufferLength"/> chars.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <returns>The lines, in order, without line ends; at completion, the text after the last LF, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <remarks>See <see cref="Lines(IObservable{ReadOnlyMemory{byte}}, Encoding, int)"/>.</remarks>
    public static IObservable<string> Lines(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding) =>
        Lines(source, encoding, DefaultMaxBufferLength);

    /// <summary>Decodes chunks of data and splits them into lines at LF, dropping the LF and a CR before it.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <param name="maxLineLength">The longest line allowed, in chars, without its line end; at least 1.</param>
    /// <returns>The lines, in order, without line ends; at completion, the text after the last LF, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is less than 1.</exception>
    /// <remarks>See <see cref="Lines(IObservable{ReadOnlyMemory{byte}}, Encoding, int)"/>; each array is one chunk.</remarks>
    public static IObservable<string> Lines(this IObservable<byte[]> source, Encoding encoding, int maxLineLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Lines(ReadingArguments.AsMemory(source), encoding, maxLineLength);
    }

    /// <summary>
    /// Decodes chunks of data and splits them into lines at LF, allowing lines of up to <see cref="DefaultMaxBufferLength"/> chars.
    /// </summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <returns>The lines, in order, without line ends; at completion, the text after the last LF, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <remarks>See <see cref="Lines(IObservable{ReadOnlyMemory{byte}}, Encoding, int)"/>; each array is one chunk.</remarks>
    public static IObservable<string> Lines(this IObservable<byte[]> source, Encoding encoding) =>
        Lines(source, encoding, DefaultMaxBufferLength);
}
