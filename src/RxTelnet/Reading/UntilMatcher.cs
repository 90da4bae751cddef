namespace RxTelnet.Reading;

/// <summary>
/// Finds a fixed byte sequence in a growing <see cref="CookedBuffer"/> in linear total time: each call searches only
/// the bytes appended since the last call plus the <c>needle.Length - 1</c> before them, where a match could straddle.
/// </summary>
/// <remarks>
/// Invariant: no match starts before <c>_scannedTo - (needle.Length - 1)</c> in the buffer. The buffer may only grow
/// between calls; after bytes are removed from its front, call <see cref="Reset"/>. Not thread-safe.
/// </remarks>
internal sealed class UntilMatcher
{
    private readonly ReadOnlyMemory<byte> _needle;
    private int _scannedTo;

    /// <summary>Creates a matcher.</summary>
    /// <param name="needle">The bytes to find; not empty, and not written to while the matcher is in use.</param>
    /// <exception cref="ArgumentException"><paramref name="needle"/> is empty.</exception>
    public UntilMatcher(ReadOnlyMemory<byte> needle)
    {
        if (needle.IsEmpty)
        {
            throw new ArgumentException("The sequence to find must not be empty.", nameof(needle));
        }

        _needle = needle;
    }

    /// <summary>Gets how many buffer bytes were handed to the search since creation (a test hook for linearity).</summary>
    internal long BytesExamined { get; private set; }

    /// <summary>Finds the first occurrence of the needle in the buffer.</summary>
    /// <param name="buffer">The buffer, which has only grown since the last call or <see cref="Reset"/>.</param>
    /// <returns>The index just past the first match, or -1 when there is none yet.</returns>
    public int Find(CookedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length < _scannedTo)
        {
            // Shrunk without a Reset: searching from the start costs a rescan but cannot miss a match.
            _scannedTo = 0;
        }

        var needle = _needle.Span;
        var from = Math.Max(0, _scannedTo - (needle.Length - 1));
        var found = buffer.IndexOf(needle, from, out var examined);
        BytesExamined += examined;
        if (found < 0)
        {
            _scannedTo = buffer.Length;
            return -1;
        }

        // _scannedTo stays put: a repeated call finds the same match.
        return found + needle.Length;
    }

    /// <summary>Forgets what was scanned; call after bytes were removed from the front of the buffer.</summary>
    public void Reset() => _scannedTo = 0;
}
