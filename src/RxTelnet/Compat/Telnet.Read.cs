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
        ReadUntilAsync(expected, timeout).GetAwaiter().GetResult();

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
        var limit = NormalizeTimeout(timeout);
        var needle = expected.ToArray();
        return RunAsync(
            (session, token) => needle.Length == 0 ? Task.FromResult(Array.Empty<byte>()) : session.ReadUntilAsync(needle, limit, token),
            cancellationToken);
    }

    /// <summary>Reads everything until the connection closes (telnetlib's <c>read_all</c>); blocks.</summary>
    /// <returns>Everything received and not yet read; empty when the connection closed with nothing left.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public byte[] ReadAll() => ReadAllAsync().GetAwaiter().GetResult();

    /// <summary>Reads everything until the connection closes; see <see cref="ReadAll"/>.</summary>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The data read.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<byte[]> ReadAllAsync(CancellationToken cancellationToken = default) =>
        RunAsync(static (session, token) => session.ReadAllAsync(token), cancellationToken);

    /// <summary>Reads at least one byte unless the connection closed (telnetlib's <c>read_some</c>); blocks while nothing has arrived.</summary>
    /// <returns>Everything queued (at least one byte); empty at end of stream.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public byte[] ReadSome() => ReadSomeAsync().GetAwaiter().GetResult();

    /// <summary>Reads at least one byte unless the connection closed; see <see cref="ReadSome"/>.</summary>
    /// <param name="cancellationToken">Abandons the read; nothing is consumed.</param>
    /// <returns>The data read; empty at end of stream.</returns>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task<byte[]> ReadSomeAsync(CancellationToken cancellationToken = default) =>
        RunAsync(static (session, token) => session.ReadSomeAsync(token), cancellationToken);

    /// <summary>Returns everything received so far without waiting (telnetlib's <c>read_very_eager</c>).</summary>
    /// <returns>The queued data; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <exception cref="InvalidOperationException">A blocking read is pending on another thread.</exception>
    /// <remarks>
    /// telnetlib's four non-blocking reads differ in how much socket I/O and raw-queue processing they do before
    /// returning the cooked queue. RxTelnet receives and parses data as it arrives, with no raw queue, so there is
    /// nothing left to do: <see cref="ReadVeryEager"/>, <see cref="ReadEager"/>, <see cref="ReadLazy"/> and
    /// <see cref="ReadVeryLazy"/> all return what has arrived, and none ever blocks (telnetlib's may, inside an IAC
    /// sequence).
    /// </remarks>
    public byte[] ReadVeryEager() => ReadBuffered();

    /// <summary>Returns what has been received without waiting (telnetlib's <c>read_eager</c>); see <see cref="ReadVeryEager"/>.</summary>
    /// <returns>The queued data; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <exception cref="InvalidOperationException">A blocking read is pending on another thread.</exception>
    public byte[] ReadEager() => ReadBuffered();

    /// <summary>Returns the data already queued without any I/O (telnetlib's <c>read_lazy</c>); see <see cref="ReadVeryEager"/>.</summary>
    /// <returns>The queued data; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <exception cref="InvalidOperationException">A blocking read is pending on another thread.</exception>
    public byte[] ReadLazy() => ReadBuffered();

    /// <summary>Returns the cooked queue (telnetlib's <c>read_very_lazy</c>); see <see cref="ReadVeryEager"/>.</summary>
    /// <returns>The queued data; empty when nothing is queued and the connection is open.</returns>
    /// <exception cref="TelnetEofException">The connection is closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <exception cref="InvalidOperationException">A blocking read is pending on another thread.</exception>
    public byte[] ReadVeryLazy() => ReadBuffered();

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
        ExpectAsync(patterns, timeout).GetAwaiter().GetResult();

    /// <summary>Reads until one of <paramref name="patterns"/>, given as regular-expression source, matches; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</summary>
    /// <param name="patterns">Regular expressions, compiled with <see cref="RegexOptions.None"/> (telnetlib compiles strings with <c>re.compile</c>).</param>
    /// <param name="timeout">How long to wait; null for ever; zero or negative to look only at what has arrived.</param>
    /// <returns>The result; see <see cref="Expect(IReadOnlyList{Regex}, TimeSpan?)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="patterns"/> is empty or a pattern is not a valid regular expression.</exception>
    /// <exception cref="TelnetEofException">The connection closed and nothing is left to read.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public ExpectResult Expect(IReadOnlyList<string> patterns, TimeSpan? timeout = null) =>
        ExpectAsync(patterns, timeout).GetAwaiter().GetResult();

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
        return RunAsync((session, token) => session.ExpectAsync(list, limit, token), cancellationToken);
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

    /// <summary>null and <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> wait for ever; a negative timeout is telnetlib's already-passed deadline: look, do not wait.</summary>
    private static TimeSpan NormalizeTimeout(TimeSpan? timeout) =>
        timeout is not { } t || t == System.Threading.Timeout.InfiniteTimeSpan ? System.Threading.Timeout.InfiniteTimeSpan
        : t < TimeSpan.Zero ? TimeSpan.Zero
        : t;

    private byte[] ReadBuffered() => BeginRead().ReadBuffered();

    /// <remarks>
    /// No <c>await</c> here: the returned task completes on the thread, and at the virtual time, at which the session
    /// completes the read, whatever the caller's synchronization context (an <c>await</c> would be queued instead of
    /// inlined under a non-default context, and a <c>TestScheduler</c> test could not see the exact completion time).
    /// </remarks>
    private Task<T> RunAsync<T>(Func<TelnetSession, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        TelnetSession session;
        try
        {
            session = BeginRead();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }

        // A negotiation callback that throws abandons the pending read (nothing is consumed) and the read rethrows
        // its exception, as telnetlib's read would raise it from process_rawq.
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CallbackFailedToken);
        Task<T> task;
        try
        {
            task = read(session, linked.Token);
        }
        catch
        {
            linked.Dispose();
            throw;
        }

        if (task.IsCompleted)
        {
            linked.Dispose();
            return task;
        }

        return task.ContinueWith(
            (t, state) =>
            {
                ((CancellationTokenSource)state!).Dispose();
                if (t.IsCanceled && !cancellationToken.IsCancellationRequested)
                {
                    ThrowIfCallbackFailed();
                }

                return t;
            },
            linked,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }
}
