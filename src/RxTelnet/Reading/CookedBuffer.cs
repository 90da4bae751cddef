namespace RxTelnet.Reading;

using System.Buffers;
using System.Runtime.InteropServices;

/// <summary>
/// A bounded queue of cooked bytes, oldest first: the store behind sequential reads (telnetlib's <c>cookedq</c>)
/// and behind the buffering reading operators. Appending is O(1) per slice, taking copies each byte out once.
/// </summary>
/// <remarks>
/// <para>
/// The bytes are kept as a queue of segments, not one contiguous array, so a large buffer is never grown and
/// copied. A slice the caller owns for good (<see cref="AppendOwned(ReadOnlyMemory{byte})"/>: the session's cooked data, slices of
/// received chunks that are never written again) is queued as it is, without copying, when it is at least
/// <see cref="MinKeptSlice"/> bytes and fills at least half of its array; anything else is copied into small
/// arrays of the buffer's own. So the memory behind the queue stays within about twice its length, plus a few
/// kilobytes, whatever the mix of slice sizes.
/// </para>
/// <para>
/// Positions are counted from the oldest buffered byte, as if the buffer were contiguous. Not thread-safe: the
/// owner serialises access.
/// </para>
/// </remarks>
internal sealed class CookedBuffer
{
    /// <summary>The limit name reported when none is given: the <c>TelnetSession</c> option that sets it.</summary>
    public const string DefaultLimitName = "MaxBufferedBytes";

    /// <summary>The shortest owned slice that is queued without copying.</summary>
    internal const int MinKeptSlice = 1024;

    // The size of the buffer's own arrays for copied bytes; longer copies get an array of their exact size.
    private const int TailSize = 4096;

    // A new pooled block holds as much as is queued, within these bounds; a longer append rents a block of its own size.
    private const int MinPooledBlockSize = 256;
    private const int PooledBlockSize = 16 * 1024;

    private readonly string _limitName;
    private Segment[] _segments = new Segment[4];
    private int _head;
    private int _count;

    // Absolute stream positions: of the oldest buffered byte, and just past the newest.
    private long _start;
    private long _end;

    // The array copied bytes go to, and how much of it is written; reused once the buffer is empty.
    private byte[]? _tail;
    private int _tailUsed;

