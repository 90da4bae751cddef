namespace RxTelnet;

using System.Reactive.Concurrency;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <content>The Expect operator: telnetlib's <c>expect</c> over an observable of cooked data.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Reads cooked data until one of several regular expressions matches or the timeout elapses, as telnetlib's
    /// <c>expect</c> does, and emits the pattern index, the match and the bytes read.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">
    /// The patterns, in priority order; not empty, none null or <see cref="RegexOptions.RightToLeft"/>. They see the
    /// bytes as Latin-1 chars (byte <c>b</c> is char <c>b</c>), like a Python bytes regex. Copied at the call.
    /// </param>
    /// <param name="timeout">
    /// How long to wait after subscription: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero looks only at
    /// what the source delivers while being subscribed to, then emits at once (telnetlib's <c>timeout=0</c>).
    /// </param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>
    /// Exactly one <see cref="ExpectResult"/>, then completion: the first pattern in list order that matches, its
    /// match and the data up to and including it; or index -1, no match and what arrived when the timeout elapsed.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>
    /// <para>
    /// After each chunk, for each pattern in list order, the buffer is searched; the first pattern that matches
    /// anywhere wins, even when a later one matches earlier in the buffer. As in telnetlib, which pattern wins may
    /// depend on how the data was chunked when several can match. The patterns are also tried once against the
    /// empty buffer at subscription, so a pattern that matches empty text completes at once, as in telnetlib.
    /// </para>
    /// <para>
    /// Each chunk is widened to chars once, and each pattern re-searches only the last 64 KiB before the new data
    /// (the search stays linear however the data is chunked). So a match longer than 64 KiB, counting the text its
    /// lookarounds inspect, may be missed. Character classes follow .NET rules on the Latin-1 chars (so <c>\w</c> also
    /// matches bytes such as 0xE9), where a Python bytes regex is ASCII-only.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk without match</term><description>buffered, up to <see cref="DefaultMaxBufferLength"/> bytes; more fails with <see cref="TelnetBufferLimitExceededException"/></description></item>
    /// <item><term>match</term><description>emits <c>(index, match, data up to and including the match)</c>, then completes and unsubscribes</description></item>
    /// <item><term>timeout</term><description>emits <c>(-1, null, what was read)</c> at due time on <paramref name="scheduler"/>, then completes</description></item>
    /// <item><term>OnCompleted before match</term><description>emits <c>(-1, null, what was read)</c> if anything was read, then completes; with nothing read, fails with <see cref="TelnetEofException"/> (telnetlib's <c>EOFError</c>)</description></item>
    /// <item><term>OnError, or a pattern's match timeout</term><description>forwards the error; what was read is dropped</description></item>
    /// <item><term>dispose</term><description>unsubscribes from the source and cancels the timeout</description></item>
    /// </list>
    /// <para>
    /// The bytes after the match in the same chunk are not handed on: the operator unsubscribes once it has its answer.
    /// telnetlib keeps them in its cooked queue; for lossless sequential reads use <see cref="Converse{T}(IObservable{ReadOnlyMemory{byte}}, Func{TelnetConversation, IObservable{T}}, IScheduler, Func{ReadOnlyMemory{byte}, CancellationToken, Task}?, System.Text.Encoding?)"/> (or <c>TelnetSession</c>'s reads), and for a
    /// continuous stream of matches use <see cref="Matches(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, int)"/>.
    /// </para>
    /// </remarks>
    /// <seealso cref="ReadUntil(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, TimeSpan, IScheduler)"/>
    /// <seealso cref="ExpectText(IObservable{ReadOnlyMemory{byte}}, System.Text.Encoding, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>
    public static IObservable<ExpectResult> Expect(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<Regex> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        var copy = ReadingArguments.CopyPatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ExpectOperator.Create(source, copy, timeout, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Reads cooked data until one of several regular expressions matches or the timeout elapses, timing on
    /// <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>
    public static IObservable<ExpectResult> Expect(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<Regex> patterns, TimeSpan timeout) =>
        Expect(source, patterns, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>
    /// Reads cooked data until one of several regular expressions, given as strings, matches or the timeout elapses.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">
    /// The patterns, in priority order; not empty, none null. Compiled with <see cref="RegexOptions.CultureInvariant"/>;
    /// they see the bytes as Latin-1 chars, so <c>"\xff"</c> matches the byte 0xFF.
    /// </param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<string> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        var compiled = ReadingArguments.CompilePatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ExpectOperator.Create(source, compiled, timeout, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Reads cooked data until one of several regular expressions, given as strings, matches or the timeout elapses,
    /// timing on <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{string}, TimeSpan, IScheduler)"/>
    public static IObservable<ExpectResult> Expect(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<string> patterns, TimeSpan timeout) =>
        Expect(source, patterns, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>Reads cooked data until one of several regular expressions, given as strings, matches, waiting forever.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. They see the bytes as Latin-1 chars.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <remarks>
    /// The same as passing <see cref="Timeout.InfiniteTimeSpan"/>; no scheduler is used. See
    /// <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>.
    /// </remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<ReadOnlyMemory<byte>> source, params string[] patterns) =>
        Expect(source, patterns, Timeout.InfiniteTimeSpan, ImmediateScheduler.Instance);

    /// <summary>Reads chunks of data until one of several regular expressions matches or the timeout elapses.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or right-to-left. They see the bytes as Latin-1 chars.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<byte[]> source, IReadOnlyList<Regex> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Expect(ReadingArguments.AsMemory(source), patterns, timeout, scheduler);
    }

    /// <summary>
    /// Reads chunks of data until one of several regular expressions matches or the timeout elapses, timing on
    /// <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or right-to-left. They see the bytes as Latin-1 chars.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<byte[]> source, IReadOnlyList<Regex> patterns, TimeSpan timeout) =>
        Expect(source, patterns, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>Reads chunks of data until one of several regular expressions, given as strings, matches or the timeout elapses.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. They see the bytes as Latin-1 chars.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<byte[]> source, IReadOnlyList<string> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Expect(ReadingArguments.AsMemory(source), patterns, timeout, scheduler);
    }

    /// <summary>
    /// Reads chunks of data until one of several regular expressions, given as strings, matches or the timeout
    /// elapses, timing on <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. They see the bytes as Latin-1 chars.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<byte[]> source, IReadOnlyList<string> patterns, TimeSpan timeout) =>
        Expect(source, patterns, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>Reads chunks of data until one of several regular expressions, given as strings, matches, waiting forever.</summary>
    /// <param name="source">Chunks of data, in order; each array is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. They see the bytes as Latin-1 chars.</param>
    /// <returns>Exactly one <see cref="ExpectResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <remarks>See <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>; each array is one chunk.</remarks>
    public static IObservable<ExpectResult> Expect(this IObservable<byte[]> source, params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Expect(ReadingArguments.AsMemory(source), patterns, Timeout.InfiniteTimeSpan, ImmediateScheduler.Instance);
    }
}
