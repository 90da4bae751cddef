namespace RxTelnet;

using System.Reactive.Concurrency;
using RxTelnet.Reading;

/// <content>The ReadUntil operator: telnetlib's <c>read_until</c> over an observable of cooked data.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Reads cooked data until <paramref name="expected"/> arrives or the timeout elapses, and emits what was read,
    /// as telnetlib's <c>read_until</c> does.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <param name="timeout">
    /// How long to wait after subscription: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero looks only at
    /// what the source delivers while being subscribed to, then emits at once (telnetlib's <c>timeout=0</c>).
    /// </param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>
    /// Exactly one array, then completion: the data up to and including the first <paramref name="expected"/>, or
    /// what arrived (possibly nothing) when the timeout elapsed first.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>
    /// <para>
    /// The search is linear: each chunk is searched once, plus at most <c>expected.Length - 1</c> bytes before it
    /// where a match could straddle the boundary.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk without match</term><description>buffered, up to <see cref="DefaultMaxBufferLength"/> bytes; more fails with <see cref="TelnetBufferLimitExceededException"/></description></item>
    /// <item><term>match</term><description>emits the data up to and including <paramref name="expected"/>, then completes and unsubscribes</description></item>
    /// <item><term>timeout</term><description>emits what was read (possibly empty) at due time on <paramref name="scheduler"/>, then completes, as <c>read_until</c> does</description></item>
    /// <item><term>OnCompleted before match</term><description>emits what was read if anything, then completes; with nothing read, fails with <see cref="TelnetEofException"/> (telnetlib's <c>EOFError</c>)</description></item>
    /// <item><term>OnError</term><description>forwards the error; what was read is dropped</description></item>
    /// <item><term>dispose</term><description>unsubscribes from the source and cancels the timeout</description></item>
    /// </list>
    /// <para>
    /// A pure operator cannot hand the bytes that follow the match in the same chunk to anyone: it unsubscribes
    /// once it has its answer, and they are gone. telnetlib keeps them in its cooked queue for the next read. For
    /// lossless sequential reads over any stream use <see cref="Converse{T}(IObservable{ReadOnlyMemory{byte}}, Func{TelnetConversation, IObservable{T}}, IScheduler, Func{ReadOnlyMemory{byte}, CancellationToken, Task}?, System.Text.Encoding?)"/>, whose steps keep that queue; or
    /// <see cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte})"/> to cut a stream into segments.
    /// </para>
    /// </remarks>
    /// <seealso cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{System.Text.RegularExpressions.Regex}, TimeSpan, IScheduler)"/>
    public static IObservable<byte[]> ReadUntil(this IObservable<ReadOnlyMemory<byte>> source, ReadOnlyMemory<byte> expected, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        var needle = ReadingArguments.CopyNeedle(expected, nameof(expected));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ReadUntilOperator.Create(source, needle, timeout, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Reads cooked data until <paramref name="expected"/> arrives or the timeout elapses, timing on
    /// <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, IScheduler)"/>
    public static IObservable<byte[]> ReadUntil(this IObservable<ReadOnlyMemory<byte>> source, ReadOnlyMemory<byte> expected, TimeSpan timeout) =>
        ReadUntil(source, expected, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>Reads cooked data until <paramref name="expected"/> arrives, waiting forever.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <returns>Exactly one array, then completion: the data up to and including the first <paramref name="expected"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <remarks>The same as passing <see cref="Timeout.InfiniteTimeSpan"/>; no scheduler is used.</remarks>
    public static IObservable<byte[]> ReadUntil(this IObservable<ReadOnlyMemory<byte>> source, ReadOnlyMemory<byte> expected) =>
        ReadUntil(source, expected, Timeout.InfiniteTimeSpan, ImmediateScheduler.Instance);

    /// <summary>Reads chunks of data until <paramref name="expected"/> arrives or the timeout elapses.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>Exactly one array, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<byte[]> ReadUntil(this IObservable<byte[]> source, ReadOnlyMemory<byte> expected, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ReadUntil(ReadingArguments.AsMemory(source), expected, timeout, scheduler);
    }

    /// <summary>
    /// Reads chunks of data until <paramref name="expected"/> arrives or the timeout elapses, timing on
    /// <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <returns>Exactly one array, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<byte[]> ReadUntil(this IObservable<byte[]> source, ReadOnlyMemory<byte> expected, TimeSpan timeout) =>
        ReadUntil(source, expected, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>Reads chunks of data until <paramref name="expected"/> arrives, waiting forever.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <returns>Exactly one array, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <remarks>See <see cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<byte[]> ReadUntil(this IObservable<byte[]> source, ReadOnlyMemory<byte> expected) =>
        ReadUntil(source, expected, Timeout.InfiniteTimeSpan, ImmediateScheduler.Instance);
}
