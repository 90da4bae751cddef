namespace RxTelnet;

using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <summary>
/// The reads and sends of one conversation over a byte stream, made with
/// <see cref="TelnetObservable.Converse{T}(IObservable{ReadOnlyMemory{byte}}, Func{TelnetConversation, IObservable{T}}, IScheduler, Func{ReadOnlyMemory{byte}, CancellationToken, Task}?, Encoding?)"/>
/// or <c>TelnetSession.Converse</c>: each read is a step that takes from the front of the unread bytes exactly what it
/// emits, so what one step leaves is exactly what the next step sees.
/// </summary>
/// <remarks>
/// <para>
/// Every step is a cold observable: it starts reading when subscribed, and one step reads at a time. A step
/// subscribed while another reads waits its turn, in subscription order, so chaining with <c>SelectMany</c> or
/// <c>Concat</c> reads in program order. A step's timeout counts from its subscription, on <see cref="Scheduler"/>.
/// </para>
/// <list type="table"><listheader><term>Event</term><description>Behavior of a one-shot step (ReadUntil, Expect, ReadToEnd)</description></listheader>
/// <item><term>its bytes arrive</term><description>takes them from the front of the unread bytes, emits the result, completes</description></item>
/// <item><term>timeout</term><description>fails with <see cref="TelnetTimeoutException"/>; nothing is taken, so the next step sees those bytes</description></item>
/// <item><term>the input completes first</term><description>fails with <see cref="TelnetEofException"/>; nothing is taken (<see cref="ReadToEnd"/> and <see cref="ReadAvailable"/> take the rest)</description></item>
/// <item><term>the input fails, or overflows the buffer</term><description>fails with that error (a <see cref="TelnetBufferLimitExceededException"/> for an overflow) once what is buffered cannot satisfy it</description></item>
/// <item><term>dispose</term><description>stops reading; nothing is taken; the next waiting step starts reading</description></item>
/// </list>
/// <para>
/// The streaming steps (<see cref="Lines(int)"/>, <see cref="SplitAfter(ReadOnlyMemory{byte})"/>, <see cref="IdleFlush(TimeSpan)"/>)
/// read until disposed or the input ends, taking only what they emit: <c>c.Lines().Take(3)</c> takes three lines and
/// leaves the rest. At a clean end they emit what is left and complete; when the input fails they fail and leave it.
/// </para>
/// </remarks>
public sealed class TelnetConversation
{
    private readonly ConversationCore _core;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task>? _send;

    internal TelnetConversation(ConversationCore core, Func<ReadOnlyMemory<byte>, CancellationToken, Task>? send, Encoding encoding)
    {
        _core = core;
        _send = send;
        Encoding = encoding;
    }

    /// <summary>Gets the scheduler every step's timeout runs on.</summary>
    public IScheduler Scheduler => _core.Scheduler;

    /// <summary>Gets the encoding text is sent, awaited and decoded with.</summary>
    public Encoding Encoding { get; }

    /// <summary>Reads up to and including <paramref name="expected"/>.</summary>
    /// <param name="expected">The bytes to wait for; not empty. Copied at the call.</param>
    /// <param name="timeout">How long to wait after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero looks only at what is unread.</param>
    /// <returns>One array, then completion: the bytes up to and including the first <paramref name="expected"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>The search is linear in the bytes read however they are chunked. See the class remarks for timeout and end.</remarks>
    public IObservable<byte[]> ReadUntil(ReadOnlyMemory<byte> expected, TimeSpan timeout)
    {
        var needle = ReadingArguments.CopyNeedle(expected, nameof(expected));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        var description = $"\"{Escape(needle)}\"";
        return ConversationSteps.Create<byte[]>(_core, timeout, o => new ConversationSteps.Until(_core, o, needle, timeout, description));
    }

