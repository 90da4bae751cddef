namespace RxTelnet.Compat;

using System.Text.RegularExpressions;
using RxTelnet.Session;

/// <content>The reads: telnetlib's <c>read_*</c> and <c>expect</c> over the session's cooked queue.</content>
public sealed partial class Telnet
{
    /// <summary>
    /// Reads until <paramref name="expected"/> is seen or <paramref name="timeout"/> passes (telnetlib's <c>read_until</c>); blocks.
    /// </summary>
    /// <param name="expected">The bytes to wait for. When empty, an empty array is returned at once, as telnetlib does.</param>
    /// <param name="timeout">How long to wait; null (the default) or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for ever; zero or negative to look only at what has arrived.</param>
    /// <returns>The data up to and including <paramref name="expected"/>; on timeout, everything received so far (possibly empty).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> is null.</exception>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read (telnetlib's <c>EOFError</c>).</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <remarks>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>match</term><description>returns the data up to and including <paramref name="expected"/>; what follows stays queued for the next read</description></item>
    /// <item><term>timeout</term><description>returns everything queued (possibly empty), measured on the instance's scheduler from the call</description></item>
    /// <item><term>end of stream</term><description>returns everything queued if anything is, otherwise throws <see cref="TelnetEofException"/></description></item>
    /// </list>
    /// The timeout runs on the scheduler given to the constructor: the synchronous form waits in real time; use
    /// <see cref="ReadUntilAsync"/> with a <c>TestScheduler</c>.
    /// </remarks>
    /// <seealso cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>
    public byte[] ReadUntil(byte[] expected, TimeSpan? timeout = null) =>
        Blocking(() => ReadUntilAsync(expected, timeout));

