// Temporary stand-ins until the Reading layer lands; removed at merge.
namespace RxTelnet.Reading
{
    using System.Text;
    using System.Text.RegularExpressions;

    internal sealed class CookedBuffer(int maxLength)
    {
        private byte[] _data = new byte[256];
        private int _start;
        private int _length;

        public int Length => _length;

        public int MaxLength => maxLength;

        public ReadOnlySpan<byte> Span => _data.AsSpan(_start, _length);

        public void Append(ReadOnlySpan<byte> data)
        {
            if ((long)_length + data.Length > maxLength)
            {
                throw new TelnetBufferLimitExceededException("MaxBufferedBytes", maxLength);
            }

            if (_start + _length + data.Length > _data.Length)
            {
                var n = new byte[Math.Max(_data.Length * 2, _length + data.Length)];
                Span.CopyTo(n);
                _data = n;
                _start = 0;
            }

            data.CopyTo(_data.AsSpan(_start + _length));
            _length += data.Length;
        }

        public byte[] Take(int count)
        {
            var r = _data.AsSpan(_start, count).ToArray();
            _start += count;
            _length -= count;
            return r;
        }

        public byte[] TakeAll() => Take(_length);

        public void Clear()
        {
            _start = 0;
            _length = 0;
        }
    }

    internal sealed class UntilMatcher(ReadOnlyMemory<byte> needle)
    {
        public int Find(CookedBuffer buffer)
        {
            var i = buffer.Span.IndexOf(needle.Span);
            return i < 0 ? -1 : i + needle.Length;
        }

        public void Reset()
        {
        }
    }

    internal sealed class ExpectMatcher(IReadOnlyList<Regex> patterns, int maxMatchLength)
    {
        public bool TryMatch(CookedBuffer buffer, out int index, out Match? match, out int end)
        {
            _ = maxMatchLength;
            var s = Encoding.Latin1.GetString(buffer.Span);
            for (var i = 0; i < patterns.Count; i++)
            {
                var m = patterns[i].Match(s);
                if (m.Success)
                {
                    index = i;
                    match = m;
                    end = m.Index + m.Length;
                    return true;
                }
            }

            index = -1;
            match = null;
            end = -1;
            return false;
        }

        public void Reset()
        {
        }
    }
}

namespace RxTelnet
{
    using System.Text.RegularExpressions;

    /// <summary>Temporary.</summary>
    public sealed class ExpectResult(int index, Match? match, byte[] data)
    {
        /// <summary>Temporary.</summary>
        public int Index => index;

        /// <summary>Temporary.</summary>
        public Match? Match => match;

        /// <summary>Temporary.</summary>
        public byte[] Data => data;
    }
}
