namespace RxTelnet;

using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <content>The Matches operator: a continuous, lossless expect.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Emits one <see cref="ExpectResult"/> per match, continuously: the data since the previous match up to and
    /// including this one, as if telnetlib's <c>expect</c> were called in a loop with nothing lost in between.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">
    /// The patterns, in priority order; not empty, none null or <see cref="RegexOptions.RightToLeft"/>. They see the
    /// bytes as Latin-1 chars (byte <c>b</c> is char <c>b</c>). Copied at the call.
    /// </param>
    /// <param name="maxBufferLength">The most bytes kept while no pattern matches; at least 1.</param>
    /// <returns>
    /// The results, in order; at completion, <c>(-1, null, rest)</c> for the bytes after the last match, if any.
    /// Concatenated, the <see cref="ExpectResult.Data"/> arrays are exactly the source's bytes.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBufferLength"/> is less than 1.</exception>
    /// <remarks>
    /// <para>
    /// After each chunk, and again after each match, the unmatched data is searched with each pattern in list order,
    /// as <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, System.Reactive.Concurrency.IScheduler)"/> does; the
    /// unmatched data starts where the previous match ended, so <c>^</c> matches there. An empty match at that start
    /// is skipped (as <see cref="Regex.Matches(string)"/> does) so the stream always moves on. The cost is linear in
    /// the data for patterns that do not look behind their match (<c>^</c>, <c>\b</c>, lookbehind); those are searched
    /// again from the start of the unmatched data after each match. A match longer than 64 KiB may be missed.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk</term><description>emits a result for every match it completes, in order; the rest is buffered</description></item>
    /// <item><term>more than <paramref name="maxBufferLength"/> bytes without a match</term><description>fails with <see cref="TelnetBufferLimitExceededException"/>, after the results before it</description></item>
    /// <item><term>OnCompleted</term><description>emits <c>(-1, null, rest)</c> if bytes are left, then completes</description></item>
    /// <item><term>OnError, or a pattern's match timeout</term><description>forwards the error; unmatched bytes are dropped</description></item>
    /// </list>
    /// </remarks>
    /// <seealso cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, System.Reactive.Concurrency.IScheduler)"/>
    /// <seealso cref="SplitAfter(IObservable{ReadOnlyMemory{byte}}, ReadOnlyMemory{byte}, int)"/>
    public static IObservable<ExpectResult> Matches(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<Regex> patterns, int maxBufferLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = ReadingArguments.CopyPatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfLimitTooSmall(maxBufferLength, 1, nameof(maxBufferLength));
        return MatchesOperator.Create(source, copy, maxBufferLength);
    }

    /// <summary>
    /// Emits one <see cref="ExpectResult"/> per match, continuously, keeping at most
    /// <see cref="DefaultMaxBufferLength"/> bytes while no pattern matches.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or right-to-left. They see the bytes as Latin-1 chars.</param>
    /// <returns>The results, in order; at completion, <c>(-1, null, rest)</c> for the bytes after the last match, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <remarks>See <see cref="Matches(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, int)"/>.</remarks>
    public static IObservable<ExpectResult> Matches(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<Regex> patterns) =>
        Matches(source, patterns, DefaultMaxBufferLength);

    /// <summary>Emits one <see cref="ExpectResult"/> per match of patterns given as strings, continuously.</summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">
    /// The patterns, in priority order; not empty, none null. Compiled with <see cref="RegexOptions.CultureInvariant"/>;
    /// they see the bytes as Latin-1 chars.
    /// </param>
    /// <param name="maxBufferLength">The most bytes kept while no pattern matches; at least 1.</param>
    /// <returns>The results, in order; at completion, <c>(-1, null, rest)</c> for the bytes after the last match, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBufferLength"/> is less than 1.</exception>
    /// <remarks>See <see cref="Matches(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, int)"/>.</remarks>
    public static IObservable<ExpectResult> Matches(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<string> patterns, int maxBufferLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        var compiled = ReadingArguments.CompilePatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfLimitTooSmall(maxBufferLength, 1, nameof(maxBufferLength));
        return MatchesOperator.Create(source, compiled, maxBufferLength);
    }

    /// <summary>
    /// Emits one <see cref="ExpectResult"/> per match of patterns given as strings, continuously, keeping at most
    /// <see cref="DefaultMaxBufferLength"/> bytes while no pattern matches.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. They see the bytes as Latin-1 chars.</param>
    /// <returns>The results, in order; at completion, <c>(-1, null, rest)</c> for the bytes after the last match, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <remarks>See <see cref="Matches(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, int)"/>.</remarks>
    public static IObservable<ExpectResult> Matches(this IObservable<ReadOnlyMemory<byte>> source, IReadOnlyList<string> patterns) =>
        Matches(source, patterns, DefaultMaxBufferLength);
}
