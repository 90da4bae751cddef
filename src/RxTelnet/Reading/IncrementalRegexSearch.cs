namespace RxTelnet.Reading;

using System.Text.RegularExpressions;

/// <summary>
/// Searches a growing char buffer for the first of several regular expressions, in list order, re-searching only a
/// window at the end on each call: the engine behind <see cref="ExpectMatcher"/> and the text expect operator.
/// </summary>
/// <remarks>
/// <para>
/// Semantics are telnetlib's <c>expect</c>: on each call, for each pattern in list order, search the whole buffer;
/// the first pattern that matches anywhere wins, with its leftmost match. A call that finds nothing leaves nothing
/// to find until more text arrives, so each pattern remembers the buffer length at its last failed search
/// (<c>_searchedTo</c>) and, once text is appended, searches again only from <c>_searchedTo - maxMatchLength</c>.
/// That is exact as long as every match, together with any text its pattern looks at around it (lookarounds,
/// <c>\b</c>, <c>$</c>), spans at most <c>maxMatchLength</c> chars; a longer match may be missed. A pattern with no new
/// text since its last failed search is skipped: same text, same answer.
/// </para>
/// <para>
/// <see cref="Consume"/> removes the front after a match, as telnetlib slices <c>cookedq</c>: the remaining text is
/// then searched as if it were the whole input (anchors such as <c>^</c> see its start). Patterns that can look
/// before their match (<c>^</c>, <c>\A</c>, <c>\G</c>, <c>\b</c>, <c>\B</c>, lookbehind) may match differently
/// at the new start, so they are searched again from it; other patterns keep their window. The check is textual and
/// errs towards searching again.
/// </para>
/// <para>
/// An owner that can hand the text again (<see cref="ExpectMatcher"/>, whose bytes stay in a <see cref="CookedBuffer"/>)
/// calls <see cref="TrimSearched"/> after a failed search, which drops the chars more than twice
/// <c>maxMatchLength</c> before the oldest place a pattern still searches from, so the char copy stays bounded
/// however much unmatched text piles up. What is dropped can never be part of a match (a match starts at or after
/// <c>searchedTo - maxMatchLength</c>) and lookbehinds still see <c>maxMatchLength</c> chars before it. Positions
/// returned by <see cref="TryMatch"/> stay positions in the whole text; the <see cref="Match"/> is then over the kept
/// text only, so its <see cref="Capture.Index"/> counts from the first kept char (<see cref="TrimmedLength"/> of them
/// were dropped).
/// </para>
/// <para>Not thread-safe. Regex instances are, so they may be shared.</para>
/// </remarks>
internal sealed class IncrementalRegexSearch
{
    private const int NotSearched = -1;

    private readonly Regex[] _patterns;
    private readonly bool[] _looksBefore;
    private readonly bool[] _looksAfter;
    private readonly int[] _searchedTo;
    private readonly int _maxMatchLength;
    private readonly SlidingArray<char> _chars;

    // Chars dropped from the front by TrimSearched: positions in _chars and _searchedTo are relative to them.
    private int _trimmed;

    /// <summary>Creates a search with an empty buffer.</summary>
    /// <param name="patterns">The patterns, in priority order; none may be null or right-to-left.</param>
    /// <param name="maxMatchLength">The longest match (with the text it looks at) that is found for sure, in chars; at least 1.</param>
    /// <param name="maxLength">The most chars the owner will ever buffer at once.</param>
    public IncrementalRegexSearch(IReadOnlyList<Regex> patterns, int maxMatchLength, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMatchLength, 1);
        _patterns = [.. patterns];
        _looksBefore = new bool[_patterns.Length];
        _looksAfter = new bool[_patterns.Length];
        _searchedTo = new int[_patterns.Length];
        for (var i = 0; i < _patterns.Length; i++)
        {
            var pattern = _patterns[i] ?? throw new ArgumentException($"Pattern {i} is null.", nameof(patterns));
            if (pattern.RightToLeft)
            {
                throw new ArgumentException($"Pattern {i} searches right to left, which an incremental search cannot do.", nameof(patterns));
            }

            var text = pattern.ToString();
            _looksBefore[i] = LooksBefore(text);
            _looksAfter[i] = LooksAfter(text);
        }

