namespace RxTelnet;

using System.Reactive.Concurrency;
using System.Text;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <content>The ExpectText operator: telnetlib's <c>expect</c> over decoded text.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Decodes cooked data and reads until one of several regular expressions matches the text or the timeout
    /// elapses, as telnetlib's <c>expect</c> does on bytes.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or <see cref="RegexOptions.RightToLeft"/>. Copied at the call.</param>
    /// <param name="timeout">
    /// How long to wait after subscription: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero looks only at
    /// what the source delivers while being subscribed to, then emits at once.
    /// </param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>
    /// Exactly one <see cref="ExpectTextResult"/>, then completion: the first pattern in list order that matches, its
    /// match and the text up to and including it; or index -1, no match and the text read when the timeout elapsed.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="encoding"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>
    /// <para>
    /// Decoding is incremental (one <see cref="Decoder"/> per subscription), so a character whose bytes are split
    /// across chunks is matched whole. Matching follows
    /// <see cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>: after each
    /// chunk the first pattern in list order that matches anywhere wins, and a match longer than 64 Ki chars may be
    /// missed.
    /// </para>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>chunk without match</term><description>decoded and buffered, up to <see cref="DefaultMaxBufferLength"/> chars; more fails with <see cref="TelnetBufferLimitExceededException"/></description></item>
    /// <item><term>match</term><description>emits <c>(index, match, text up to and including the match)</c>, then completes and unsubscribes</description></item>
    /// <item><term>timeout</term><description>flushes the decoder (bytes of a cut-off character become the encoding's replacement), emits <c>(-1, null, text read)</c> at due time on <paramref name="scheduler"/>, then completes</description></item>
    /// <item><term>OnCompleted before match</term><description>flushes the decoder and emits <c>(-1, null, text read)</c> if there is any, then completes; with none, fails with <see cref="TelnetEofException"/></description></item>
    /// <item><term>OnError, a decoder fallback error, or a pattern's match timeout</term><description>forwards the error</description></item>
    /// <item><term>dispose</term><description>unsubscribes from the source and cancels the timeout</description></item>
    /// </list>
    /// <para>Text after the match is not handed on: the operator unsubscribes once it has its answer.</para>
    /// </remarks>
    /// <seealso cref="Expect(IObservable{ReadOnlyMemory{byte}}, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>
    /// <seealso cref="Decode(IObservable{ReadOnlyMemory{byte}}, Encoding)"/>
    public static IObservable<ExpectTextResult> ExpectText(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, IReadOnlyList<Regex> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(scheduler);
        var copy = ReadingArguments.CopyPatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ExpectTextOperator.Create(source, encoding, copy, timeout, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Decodes cooked data and reads until one of several regular expressions matches the text or the timeout
    /// elapses, timing on <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="ExpectText(IObservable{ReadOnlyMemory{byte}}, Encoding, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>
    public static IObservable<ExpectTextResult> ExpectText(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, IReadOnlyList<Regex> patterns, TimeSpan timeout) =>
        ExpectText(source, encoding, patterns, timeout, TelnetSchedulers.TimeBasedOperations);

    /// <summary>
    /// Decodes cooked data and reads until one of several regular expressions, given as strings, matches the text or
    /// the timeout elapses.
    /// </summary>
    /// <param name="source">Cooked data, in order; each slice is only read, never kept.</param>
    /// <param name="encoding">How the bytes encode text, for example <see cref="Encoding.UTF8"/>.</param>
    /// <param name="patterns">The patterns, in priority order; not empty, none null. Compiled with <see cref="RegexOptions.CultureInvariant"/>.</param>
    /// <param name="timeout">How long to wait: <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero decides at once.</param>
    /// <param name="scheduler">The scheduler the timeout runs on.</param>
    /// <returns>Exactly one <see cref="ExpectTextResult"/>, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="encoding"/>, <paramref name="patterns"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>See <see cref="ExpectText(IObservable{ReadOnlyMemory{byte}}, Encoding, IReadOnlyList{Regex}, TimeSpan, IScheduler)"/>.</remarks>
    public static IObservable<ExpectTextResult> ExpectText(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, IReadOnlyList<string> patterns, TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(scheduler);
        var compiled = ReadingArguments.CompilePatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ExpectTextOperator.Create(source, encoding, compiled, timeout, scheduler, DefaultMaxBufferLength);
    }

    /// <summary>
    /// Decodes cooked data and reads until one of several regular expressions, given as strings, matches the text or
    /// the timeout elapses, timing on <see cref="TelnetSchedulers.TimeBasedOperations"/>.
    /// </summary>
    /// <inheritdoc cref="ExpectText(IObservable{ReadOnlyMemory{byte}}, Encoding, IReadOnlyList{string}, TimeSpan, IScheduler)"/>
    public static IObservable<ExpectTextResult> ExpectText(this IObservable<ReadOnlyMemory<byte>> source, Encoding encoding, IReadOnlyList<string> patterns, TimeSpan timeout) =>
        ExpectText(source, encoding, patterns, timeout, TelnetSchedulers.TimeBasedOperations);
}
