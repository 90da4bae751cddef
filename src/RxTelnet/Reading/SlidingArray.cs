namespace RxTelnet.Reading;

/// <summary>
/// A contiguous queue of items: appended at the end, consumed from the front, each item copied O(1) times on
/// average. The storage behind <see cref="CookedBuffer"/> and the char copy the regex matchers search.
/// </summary>
/// <remarks>
/// Invariant: the live items are <c>_items[_start.._start + _length]</c>. Room is made by compacting when the live
/// items fill at most half of the array, otherwise by growing to at least twice what is needed; so every move of
/// <c>n</c> items is paid for by at least <c>n</c> appends since the previous move. The array never grows beyond twice
/// the maximum length the owner allows, which keeps the compacting case available at the limit.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class SlidingArray<T>
{
    // Arrays larger than this are let go when the queue is cleared, so one burst does not pin memory for good.
    private const int RetainedCapacity = 64 * 1024;
    private const int MinimumCapacity = 256;

    private readonly int _maxCapacity;
    private T[] _items = [];
    private int _start;
    private int _length;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="maxLength">The most items the owner will ever hold at once.</param>
    public SlidingArray(int maxLength)
    {
        _maxCapacity = (int)Math.Min(2L * maxLength, Array.MaxLength);
    }

    /// <summary>Gets the number of live items.</summary>
    public int Length => _length;

    /// <summary>Gets the live items, oldest first.</summary>
    public ReadOnlySpan<T> Span => _items.AsSpan(_start, _length);

    /// <summary>Gets how many items were moved to make room, since creation: the deterministic cost a test can bound.</summary>
    public long ItemsMoved { get; private set; }

    /// <summary>Gets room for <paramref name="count"/> items after the live ones; <see cref="Advance"/> makes them live.</summary>
    /// <param name="count">How many items will be written.</param>
    /// <returns>The writable span, exactly <paramref name="count"/> long.</returns>
    public Span<T> GetAppendSpan(int count)
    {
        EnsureRoom(count);
        return _items.AsSpan(_start + _length, count);
    }

    /// <summary>Makes <paramref name="count"/> items written through <see cref="GetAppendSpan"/> live.</summary>
    /// <param name="count">How many items were written.</param>
    public void Advance(int count) => _length += count;

    /// <summary>Appends items at the end.</summary>
    /// <param name="items">The items to copy in.</param>
    public void Append(ReadOnlySpan<T> items)
    {
        items.CopyTo(GetAppendSpan(items.Length));
        _length += items.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> items; the caller has checked the count.</summary>
    /// <param name="count">How many items to drop, at most <see cref="Length"/>.</param>
    public void Consume(int count)
    {
        _start += count;
        _length -= count;
        if (_length == 0)
        {
            // Empty: start over at the front for free instead of compacting later.
            _start = 0;
        }
    }

    /// <summary>Drops every item and lets a large array go.</summary>
    public void Clear()
    {
        _start = 0;
        _length = 0;
        if (_items.Length > RetainedCapacity)
        {
            _items = [];
        }
    }

    private void EnsureRoom(int count)
    {
        if (_start + _length + count <= _items.Length)
        {
            return;
        }

        var needed = _length + count;
        if (needed <= _items.Length / 2)
        {
            Array.Copy(_items, _start, _items, 0, _length);
            ItemsMoved += _length;
            _start = 0;
            return;
        }

        long capacity = Math.Max(Math.Max(2L * needed, 2L * _items.Length), MinimumCapacity);
        capacity = Math.Max(Math.Min(capacity, _maxCapacity), needed);
        // Not zeroed (for item types without references): nothing past the live items is read before it is written.
        var items = GC.AllocateUninitializedArray<T>((int)capacity);
        Array.Copy(_items, _start, items, 0, _length);
        ItemsMoved += _length;
        _items = items;
        _start = 0;
    }
}