    /// <summary>Reads until <paramref name="expected"/> is seen or <paramref name="timeout"/> passes; see <see cref="ReadUntil"/>.</summary>
    /// <param name="expected">The bytes to wait for; empty returns an empty array at once.</param>
    /// <param name="timeout">How long to wait; null for ever; zero or negative to look only at what has arrived.</param>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The data read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> is null.</exception>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<byte[]> ReadUntilAsync(byte[] expected, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var match = expected.ToArray();
        var limit = NormalizeTimeout(timeout);
        return RunReadAsync(token => ReadUntilCoreAsync(match, limit, token), cancellationToken);
    }

    private async Task<byte[]> ReadUntilCoreAsync(byte[] match, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var n = match.Length;
        ProcessRawqCore();
        var i = FindCooked(match, 0);
        if (i >= 0)
        {
            return TakeCooked(i + n);
        }

        var deadline = timeout is { } t ? Scheduler.Now + t : (DateTimeOffset?)null;
        var sock = RequireSocket();
        while (!Eof)
        {
            var ready = await sock.WaitReadableAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (ClosedSince(sock))
            {
                // Closed on another thread while this read waited: Close set eof, which ends the loop.
                continue;
            }

            if (ready)
            {
                i = Math.Max(0, CookedLength - n);
                await FillRawqFromAsync(sock, cancellationToken).ConfigureAwait(false);
                ProcessRawqCore();
                i = FindCooked(match, i);
                if (i >= 0)
                {
                    return TakeCooked(i + n);
                }
            }

            if (deadline is { } d)
            {
                // telnetlib stops once the deadline has passed (deadline - now < 0). A select that found nothing waited
                // until the deadline, and the clock has passed it by the time telnetlib looks; on a virtual clock,
                // which stands still between two looks, that is said here explicitly.
                timeout = d - Scheduler.Now;
                if (!ready || timeout < TimeSpan.Zero)
                {
                    break;
                }
            }
        }

        return ReadVeryLazyCore();
    }

    /// <summary>Reads everything until the connection closes (telnetlib's <c>read_all</c>); blocks.</summary>
    /// <returns>Everything received and not yet read; empty when the connection closed with nothing left.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public byte[] ReadAll() => Blocking(() => ReadAllAsync());

    /// <summary>Reads everything until the connection closes; see <see cref="ReadAll"/>.</summary>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The data read.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<byte[]> ReadAllAsync(CancellationToken cancellationToken = default) =>
        RunReadAsync(
            async token =>
            {
                ProcessRawqCore();
                while (!Eof)
                {
                    await FillRawqCoreAsync(token).ConfigureAwait(false);
                    ProcessRawqCore();
                }

                return TakeCooked(CookedLength);
            },
            cancellationToken);

    /// <summary>Reads at least one byte unless the connection closed (telnetlib's <c>read_some</c>); blocks while nothing has arrived.</summary>
    /// <returns>Everything queued (at least one byte); empty at end of stream.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public byte[] ReadSome() => Blocking(() => ReadSomeAsync());

    /// <summary>Reads at least one byte unless the connection closed; see <see cref="ReadSome"/>.</summary>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The data read; empty at end of stream.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<byte[]> ReadSomeAsync(CancellationToken cancellationToken = default) =>
        RunReadAsync(
            async token =>
            {
                ProcessRawqCore();
                while (CookedLength == 0 && !Eof)
                {
                    await FillRawqCoreAsync(token).ConfigureAwait(false);
                    ProcessRawqCore();
                }

                return TakeCooked(CookedLength);
            },
            cancellationToken);

    /// <summary>
    /// Reads everything that can be read without waiting (telnetlib's <c>read_very_eager</c>): processes the raw queue,
    /// then <c>recv</c>s and processes as long as the connection has something waiting.
    /// </summary>
    /// <returns>The cooked queue; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The end of the stream was reached and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance has no connection and the end was not reached (telnetlib: <c>AttributeError</c>).</exception>
    /// <exception cref="InvalidOperationException">Another read is running.</exception>
    /// <remarks>
    /// It never waits for received data, but, as telnetlib's <c>sendall</c> of a refusal blocks on a full socket, it
    /// may wait for the peer to take what we send: before each <c>recv</c>, while more than 64 KiB (or half of
    /// <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>) of writes and refusals is queued, for at most
    /// <see cref="Timeout"/> (then <see cref="TimeoutException"/>), or for ever when no timeout is set.
    /// </remarks>
    public byte[] ReadVeryEager() => RunRead(() =>
    {
        ProcessRawqCore();
        while (!Eof && SockAvail())
        {
            FillRawqNow();
            ProcessRawqCore();
        }

        return ReadVeryLazyCore();
    });

    /// <summary>
    /// Reads what is readily available (telnetlib's <c>read_eager</c>): like <see cref="ReadVeryEager"/>, but stops at
    /// the first <c>recv</c> that yields cooked data.
    /// </summary>
    /// <returns>The cooked queue; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The end of the stream was reached and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance has no connection and the end was not reached.</exception>
    /// <exception cref="InvalidOperationException">Another read is running.</exception>
    /// <remarks>
    /// It never waits for received data, but, as telnetlib's <c>sendall</c> of a refusal blocks on a full socket, it
    /// may wait for the peer to take what we send: before each <c>recv</c>, while more than 64 KiB (or half of
    /// <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>) of writes and refusals is queued, for at most
    /// <see cref="Timeout"/> (then <see cref="TimeoutException"/>), or for ever when no timeout is set.
    /// </remarks>
    public byte[] ReadEager() => RunRead(() =>
    {
        ProcessRawqCore();
        while (CookedLength == 0 && !Eof && SockAvail())
        {
            FillRawqNow();
            ProcessRawqCore();
        }

        return ReadVeryLazyCore();
    });

    /// <summary>Processes the raw queue and returns the cooked queue, with no I/O (telnetlib's <c>read_lazy</c>).</summary>
    /// <returns>The cooked queue; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The end of the stream was reached and nothing is left to read.</exception>
    /// <exception cref="InvalidOperationException">Another read is running.</exception>
    public byte[] ReadLazy() => RunRead(() =>
    {
        ProcessRawqCore();
        return ReadVeryLazyCore();
    });

    /// <summary>Returns the cooked queue, with no processing and no I/O (telnetlib's <c>read_very_lazy</c>).</summary>
    /// <returns>The cooked queue; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The end of the stream was reached, and neither cooked nor raw data is left.</exception>
    /// <remarks>Like <see cref="ReadSbData"/>, it may be called from the negotiation callback, inside another read.</remarks>
    public byte[] ReadVeryLazy() => ReadVeryLazyCore();

    /// <summary>
    /// Reads until one of <paramref name="patterns"/> matches or <paramref name="timeout"/> passes (telnetlib's <c>expect</c>); blocks.
    /// </summary>
    /// <param name="patterns">Regular expressions searched in the received bytes read as Latin-1 (byte n is char n), in list order.</param>
    /// <param name="timeout">How long to wait; null (the default) for ever; zero or negative to look only at what has arrived.</param>
    /// <returns>
    /// (<see cref="ExpectResult.Index"/>, <see cref="ExpectResult.Match"/>, <see cref="ExpectResult.Data"/>): the index of the
    /// first pattern in list order that matches, its match and the data up to and including the match; or
    /// (-1, null, everything received) on timeout or end of stream.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty.</exception>
    /// <exception cref="TelnetEofException">The connection closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <remarks>
    /// As in telnetlib, a pattern that ends with a greedy part (<c>.*</c>) matches as much as has arrived, which depends
    /// on timing. Unlike telnetlib, the queue is searched even when the end of stream has already been seen (telnetlib
    /// then returns (-1, None, data) without searching, but it sees the end later than RxTelnet does). Matches longer
    /// than <see cref="TelnetSessionOptions.MaxMatchLength"/> may be missed when they straddle chunks.
    /// </remarks>
    /// <seealso cref="ReadUntil"/>
    public ExpectResult Expect(IReadOnlyList<Regex> patterns, TimeSpan? timeout = null) =>
        Blocking(() => ExpectAsync(patterns, timeout));

    /// <summary>Reads until one of <paramref name="patterns"/>, given as regular-expression source, matches; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</summary>
    /// <param name="patterns">Regular expressions, compiled with <see cref="RegexOptions.None"/> (telnetlib compiles strings with <c>re.compile</c>).</param>
    /// <param name="timeout">How long to wait; null for ever; zero or negative to look only at what has arrived.</param>
    /// <returns>The result; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty or a pattern is not a valid regular expression.</exception>
    /// <exception cref="TelnetEofException">The connection closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public ExpectResult Expect(IReadOnlyList<string> patterns, TimeSpan? timeout = null) =>
        Blocking(() => ExpectAsync(patterns, timeout));

    /// <summary>Reads until one of <paramref name="patterns"/> matches; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</summary>
    /// <param name="patterns">Regular expressions over the bytes read as Latin-1.</param>
    /// <param name="timeout">How long to wait; null for ever; zero or negative to look only at what has arrived.</param>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty.</exception>
    /// <exception cref="TelnetEofException">The connection closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<ExpectResult> ExpectAsync(IReadOnlyList<Regex> patterns, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0)
        {
            throw new ArgumentException("At least one pattern is needed.", nameof(patterns));
        }

        var list = new Regex[patterns.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = patterns[i] ?? throw new ArgumentNullException(nameof(patterns), $"Pattern {i} is null.");
        }

        var limit = NormalizeTimeout(timeout);
        return RunReadAsync(token => ExpectCoreAsync(list, limit, token), cancellationToken);
    }

    private async Task<ExpectResult> ExpectCoreAsync(Regex[] list, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = timeout is { } t ? Scheduler.Now + t : (DateTimeOffset?)null;

        // telnetlib registers the socket with its selector first, even when the end was already reached.
        var sock = RequireSocket();
        while (!Eof)
        {
            ProcessRawqCore();
            var text = CookedText();
            for (var i = 0; i < list.Length; i++)
            {
                var m = list[i].Match(text);
                if (m.Success)
                {
                    var e = m.Index + m.Length;
                    return new ExpectResult(i, m, TakeCooked(e));
                }
            }

            if (deadline is { } d)
            {
                var ready = await sock.WaitReadableAsync(timeout, cancellationToken).ConfigureAwait(false);
                if (ClosedSince(sock))
                {
                    continue;
                }

                timeout = d - Scheduler.Now;
                if (!ready)
                {
                    // As in ReadUntil: a select that found nothing ends past the deadline.
                    break;
                }
            }

            await FillRawqFromAsync(sock, cancellationToken).ConfigureAwait(false);
        }

        var rest = ReadVeryLazyCore();
        if (rest.Length == 0 && Eof)
        {
            throw new TelnetEofException();
        }

        return new ExpectResult(-1, null, rest);
    }

    /// <summary>Reads until one of <paramref name="patterns"/>, given as regular-expression source, matches; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</summary>
    /// <param name="patterns">Regular expressions, compiled with <see cref="RegexOptions.None"/>.</param>
    /// <param name="timeout">How long to wait; null for ever; zero or negative to look only at what has arrived.</param>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty or a pattern is not a valid regular expression.</exception>
    /// <exception cref="TelnetEofException">The connection closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<ExpectResult> ExpectAsync(IReadOnlyList<string> patterns, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = new Regex[patterns.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = new Regex(patterns[i] ?? throw new ArgumentNullException(nameof(patterns), $"Pattern {i} is null."), RegexOptions.None);
        }

        return ExpectAsync(list, timeout, cancellationToken);
    }

    /// <summary>null and <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> are telnetlib's <c>timeout=None</c>; any other negative timeout is a deadline already passed: look, do not wait.</summary>
    private static TimeSpan? NormalizeTimeout(TimeSpan? timeout) =>
        timeout == System.Threading.Timeout.InfiniteTimeSpan ? null
        : timeout < TimeSpan.Zero ? TimeSpan.Zero
        : timeout;

    private bool ClosedSince(TelnetSocket sock) => !ReferenceEquals(Volatile.Read(ref _sock), sock);

    private int CookedLength
    {
        get
        {
            lock (_gate)
            {
                return _cookedq.Length;
            }
        }
    }

    private int FindCooked(byte[] match, int start)
    {
        lock (_gate)
        {
            return _cookedq.Find(match, start);
        }
    }

    private byte[] TakeCooked(int count)
    {
        lock (_gate)
        {
            return _cookedq.Take(count);
        }
    }

    /// <summary>The cooked queue as Latin-1 text (byte n is char n), which the patterns search as Python's bytes patterns search bytes.</summary>
    private string CookedText()
    {
        lock (_gate)
        {
            return System.Text.Encoding.Latin1.GetString(_cookedq.Span);
        }
    }

    private byte[] ReadVeryLazyCore()
    {
        lock (_gate)
        {
            var buf = _cookedq.TakeAll();
            if (buf.Length == 0 && _eof && _rawq.Length == 0)
            {
                throw new TelnetEofException();
            }

            return buf;
        }
    }
}