        _maxMatchLength = maxMatchLength;
        _chars = new SlidingArray<char>(maxLength);
        Array.Fill(_searchedTo, NotSearched);
    }

    /// <summary>Gets the length of the text: the chars kept plus those dropped by <see cref="TrimSearched"/>.</summary>
    public int Length => _trimmed + _chars.Length;

    /// <summary>Gets the kept chars (the whole text unless <see cref="TrimSearched"/> dropped its front).</summary>
    public ReadOnlySpan<char> Span => _chars.Span;

    /// <summary>Gets how many chars <see cref="TrimSearched"/> dropped from the front of the text.</summary>
    public int TrimmedLength => _trimmed;

    /// <summary>Gets the number of chars kept (a test hook: bounded once the owner trims).</summary>
    public int KeptLength => _chars.Length;

    /// <summary>Gets how many chars were handed to the regex engine since creation (a test hook for linearity).</summary>
    public long CharsSearched { get; private set; }

    /// <summary>Gets how many chars were moved inside the buffer to make room (a test hook for linearity).</summary>
    public long CharsMoved => _chars.ItemsMoved;

    /// <summary>Gets room for <paramref name="count"/> chars at the end; <see cref="Advance"/> makes them part of the text.</summary>
    /// <param name="count">How many chars will be written.</param>
    /// <returns>The writable span.</returns>
    public Span<char> GetAppendSpan(int count) => _chars.GetAppendSpan(count);

    /// <summary>Makes chars written through <see cref="GetAppendSpan"/> part of the text.</summary>
    /// <param name="count">How many chars were written.</param>
    public void Advance(int count) => _chars.Advance(count);

    /// <summary>Finds the first pattern, in list order, that matches the text.</summary>
    /// <param name="minEnd">Matches ending before this index are skipped (1 keeps a stream of matches moving past empty matches at the start).</param>
    /// <param name="index">The index of the winning pattern, or -1.</param>
    /// <param name="match">Its match over the text from the buffer start, or null.</param>
    /// <param name="end">The index just past the match, or -1.</param>
    /// <returns>Whether a pattern matched.</returns>
    /// <exception cref="RegexMatchTimeoutException">A pattern with a match timeout ran out of time.</exception>
    public bool TryMatch(int minEnd, out int index, out Match? match, out int end)
    {
        var text = _chars.Span;
        minEnd -= _trimmed;
        for (var i = 0; i < _patterns.Length; i++)
        {
            var searchedTo = _searchedTo[i];
            if (searchedTo == text.Length)
            {
                continue;
            }

            var startat = searchedTo == NotSearched ? 0 : Math.Max(0, searchedTo - _maxMatchLength);
            foreach (var found in _patterns[i].EnumerateMatches(text, startat))
            {
                if (found.Index + found.Length < minEnd)
                {
                    continue;
                }

                // The engine stopped at the match: it saw the text up to its end (plus lookahead, not counted).
                index = i;
                end = found.Index + found.Length;
                CharsSearched += end - startat;
                match = CreateMatch(i, text, startat, found);
                end += _trimmed;
                return true;
            }

            CharsSearched += text.Length - startat;
            _searchedTo[i] = text.Length;
        }

        index = -1;
        match = null;
        end = -1;
        return false;
    }

    /// <summary>Removes the first <paramref name="count"/> chars, keeping what is known about the rest.</summary>
    /// <param name="count">How many chars to remove, at most <see cref="Length"/>.</param>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        if (_trimmed > 0)
        {
            // The new start of the text was dropped or lies after dropped chars: start again (the owner widens anew).
            Clear();
            return;
        }

        _chars.Consume(count);
        for (var i = 0; i < _searchedTo.Length; i++)
        {
            _searchedTo[i] = _looksBefore[i] || _searchedTo[i] < count ? NotSearched : _searchedTo[i] - count;
        }
    }

    /// <summary>Removes every char and forgets what was searched.</summary>
    public void Clear()
    {
        _chars.Clear();
        _trimmed = 0;
        Array.Fill(_searchedTo, NotSearched);
    }

    /// <summary>
    /// Drops the chars no later search can use: those more than twice the match length before the oldest place a
    /// pattern searches from next. Does nothing while a pattern must still search the text from its start, or when
    /// less than the match length could go (so moves stay proportional to appends).
    /// </summary>
    public void TrimSearched()
    {
        var oldest = int.MaxValue;
        foreach (var searchedTo in _searchedTo)
        {
            if (searchedTo == NotSearched)
            {
                return;
            }

            oldest = Math.Min(oldest, searchedTo);
        }

        var drop = oldest - (2L * _maxMatchLength);
        if (drop >= _maxMatchLength)
        {
            _chars.Consume((int)drop);
            _trimmed += (int)drop;
            for (var i = 0; i < _searchedTo.Length; i++)
            {
                _searchedTo[i] -= (int)drop;
            }
        }
    }

    private static bool LooksBefore(string pattern) =>
        pattern.Contains('^', StringComparison.Ordinal)
        || pattern.Contains(@"\A", StringComparison.Ordinal)
        || pattern.Contains(@"\G", StringComparison.Ordinal)
        || pattern.Contains(@"\b", StringComparison.Ordinal)
        || pattern.Contains(@"\B", StringComparison.Ordinal)
        || pattern.Contains("(?<", StringComparison.Ordinal);

    // Constructs whose outcome depends on text after the match; "(?>" because an atomic group that ran past the
    // match end in the full text may stop at the end of a shorter one and take a different path.
    private static bool LooksAfter(string pattern) =>
        pattern.Contains('$', StringComparison.Ordinal)
        || pattern.Contains(@"\Z", StringComparison.Ordinal)
        || pattern.Contains(@"\z", StringComparison.Ordinal)
        || pattern.Contains(@"\b", StringComparison.Ordinal)
        || pattern.Contains(@"\B", StringComparison.Ordinal)
        || pattern.Contains("(?=", StringComparison.Ordinal)
        || pattern.Contains("(?!", StringComparison.Ordinal)
        || pattern.Contains("(?(", StringComparison.Ordinal)
        || pattern.Contains("(?>", StringComparison.Ordinal);

    private Match CreateMatch(int i, ReadOnlySpan<char> text, int startat, ValueMatch found)
    {
        // EnumerateMatches gives positions only; a Match (groups, Value) needs a string. Text up to the match end
        // is enough unless the pattern looks past it, and keeps the cost proportional to what the match consumes.
        var regex = _patterns[i];
        var end = found.Index + found.Length;
        var input = _looksAfter[i] ? new string(text) : new string(text[..end]);
        var match = regex.Match(input, found.Index);
        if (match.Success && match.Index == found.Index && match.Length == found.Length)
        {
            return match;
        }

        // Starting at the match itself found something else (say an empty match there): walk the matches the way
        // EnumerateMatches did, over the whole text.
        input = new string(text);
        for (match = regex.Match(input, startat); match.Success; match = match.NextMatch())
        {
            if (match.Index == found.Index && match.Length == found.Length)
            {
                return match;
            }
        }

        return regex.Match(input, found.Index);
    }
}
