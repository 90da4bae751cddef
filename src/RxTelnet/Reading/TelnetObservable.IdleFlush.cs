namespace RxTelnet;

using System.Reactive.Concurrency;
using RxTelnet.Reading;

/// <content>The IdleFlush operator: emits what arrived once the peer goes quiet, for prompts without a line end.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Buffers cooked data and emits it as one array whenever no new data has arrived for <paramref name="quiet"/>,
    /// so a prompt such as <c>"Password: "</c>, which never gets a line end, still comes out whole.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="quiet">
    /// How long the source must stay silent before a flush: zero emits each chunk at once;
    /// <see cref="Timeout.InfiniteTimeSpan"/> never flushes on silence, only when the buffer is full or at completion.
    /// </param>
    /// <param name="scheduler">The scheduler the quiet timer runs on.</param>
    /// <returns>The buffered data, one new array per flush; concatenated, they are exactly the source's bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quiet"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>
    /// <para>
    /// A debounce that keeps every byte: where Rx's <c>Throttle</c> keeps only the last element, this keeps all data
    /// since the previous flush. Timers are fenced like <c>Throttle</c>'s, so a chunk and a timer racing in the same
    /// tick never flush twice or lose data.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>buffered; the quiet timer restarts from this chunk</description></item>
    /// <item><term>quiet period elapsed</term><description>emits everything buffered, at due time on <paramref name="scheduler"/></description></item>
    /// <item><term>buffer reaches <see cref="DefaultMaxBufferLength"/> bytes</term><description>emits everything buffered at once, so a source that never pauses does not grow the buffer without bound</description></item>
    /// <item><term>OnCompleted</term><description>emits what is buffered, if anything, then completes</description></item>
    /// <item><term>OnError</term><description>forwards the error; what is buffered is dropped, as with Rx's <c>Buffer</c></description></item>
    /// <item><term>dispose</term><description>unsubscribes from the source and cancels the timer</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Lines(IObservable{ReadOnlyMemory{byte}}, System.Text.Encoding, int)"/>
    public static IObservable<byte[]> IdleFlush(this IObservable<ReadOnlyMemory<byte>> source, TimeSpan quiet, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        ReadingArguments.ThrowIfInvalidTimeout(quiet, nameof(quiet));
        return IdleFlushOperator.Create(source, quiet, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Buffers cooked data and emits it as one array whenever no new data has arrived for <paramref name="quiet"/>,
    /// timing on <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="IdleFlush(IObservable{ReadOnlyMemory{byte}}, TimeSpan, IScheduler)"/>
    public static IObservable<byte[]> IdleFlush(this IObservable<ReadOnlyMemory<byte>> source, TimeSpan quiet) =>
        IdleFlush(source, quiet, TelnetSchedulers.TimeBasedOperations);
}
