namespace RxTelnet.Compat;

/// <summary>A growable byte string consumed from the front: telnetlib's <c>cookedq</c> and <c>sbdataq</c>.</summary>
internal sealed class ByteQueue
{
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    public int Length => _end - _start;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_end + data.Length > _buffer.Length)
        {
            var needed = Length + data.Length;
            if (needed <= _buffer.Length / 2)
            {
                // Enough room once what was consumed is dropped.
                _buffer.AsSpan(_start, Length).CopyTo(_buffer);
            }
            else
            {
                var grown = new byte[Math.Max(needed, Math.Min(Array.MaxLength, Math.Max(64, _buffer.Length * 2)))];
                _buffer.AsSpan(_start, Length).CopyTo(grown);
                _buffer = grown;
            }

            _end = Length;
            _start = 0;
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Python's <c>bytes.find(sub, start)</c>: the index of the first occurrence at or after <paramref name="start"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> needle, int start)
    {
        if (start > Length)
        {
            return -1;
        }

        var at = Span[start..].IndexOf(needle);
        return at < 0 ? -1 : at + start;
    }

    public byte[] Take(int count)
    {
        var taken = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        if (_start == _end)
        {
            Clear();
        }

        return taken;
    }

    public byte[] TakeAll() => Take(Length);

    public void Clear()
    {
        _start = 0;
        _end = 0;
        if (_buffer.Length > 64 * 1024)
        {
            // A burst is over: do not keep its buffer.
            _buffer = [];
        }
    }
}
