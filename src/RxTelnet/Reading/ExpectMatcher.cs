namespace RxTelnet.Reading;

using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// Finds the first of several regular expressions, in list order, in a growing <see cref="CookedBuffer"/>, with
/// telnetlib's <c>expect</c> semantics and linear total cost for data arriving in many chunks.
/// </summary>
/// <remarks>
/// <para>
/// Bytes are matched as Latin-1 chars (byte <c>b</c> is char <c>b</c>), as a Python bytes regex sees them. The matcher
/// keeps a char copy of the buffer, widening only bytes appended since the last call, and on each call re-searches
/// each pattern only from <c>max(0, scannedUpTo - maxMatchLength)</c>. So a match longer than
/// <c>maxMatchLength</c> bytes (counting the text its lookarounds inspect) may be missed; within that window the
/// result is exact: for each pattern in list order, the first one that matches anywhere wins, even when a later
/// pattern matches earlier in the buffer.
/// </para>
/// <para>
/// The char copy is bounded: after a search that finds nothing, the chars more than twice <c>maxMatchLength</c>
/// before where the next search starts are dropped (they can never be part of a match), so a buffer of unmatched
/// bytes costs at most about three times <c>maxMatchLength</c> chars plus the newest chunk, however long it grows.
/// Once chars were dropped, a match's <see cref="Capture.Index"/> counts from the first char kept, not from the start of
/// the buffer (<c>end</c> always counts from the start of the buffer), and a pattern with <c>$</c> or other
/// look-ahead is matched over the kept chars, never over a string of the whole buffer.
/// </para>
/// <para>
/// The buffer may only grow between calls. After bytes are removed from its front, call <see cref="Reset"/> (which
/// widens and searches the rest again), or, when exactly the bytes up to a match were taken, <see cref="Consume"/>
/// (which keeps the work already done). Not thread-safe.
/// </para>
/// </remarks>
internal sealed class ExpectMatcher
{
    /// <summary>The match length <c>TelnetSession</c> passes by default: 64 KiB.</summary>
    public const int DefaultMaxMatchLength = 64 * 1024;

    private readonly IncrementalRegexSearch _search;

    /// <summary>Creates a matcher.</summary>
    /// <param name="patterns">The patterns, in priority order; not empty, none null or right-to-left.</param>
    /// <param name="maxMatchLength">The longest match, in bytes, that is found for sure; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> is null.</exception>
    /// <exception cref="ArgumentException">A pattern is null or uses <see cref="RegexOptions.RightToLeft"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMatchLength"/> is less than 1.</exception>
    public ExpectMatcher(IReadOnlyList<Regex> patterns, int maxMatchLength)
    {
        _search = new IncrementalRegexSearch(patterns, maxMatchLength, Array.MaxLength);
    }

    /// <summary>Gets how many chars were handed to the regex engine since creation (a test hook for linearity).</summary>
    internal long CharsSearched => _search.CharsSearched;

    /// <summary>Gets how many chars were moved inside the char copy to make room (a test hook for linearity).</summary>
    internal long CharsMoved => _search.CharsMoved;

    /// <summary>Gets how many bytes were widened to chars since creation (a test hook for linearity).</summary>
    internal long BytesWidened { get; private set; }

    /// <summary>Finds the first pattern, in list order, that matches anywhere in the buffer.</summary>
    /// <param name="buffer">The buffer, which has only grown since the last call, <see cref="Reset"/> or <see cref="Consume"/>.</param>
    /// <param name="index">The index of the winning pattern in the list, or -1.</param>
    /// <param name="match">Its match; positions count from the start of the buffer. Null when none matched.</param>
    /// <param name="end">The index just past the match in the buffer, or -1.</param>
    /// <returns>Whether a pattern matched.</returns>
    /// <exception cref="RegexMatchTimeoutException">A pattern with a match timeout ran out of time.</exception>
    public bool TryMatch(CookedBuffer buffer, out int index, out Match? match, out int end) =>
        TryMatch(buffer, 0, out index, out match, out end);

    /// <summary>Finds the first pattern, in list order, with a match ending at or after <paramref name="minEnd"/>.</summary>
    /// <param name="buffer">The buffer, which has only grown since the last call, <see cref="Reset"/> or <see cref="Consume"/>.</param>
    /// <param name="minEnd">Matches ending before this index are skipped.</param>
    /// <param name="index">The index of the winning pattern in the list, or -1.</param>
    /// <param name="match">Its match, or null.</param>
    /// <param name="end">The index just past the match, or -1.</param>
    /// <returns>Whether a pattern matched.</returns>
    internal bool TryMatch(CookedBuffer buffer, int minEnd, out int index, out Match? match, out int end)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length < _search.Length)
        {
            // Shrunk without Reset or Consume: the char copy is stale, so widen everything again.
            _search.Clear();
        }

        foreach (var piece in buffer.GetSegments(_search.Length))
        {
            var fresh = piece.Span;
            Encoding.Latin1.GetChars(fresh, _search.GetAppendSpan(fresh.Length));
            _search.Advance(fresh.Length);
            BytesWidened += fresh.Length;
        }

        if (_search.TryMatch(minEnd, out index, out match, out end))
        {
            return true;
        }

        _search.TrimSearched();
        return false;
    }

    /// <summary>Gets how many chars the matcher keeps now (a test hook: bounded however long the buffer grows).</summary>
    internal int CharsKept => _search.KeptLength;

    /// <summary>Forgets the char copy and what was searched; call after the buffer was consumed from the front.</summary>
    public void Reset() => _search.Clear();

    /// <summary>
    /// Drops the first <paramref name="count"/> bytes from the char copy after the same bytes were taken from the
    /// buffer, keeping what is known about the rest, so a stream of matches stays linear.
    /// </summary>
    /// <param name="count">How many bytes were taken from the front of the buffer.</param>
    public void Consume(int count) => _search.Consume(count);
}
