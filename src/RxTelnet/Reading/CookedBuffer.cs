namespace RxTelnet.Reading;

/// <summary>
/// A bounded queue of cooked bytes, oldest first, with amortised O(1) append and consume: the store behind
/// sequential reads (telnetlib's <c>cookedq</c>) and behind the buffering reading operators.
/// </summary>
/// <remarks>Not thread-safe: the owner serialises access.</remarks>
internal sealed class CookedBuffer
{
    /// <summary>The limit name reported when none is given: the <c>TelnetSession</c> option that sets it.</summary>
    public const string DefaultLimitName = "MaxBufferedBytes";

    private readonly SlidingArray<byte> _bytes;
    private readonly string _limitName;

    /// <summary>Creates an empty buffer that reports overflow as <see cref="DefaultLimitName"/>.</summary>
    /// <param name="maxLength">The most bytes the buffer holds; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    public CookedBuffer(int maxLength)
        : this(maxLength, DefaultLimitName)
    {
    }

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="maxLength">The most bytes the buffer holds; at least 1.</param>
    /// <param name="limitName">The name of the option or parameter that set <paramref name="maxLength"/>, for the overflow error.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    public CookedBuffer(int maxLength, string limitName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentNullException.ThrowIfNull(limitName);
        MaxLength = maxLength;
        _limitName = limitName;
        _bytes = new SlidingArray<byte>(maxLength);
    }

    /// <summary>Gets the number of buffered bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Gets the most bytes the buffer holds.</summary>
    public int MaxLength { get; }

    /// <summary>Gets the buffered bytes, oldest first; valid until the next change.</summary>
    public ReadOnlySpan<byte> Span => _bytes.Span;

    /// <summary>Gets how many bytes were moved inside the buffer to make room (a test hook for the amortised cost).</summary>
    internal long BytesMoved => _bytes.ItemsMoved;

    /// <summary>Appends bytes at the end.</summary>
    /// <param name="data">The bytes to copy in.</param>
    /// <exception cref="TelnetBufferLimitExceededException">
    /// <see cref="Length"/> plus the data would exceed <see cref="MaxLength"/>; nothing is appended then.
    /// </exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        if ((long)Length + data.Length > MaxLength)
        {
            throw new TelnetBufferLimitExceededException(_limitName, MaxLength);
        }

        _bytes.Append(data);
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits under <see cref="MaxLength"/>.</summary>
    /// <param name="data">The bytes to copy in.</param>
    /// <returns>How many bytes were appended, from the front of <paramref name="data"/>.</returns>
    internal int AppendWhatFits(ReadOnlySpan<byte> data)
    {
        var count = Math.Min(data.Length, MaxLength - Length);
        _bytes.Append(data[..count]);
        return count;
    }

    /// <summary>Creates the overflow error this buffer reports.</summary>
    /// <returns>A <see cref="TelnetBufferLimitExceededException"/> naming the limit.</returns>
    internal TelnetBufferLimitExceededException LimitExceeded() => new(_limitName, MaxLength);

    /// <summary>Removes and returns the first <paramref name="count"/> bytes.</summary>
    /// <param name="count">How many bytes to take, from 0 to <see cref="Length"/>.</param>
    /// <returns>A new array with the bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="Length"/>.</exception>
    public byte[] Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        var taken = _bytes.Span[..count].ToArray();
        _bytes.Consume(count);
        return taken;
    }

    /// <summary>Removes and returns every buffered byte.</summary>
    /// <returns>A new array with the bytes (empty when the buffer was empty).</returns>
    public byte[] TakeAll()
    {
        var taken = _bytes.Span.ToArray();
        _bytes.Clear();
        return taken;
    }

    /// <summary>Drops every buffered byte.</summary>
    public void Clear() => _bytes.Clear();
}
