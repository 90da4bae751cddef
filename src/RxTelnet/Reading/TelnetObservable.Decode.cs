namespace RxTelnet;

using System.Text;
using RxTelnet.Reading;

/// <content>The Decode operator: cooked bytes to text, incrementally.</content>
public static partial class TelnetObservable
{
    /// <summary>Decodes cooked data into text, keeping a character split across chunks whole.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <returns>The text of each chunk, in order; chunks that only start a character emit nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// One <see cref="Decoder"/> per subscription keeps the bytes of an unfinished character until the next chunk, so
    /// concatenating the strings gives the same text as decoding all bytes at once.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>emits its text if it completes any character</description></item>
    /// <item><term>OnCompleted</term><description>flushes the decoder (an unfinished character becomes the encoding's replacement, if it has one), emits that text if any, then completes</description></item>
    /// <item><term>OnError, or a decoder fallback error</term><description>forwards the error; an unfinished character is dropped</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Lines(IObservable{ReadOnlyMemory{byte}}, Encoding, int)"/>
    public static IObservable<string> Decode(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoding);
        return DecodeOperator.Create(source, encoding);
    }

    /// <summary>Decodes chunks of data into text, keeping a character split across chunks whole.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <returns>The text of each chunk, in order; chunks that only start a character emit nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="encoding"/> is null.</exception>
    /// <remarks>See <see cref="Decode(IObservable{ReadOnlyMemory{byte}}, Encoding)"/>; each array is one chunk.</remarks>
    public static IObservable<string> Decode(this IObservable<byte[]> source, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Decode(ReadingArguments.AsMemory(source), encoding);
    }
}