    // The pooled block AppendPooled writes to, and how much of it is written; null once its segment is dropped.
    private byte[]? _block;
    private int _blockUsed;

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
    }

    /// <summary>Gets the number of buffered bytes.</summary>
    public int Length => (int)(_end - _start);

    /// <summary>Gets the most bytes the buffer holds.</summary>
    public int MaxLength { get; }

    /// <summary>Gets how many bytes were copied into the buffer's own arrays (a test hook: owned slices are not copied).</summary>
    internal long BytesCopied { get; private set; }

    /// <summary>Gets the pool <see cref="AppendPooled"/> rents its blocks from and returns them to: <see cref="ArrayPool{T}.Shared"/> unless a test sets its own.</summary>
    internal ArrayPool<byte> Pool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>Gets how many blocks rented by <see cref="AppendPooled"/> are held, not yet returned (a test hook).</summary>
    internal int PooledBlocks { get; private set; }

    /// <summary>Gets the total size of the pooled blocks held (a test hook).</summary>
    internal int PooledBlockBytes { get; private set; }

    /// <summary>Gets the number of segments the bytes are kept in (a test hook).</summary>
    internal int SegmentCount => _count;

    /// <summary>Appends a copy of <paramref name="data"/> at the end.</summary>
    /// <param name="data">The bytes to copy in.</param>
    /// <exception cref="TelnetBufferLimitExceededException">
    /// <see cref="Length"/> plus the data would exceed <see cref="MaxLength"/>; nothing is appended then.
    /// </exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        ThrowIfOverLimit(data.Length);
        AppendCopy(data);
    }

    /// <summary>
    /// Appends <paramref name="data"/> at the end, keeping the slice itself instead of a copy when that is worth it
    /// (see the remarks on the class).
    /// </summary>
    /// <param name="data">A slice the caller will never write to again; the buffer may keep it for as long as it likes.</param>
    /// <exception cref="TelnetBufferLimitExceededException">
    /// <see cref="Length"/> plus the data would exceed <see cref="MaxLength"/>; nothing is appended then.
    /// </exception>
    public void AppendOwned(ReadOnlyMemory<byte> data) => AppendOwned(data, bounded: true);

    /// <summary>Appends an owned slice; unbounded only for a reader that takes everything at once (the limit then guards nothing).</summary>
    public void AppendOwned(ReadOnlyMemory<byte> data, bool bounded)
    {
        if (bounded)
        {
            ThrowIfOverLimit(data.Length);
        }

        if (data.Length >= MinKeptSlice
            && MemoryMarshal.TryGetArray(data, out var array)
            && 2L * data.Length >= array.Array!.Length)
        {
            Enqueue(data);
        }
        else
        {
            AppendCopy(data.Span);
        }
    }

    /// <summary>
    /// Appends a copy of <paramref name="data"/> into blocks rented from <see cref="ArrayPool{T}.Shared"/> (<see cref="Pool"/>), which go back
    /// to the pool as soon as their bytes are consumed: for data that lives in a reused receive buffer, so that a
    /// steady stream allocates nothing.
    /// </summary>
    /// <param name="data">The bytes to copy in.</param>
    /// <param name="bounded">Whether <see cref="MaxLength"/> applies (see <see cref="AppendOwned(ReadOnlyMemory{byte}, bool)"/>).</param>
    /// <exception cref="TelnetBufferLimitExceededException">
    /// <paramref name="bounded"/> and <see cref="Length"/> plus the data would exceed <see cref="MaxLength"/>; nothing is appended then.
    /// </exception>
    public void AppendPooled(ReadOnlySpan<byte> data, bool bounded)
    {
        if (bounded)
        {
            ThrowIfOverLimit(data.Length);
        }

        if (data.IsEmpty)
        {
            return;
        }

        BytesCopied += data.Length;
        if (_block is not null && _count > 0 && data.Length <= _block.Length - _blockUsed)
        {
            ref var last = ref SegmentAt(_count - 1);
            if (last.Pooled && MemoryMarshal.TryGetArray(last.Data, out var array) && ReferenceEquals(array.Array, _block)
                && array.Offset + array.Count == _blockUsed)
            {
                // The newest segment is the block's, written up to here: grow it.
                data.CopyTo(_block.AsSpan(_blockUsed));
                last.Data = new ReadOnlyMemory<byte>(_block, array.Offset, array.Count + data.Length);
                last.End += data.Length;
                _end += data.Length;
                _blockUsed += data.Length;
                return;
            }
        }

        // A new block, owned by the one segment that refers to it: returned to the pool when that segment is dropped.
        // Sized to what is queued: a few bytes waiting to be read (a banner, a prompt) hold a small block; a stream
        // that keeps the queue full gets blocks of up to PooledBlockSize, so few segments.
        _block = Pool.Rent(Math.Max(data.Length, Math.Clamp(Length, MinPooledBlockSize, PooledBlockSize)));
        PooledBlocks++;
        PooledBlockBytes += _block.Length;
        data.CopyTo(_block);
        _blockUsed = data.Length;
        Enqueue(new ReadOnlyMemory<byte>(_block, 0, data.Length));
        SegmentAt(_count - 1).Pooled = true;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits under <see cref="MaxLength"/>.</summary>
    /// <param name="data">The bytes to copy in.</param>
    /// <returns>How many bytes were appended, from the front of <paramref name="data"/>.</returns>
    internal int AppendWhatFits(ReadOnlySpan<byte> data)
    {
        var count = Math.Min(data.Length, MaxLength - Length);
        AppendCopy(data[..count]);
        return count;
    }

    /// <summary>
    /// Puts bytes back in front of the buffered ones, as if they had never been taken; the limit does not apply (they
    /// were in the buffer before).
    /// </summary>
    /// <param name="data">The bytes, taken from this buffer earlier; owned by the buffer from now on.</param>
    internal void Prepend(byte[] data)
    {
        if (data.Length == 0)
        {
            return;
        }

        if (_count == _segments.Length)
        {
            var segments = new Segment[_segments.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                segments[i] = SegmentAt(i);
            }

            _segments = segments;
            _head = 0;
        }

        _head = (_head - 1) & (_segments.Length - 1);
        _segments[_head] = new Segment(data, _start);
        _start -= data.Length;
        _count++;
    }

    /// <summary>Creates the overflow error this buffer reports.</summary>
    /// <returns>A <see cref="TelnetBufferLimitExceededException"/> naming the limit.</returns>
    internal TelnetBufferLimitExceededException LimitExceeded() => new(_limitName, MaxLength);

    /// <summary>Finds the first occurrence of <paramref name="value"/> that starts at or after <paramref name="from"/>.</summary>
    /// <param name="value">The bytes to find; not empty.</param>
    /// <param name="from">Where to start, from 0 to <see cref="Length"/>.</param>
    /// <param name="examined">How many bytes were looked at: the bytes searched plus those compared again across segment boundaries.</param>
    /// <returns>The position of the match, or -1 when there is none.</returns>
    public int IndexOf(ReadOnlySpan<byte> value, int from, out long examined)
    {
        examined = 0;
        var position = _start + from;
        if (value.IsEmpty || position + value.Length > _end)
        {
            examined = Math.Max(0, _end - position);
            return -1;
        }

        var straddle = value.Length - 1;
        var scratch = 2 * straddle <= 256 ? stackalloc byte[256] : new byte[2 * straddle];
        for (var i = FindSegment(position); i < _count; i++)
        {
            ref readonly var segment = ref SegmentAt(i);
            var segmentStart = segment.End - segment.Data.Length;
            var local = segment.Data.Span[(int)(position - segmentStart)..];
            var found = local.IndexOf(value);
            if (found >= 0)
            {
                examined += found + value.Length;
                return (int)(position + found - _start);
            }

            examined += local.Length;
            if (straddle > 0 && i + 1 < _count)
            {
                // A match may start in this segment's last bytes and end in the next ones: search a small window.
                var windowStart = Math.Max(position, segment.End - straddle);
                var windowLength = (int)(Math.Min(_end, segment.End + straddle) - windowStart);
                var window = scratch[..windowLength];
                CopyTo(windowStart, window);
                examined += windowLength;
                found = window.IndexOf(value);
                if (found >= 0)
                {
                    return (int)(windowStart + found - _start);
                }
            }

            position = segment.End;
        }

        return -1;
    }

    /// <summary>Gets the buffered bytes from <paramref name="from"/> on, as the segments hold them, oldest first.</summary>
    /// <param name="from">Where to start, from 0 to <see cref="Length"/>.</param>
    /// <returns>An enumerator of the pieces; valid until the next change.</returns>
    public SegmentEnumerator GetSegments(int from) => new(this, _start + from);

    /// <summary>Copies the buffered bytes out without removing them (for tests and diagnostics).</summary>
    /// <returns>A new array with every buffered byte.</returns>
    internal byte[] ToArray() => Peek(Length);

    /// <summary>Copies the first <paramref name="count"/> bytes out without removing them.</summary>
    /// <param name="count">How many bytes to copy, from 0 to <see cref="Length"/>.</param>
    /// <returns>A new array with the bytes.</returns>
    internal byte[] Peek(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        if (count == 0)
        {
            return [];
        }

        var copy = GC.AllocateUninitializedArray<byte>(count);
        CopyTo(_start, copy);
        return copy;
    }

    /// <summary>Removes and returns the first <paramref name="count"/> bytes.</summary>
    /// <param name="count">How many bytes to take, from 0 to <see cref="Length"/>.</param>
    /// <returns>A new array with the bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="Length"/>.</exception>
    public byte[] Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        if (count == 0)
        {
            return [];
        }

        // Every byte is written below, so the array need not be zeroed first.
        var taken = GC.AllocateUninitializedArray<byte>(count);
        CopyTo(_start, taken);
        Consume(count);
        return taken;
    }

    /// <summary>Removes the first <paramref name="count"/> bytes and writes them to <paramref name="destination"/> with one <c>GetSpan</c> and <c>Advance</c>.</summary>
    /// <param name="count">How many bytes to take, from 0 to <see cref="Length"/>.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <returns><paramref name="count"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="Length"/>.</exception>
    public int TakeInto(int count, System.Buffers.IBufferWriter<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        if (count == 0)
        {
            return 0;
        }

        var span = destination.GetSpan(count);
        CopyTo(_start, span[..count]);
        destination.Advance(count);
        Consume(count);
        return count;
    }

    /// <summary>Removes and returns every buffered byte.</summary>
    /// <returns>A new array with the bytes (empty when the buffer was empty).</returns>
    public byte[] TakeAll() => Take(Length);

    /// <summary>Drops the first <paramref name="count"/> bytes.</summary>
    /// <param name="count">How many bytes to drop, from 0 to <see cref="Length"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="Length"/>.</exception>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        _start += count;
        while (_count > 0)
        {
            ref var first = ref _segments[_head];
            if (first.End > _start)
            {
                // Partly consumed: keep its end, drop its front.
                first.Data = first.Data[^(int)(first.End - _start)..];
                break;
            }

            if (first.Pooled && MemoryMarshal.TryGetArray(first.Data, out var block))
            {
                // Its block is referred to by this segment only: no byte of it is reachable any more.
                if (ReferenceEquals(block.Array, _block))
                {
                    _block = null;
                }

                Pool.Return(block.Array!);
                PooledBlocks--;
                PooledBlockBytes -= block.Array!.Length;
            }

            first = default;
            _head = (_head + 1) & (_segments.Length - 1);
            _count--;
        }

        if (_count == 0)
        {
            // Empty: nothing refers to the tail any more, so it can be written from the front again.
            _tailUsed = 0;
        }
    }

    /// <summary>Drops every buffered byte.</summary>
    public void Clear() => Consume(Length);

    private void ThrowIfOverLimit(int count)
    {
        if ((long)Length + count > MaxLength)
        {
            throw LimitExceeded();
        }
    }

    private void AppendCopy(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        BytesCopied += data.Length;
        if (_tail is not null && data.Length <= _tail.Length - _tailUsed)
        {
            data.CopyTo(_tail.AsSpan(_tailUsed));
            if (_count > 0 && IsTailEnd(SegmentAt(_count - 1).Data))
            {
                // The newest segment ends where the tail is written up to: grow it instead of adding one.
                ref var last = ref SegmentAt(_count - 1);
                var offset = _tailUsed - last.Data.Length;
                last.Data = new ReadOnlyMemory<byte>(_tail, offset, last.Data.Length + data.Length);
                last.End += data.Length;
                _end += data.Length;
            }
            else
            {
                Enqueue(new ReadOnlyMemory<byte>(_tail, _tailUsed, data.Length));
            }

            _tailUsed += data.Length;
            return;
        }

        if (data.Length >= TailSize)
        {
            var copy = GC.AllocateUninitializedArray<byte>(data.Length);
            data.CopyTo(copy);
            Enqueue(copy);
            return;
        }

        _tail = GC.AllocateUninitializedArray<byte>(TailSize);
        data.CopyTo(_tail);
        _tailUsed = data.Length;
        Enqueue(new ReadOnlyMemory<byte>(_tail, 0, data.Length));
    }

    private bool IsTailEnd(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var array)
        && ReferenceEquals(array.Array, _tail)
        && array.Offset + array.Count == _tailUsed;

    private void Enqueue(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_count == _segments.Length)
        {
            var segments = new Segment[_segments.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                segments[i] = SegmentAt(i);
            }

            _segments = segments;
            _head = 0;
        }

        _end += data.Length;
        SegmentAt(_count) = new Segment(data, _end);
        _count++;
    }

    private ref Segment SegmentAt(int index) => ref _segments[(_head + index) & (_segments.Length - 1)];

    // The index of the segment holding the byte at the absolute position, or _count past the end.
    private int FindSegment(long position)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (SegmentAt(middle).End > position)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private void CopyTo(long position, Span<byte> destination)
    {
        for (var i = FindSegment(position); !destination.IsEmpty; i++)
        {
            ref readonly var segment = ref SegmentAt(i);
            var piece = segment.Data.Span[(int)(position - (segment.End - segment.Data.Length))..];
            if (piece.Length > destination.Length)
            {
                piece = piece[..destination.Length];
            }

            piece.CopyTo(destination);
            destination = destination[piece.Length..];
            position += piece.Length;
        }
    }

    /// <summary>Enumerates the buffered bytes from a position on, one segment piece at a time.</summary>
    public struct SegmentEnumerator
    {
        private readonly CookedBuffer _buffer;
        private long _position;
        private int _index;

        internal SegmentEnumerator(CookedBuffer buffer, long position)
        {
            _buffer = buffer;
            _position = position;
            _index = buffer.FindSegment(position);
            Current = default;
        }

        /// <summary>Gets the current piece.</summary>
        public ReadOnlyMemory<byte> Current { get; private set; }

        /// <summary>Gets this enumerator, for <c>foreach</c>.</summary>
        /// <returns>This enumerator.</returns>
        public readonly SegmentEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next piece.</summary>
        /// <returns>Whether there is one.</returns>
        public bool MoveNext()
        {
            if (_index >= _buffer._count)
            {
                return false;
            }

            ref readonly var segment = ref _buffer.SegmentAt(_index++);
            Current = segment.Data[(int)(_position - (segment.End - segment.Data.Length))..];
            _position = segment.End;
            return true;
        }
    }

    // A queued piece and the absolute position just past it; trimming its front leaves the end where it is.
    private struct Segment(ReadOnlyMemory<byte> data, long end)
    {
        public ReadOnlyMemory<byte> Data = data;
        public long End = end;

        /// <summary>Whether <see cref="Data"/> lies in a block rented by <see cref="AppendPooled"/>, to be returned when this segment is dropped.</summary>
        public bool Pooled;
    }
}
