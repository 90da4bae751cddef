namespace RxTelnet;

using RxTelnet.Reading;

/// <content>The SplitAfter operator: cuts a stream into segments that each end with a delimiter.</content>
public static partial class TelnetObservable
{
    /// <summary>Cuts cooked data into consecutive segments, each ending with <paramref name="delimiter"/>.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="delimiter">The bytes that end a segment; not empty. Copied at the call.</param>
    /// <param name="maxSegmentLength">The longest segment allowed, delimiter included; at least the delimiter's length.</param>
    /// <returns>
    /// The segments, in order, each a new array ending with <paramref name="delimiter"/>; at completion, the bytes
    /// after the last delimiter, if any. Concatenated, they are exactly the source's bytes.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSegmentLength"/> is less than the delimiter's length.</exception>
    /// <remarks>
    /// <para>
    /// The lossless counterpart of <see cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, System.Reactive.Concurrency.IScheduler)"/>:
    /// bytes after a delimiter are kept for the next segment, as telnetlib keeps them in its cooked queue for the
    /// next <c>read_until</c>. The search is linear: each byte is searched once, plus at most
    /// <c>delimiter.Length - 1</c> bytes again where a delimiter could straddle two chunks.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>emits every segment it completes, in order; the rest is buffered</description></item>
    /// <item><term>segment longer than <paramref name="maxSegmentLength"/></term><description>fails with <see cref="TelnetBufferLimitExceededException"/> as soon as that is certain, after the segments before it</description></item>
    /// <item><term>OnCompleted</term><description>emits the bytes after the last delimiter, if any, then completes</description></item>
    /// <item><term>OnError</term><description>forwards the error; an unfinished segment is dropped</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Lines(IObservable{ReadOnlyMemory{byte}}, System.Text.Encoding, int)"/>
    public static IObservable<byte[]> SplitAfter(this IObservable<ReadOnlyMemory<byte>> source, ReadOnlyMemory<byte> delimiter, int maxSegmentLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        var needle = ReadingArguments.CopyNeedle(delimiter, nameof(delimiter));
        ReadingArguments.ThrowIfLimitTooSmall(maxSegmentLength, needle.Length, nameof(maxSegmentLength));
        return SplitAfterOperator.Create(source, needle, maxSegmentLength);
    }

    /// <summary>
    /// Cuts cooked data into consecutive segments, each ending with <paramref name="delimiter"/> and at most
    /// <see cref="DefaultMaxBufferLength"/> bytes long.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="delimiter">The bytes that end a segment; not empty. Copied at the call.</param>
    /// <returns>The segments, in order; at completion, the bytes after the last delimiter, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delimiter"/> is longer than <see cref="DefaultMaxBufferLength"/>.</exception>
    /// <remarks>See <see cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, int)"/>.</remarks>
    public static IObservable<byte[]> SplitAfter(this IObservable<ReadOnlyMemory<byte>> source, ReadOnlyMemory<byte> delimiter) =>
        SplitAfter(source, delimiter, DefaultMaxBufferLength);

    /// <summary>Cuts chunks of data into consecutive segments, each ending with <paramref name="delimiter"/>.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="delimiter">The bytes that end a segment; not empty. Copied at the call.</param>
    /// <param name="maxSegmentLength">The longest segment allowed, delimiter included; at least the delimiter's length.</param>
    /// <returns>The segments, in order; at completion, the bytes after the last delimiter, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSegmentLength"/> is less than the delimiter's length.</exception>
    /// <remarks>See <see cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, int)"/>; each array is one chunk.</remarks>
    public static IObservable<byte[]> SplitAfter(this IObservable<byte[]> source, ReadOnlyMemory<byte> delimiter, int maxSegmentLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SplitAfter(ReadingArguments.AsMemory(source), delimiter, maxSegmentLength);
    }

    /// <summary>
    /// Cuts chunks of data into consecutive segments, each ending with <paramref name="delimiter"/> and at most
    /// <see cref="DefaultMaxBufferLength"/> bytes long.
    /// </summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="delimiter">The bytes that end a segment; not empty. Copied at the call.</param>
    /// <returns>The segments, in order; at completion, the bytes after the last delimiter, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delimiter"/> is longer than <see cref="DefaultMaxBufferLength"/>.</exception>
    /// <remarks>See <see cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, int)"/>; each array is one chunk.</remarks>
    public static IObservable<byte[]> SplitAfter(this IObservable<byte[]> source, ReadOnlyMemory<byte> delimiter) =>
        SplitAfter(source, delimiter, DefaultMaxBufferLength);
}