    /// <summary>Reads up to and including <paramref name="expected"/>, encoded with <see cref="Encoding"/>.</summary>
    /// <param name="expected">The text to wait for; not empty.</param>
    /// <param name="timeout">How long to wait after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>One array, then completion: the bytes up to and including the first <paramref name="expected"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public IObservable<byte[]> ReadUntil(string expected, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return ReadUntil(Encoding.GetBytes(expected), timeout);
    }

    /// <summary>Reads up to and including <paramref name="expected"/>, waiting forever.</summary>
    /// <param name="expected">The text to wait for; not empty.</param>
    /// <returns>One array, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is empty.</exception>
    public IObservable<byte[]> ReadUntil(string expected) => ReadUntil(expected, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Reads up to and including the first match of the first pattern, in list order, that matches, as telnetlib's
    /// <c>expect</c> picks it.
    /// </summary>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or right-to-left. They see the bytes as Latin-1 chars. Copied at the call.</param>
    /// <param name="timeout">How long to wait after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>One <see cref="ExpectResult"/> with a match, then completion; its positions count from the first byte this step read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or right-to-left pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>
    /// Unlike telnetlib's <c>expect</c>, a timeout is an error (<see cref="TelnetTimeoutException"/>) that takes nothing.
    /// The search is incremental: a match longer than 64 KiB (with what its lookarounds inspect) may be missed.
    /// </remarks>
    public IObservable<ExpectResult> Expect(IReadOnlyList<Regex> patterns, TimeSpan timeout)
    {
        var copy = ReadingArguments.CopyPatterns(patterns, nameof(patterns));
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ConversationSteps.Create<ExpectResult>(_core, timeout, o => new ConversationSteps.Expect(_core, o, copy, timeout));
    }

    /// <summary>Reads up to and including the first match of one of several patterns, given as strings.</summary>
    /// <param name="timeout">How long to wait after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="patterns">The patterns, in priority order; compiled culture-invariant; they see the bytes as Latin-1 chars.</param>
    /// <returns>One <see cref="ExpectResult"/> with a match, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty, or holds a null or invalid pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public IObservable<ExpectResult> Expect(TimeSpan timeout, params string[] patterns) =>
        Expect(ReadingArguments.CompilePatterns(patterns, nameof(patterns)), timeout);

    /// <summary>
    /// Reads up to the first match of one of several patterns and continues with that pattern's own continuation.
    /// </summary>
    /// <typeparam name="T">What the continuations produce.</typeparam>
    /// <param name="timeout">How long to wait for a match after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cases">The patterns, in priority order, each with what to do when it wins; not empty, none null.</param>
    /// <returns>What the winning pattern's continuation produces.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cases"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="cases"/> is empty or holds a null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <remarks>The continuation is subscribed from the match's <c>OnNext</c>, so its first step sees what follows the match.</remarks>
    public IObservable<T> Expect<T>(TimeSpan timeout, params ExpectCase<T>[] cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Length == 0)
        {
            throw new ArgumentException("At least one case is needed.", nameof(cases));
        }

        var copy = new ExpectCase<T>[cases.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = cases[i] ?? throw new ArgumentException($"Case {i} is null.", nameof(cases));
        }

        return Expect(copy.Select(static c => c.Pattern).ToArray(), timeout).SelectMany(result => copy[result.Index].Continue(result));
    }

    /// <summary>Emits each line (up to LF, decoded with <see cref="Encoding"/>, without its LF and a CR before it) until disposed or the input ends.</summary>
    /// <param name="maxLineLength">The longest line in bytes; more fails with <see cref="TelnetBufferLimitExceededException"/>. At least 1.</param>
    /// <returns>The lines, in order; at a clean end, the text after the last LF, if any, then completion.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is less than 1.</exception>
    /// <exception cref="NotSupportedException"><see cref="Encoding"/> does not write LF as the single byte 0x0A (UTF-16, UTF-32).</exception>
    /// <remarks>Takes only the lines it emits: disposing it (or <c>Take(n)</c>) leaves the rest for the next step.</remarks>
    public IObservable<string> Lines(int maxLineLength)
    {
        ReadingArguments.ThrowIfLimitTooSmall(maxLineLength, 1, nameof(maxLineLength));
        if (!Encoding.GetBytes("\n").AsSpan().SequenceEqual("\n"u8))
        {
            throw new NotSupportedException($"Lines splits at the byte 0x0A, which {Encoding.WebName} does not use for LF.");
        }

        var encoding = Encoding;
        return ConversationSteps.Create<string>(_core, Timeout.InfiniteTimeSpan, o => new ConversationSteps.Split<string>(
            _core,
            o,
            "\n"u8.ToArray(),
            bytes => DecodeLine(encoding, bytes, maxLineLength),
            "a line end",
            maxLineLength));
    }

    /// <summary>Emits each line until disposed or the input ends; lines of up to <see cref="TelnetObservable.DefaultMaxBufferLength"/> bytes.</summary>
    /// <returns>The lines, in order; at a clean end, the text after the last LF, if any, then completion.</returns>
    /// <exception cref="NotSupportedException"><see cref="Encoding"/> does not write LF as the single byte 0x0A.</exception>
    public IObservable<string> Lines() => Lines(TelnetObservable.DefaultMaxBufferLength);

    /// <summary>Emits the bytes up to and including each <paramref name="delimiter"/> until disposed or the input ends.</summary>
    /// <param name="delimiter">The delimiter; not empty. Copied at the call.</param>
    /// <returns>The pieces, in order, each ending with the delimiter; at a clean end, what is left, if anything, then completion.</returns>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    public IObservable<byte[]> SplitAfter(ReadOnlyMemory<byte> delimiter)
    {
        var needle = ReadingArguments.CopyNeedle(delimiter, nameof(delimiter));
        var description = $"\"{Escape(needle)}\"";
        return ConversationSteps.Create<byte[]>(_core, Timeout.InfiniteTimeSpan, o => new ConversationSteps.Split<byte[]>(_core, o, needle, static b => b, description, int.MaxValue));
    }

    /// <summary>
    /// Emits what is unread once no byte has arrived for <paramref name="quiet"/> (a prompt without a line end), until
    /// disposed or the input ends.
    /// </summary>
    /// <param name="quiet">How long the input must be quiet; zero emits each chunk as it comes; <see cref="Timeout.InfiniteTimeSpan"/> emits only at <paramref name="flushLength"/> and at the end.</param>
    /// <param name="flushLength">Emit at once when this many bytes are unread, so a stream that never pauses still flows. At least 1.</param>
    /// <returns>The pieces, in order; at a clean end, what is left, then completion.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quiet"/> is negative and not infinite, or <paramref name="flushLength"/> is less than 1.</exception>
    public IObservable<byte[]> IdleFlush(TimeSpan quiet, int flushLength)
    {
        ReadingArguments.ThrowIfInvalidTimeout(quiet, nameof(quiet));
        ReadingArguments.ThrowIfLimitTooSmall(flushLength, 1, nameof(flushLength));
        return ConversationSteps.Create<byte[]>(_core, Timeout.InfiniteTimeSpan, o => new ConversationSteps.Idle(_core, o, quiet, flushLength));
    }

    /// <summary>Emits what is unread once the input has been quiet for <paramref name="quiet"/>; pieces of at most 64 KiB.</summary>
    /// <param name="quiet">How long the input must be quiet.</param>
    /// <returns>The pieces, in order; at a clean end, what is left, then completion.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quiet"/> is negative and not infinite.</exception>
    public IObservable<byte[]> IdleFlush(TimeSpan quiet) => IdleFlush(quiet, 64 * 1024);

    /// <summary>Takes whatever is unread now, possibly nothing, without waiting.</summary>
    /// <returns>One array, then completion. Fails with the input's error, or <see cref="TelnetEofException"/>, when the input has ended and nothing is unread.</returns>
    public IObservable<byte[]> ReadAvailable() =>
        ConversationSteps.Create<byte[]>(_core, Timeout.InfiniteTimeSpan, o => new ConversationSteps.Available(_core, o));

    /// <summary>Takes everything up to the end of the input.</summary>
    /// <param name="timeout">How long to wait for the end after subscription; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>One array, then completion, when the input completes; fails with the input's error if it fails.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public IObservable<byte[]> ReadToEnd(TimeSpan timeout)
    {
        ReadingArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return ConversationSteps.Create<byte[]>(_core, timeout, o => new ConversationSteps.ToEnd(_core, o, timeout));
    }

    /// <summary>Sends bytes through the conversation's sender when subscribed.</summary>
    /// <param name="data">The bytes. Copied at the call.</param>
    /// <returns>One <see cref="Unit"/> when the sender has taken them, then completion; the sender's error otherwise.</returns>
    /// <exception cref="InvalidOperationException">The conversation was made without a sender.</exception>
    /// <remarks>Disposing the subscription before the send completes cancels the sender's token.</remarks>
    public IObservable<Unit> Send(ReadOnlyMemory<byte> data)
    {
        var send = _send ?? throw new InvalidOperationException("This conversation was made without a sender; pass one to Converse to send.");
        var copy = data.ToArray();
        return Observable.FromAsync(ct => send(copy, ct), ImmediateScheduler.Instance);
    }

    /// <summary>Sends text, encoded with <see cref="Encoding"/>, exactly as given (add "\r\n" for a line).</summary>
    /// <param name="text">The text.</param>
    /// <returns>One <see cref="Unit"/> when the sender has taken it, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The conversation was made without a sender.</exception>
    public IObservable<Unit> Send(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Send(Encoding.GetBytes(text));
    }

    private static string DecodeLine(Encoding encoding, byte[] bytes, int maxLineLength)
    {
        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == (byte)'\n')
        {
            length--;
            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }
        }

        if (length > maxLineLength)
        {
            throw new TelnetBufferLimitExceededException(nameof(maxLineLength), maxLineLength, length);
        }

        return encoding.GetString(bytes, 0, length);
    }

    private static string Escape(byte[] bytes) => ExpectResult.Quote(Encoding.Latin1.GetString(bytes))[1..^1];
}
