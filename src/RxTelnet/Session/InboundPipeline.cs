namespace RxTelnet.Session;

using System.IO.Compression;
using RxTelnet.Protocol;

/// <summary>
/// A session's receive path: the parse operator's work plus MCCP2 and MCCP3. Right after <c>IAC SB COMPRESS2 IAC SE</c>
/// or <c>IAC SB COMPRESS3 IAC SE</c> (when the session agreed that the peer compresses) the rest of the stream is a zlib stream; it is inflated and parsed
/// until the zlib stream ends, after which the bytes that follow are plain Telnet again. START-TLS: right after the
/// <c>IAC SB START_TLS FOLLOWS IAC SE</c> that the session accepts as the switch point, the rest of the chunk is the
/// peer's first TLS bytes; it is handed to the session (which gives it to the transport) instead of being parsed.
/// </summary>
/// <remarks>
/// Every array handed to the parser is owned for good (received chunks, or fresh arrays of inflated bytes), so
/// events may carry slices of it, as with <see cref="TelnetObservable.ParseTelnet"/>.
/// </remarks>
internal sealed class InboundPipeline : IObserver<byte[]>
{
    private const int InflateChunkSize = 16 * 1024;

    private readonly IObserver<TelnetEvent> _observer;
    private readonly TelnetParser _parser;
    private EventForwardingHandler _handler;
    private ByteFeed? _feed;
    private ZLibStream? _inflater;
    private byte[]? _scratch;
    private bool _failed;
    private TelnetOption _compressedBy;

    private readonly Action<ReadOnlyMemory<byte>>? _switchToTls;

    public InboundPipeline(
        IObserver<TelnetEvent> observer,
        TelnetParserOptions options,
        Func<TelnetOption, bool> acceptCompression,
        Func<bool>? acceptTlsSwitch = null,
        Action<ReadOnlyMemory<byte>>? switchToTls = null)
    {
        _observer = observer;
        _parser = new TelnetParser(options);
        _switchToTls = switchToTls;

        // MCCP2: compression starts with the byte after IAC SB COMPRESS2 IAC SE, when we agreed to it.
        // START-TLS: TLS starts with the byte after IAC SB START_TLS FOLLOWS IAC SE, when the session says it is the switch point.
        _handler = new EventForwardingHandler(
            observer,
            _parser,
            option => option switch
            {
                TelnetOption.Compress2 or TelnetOption.Compress3 => acceptCompression(option),
                // Asked even inside MCCP2, where no switch happens, so that the session's mark is always taken.
                TelnetOption.StartTls => acceptTlsSwitch is not null && acceptTlsSwitch() && _inflater is null,
                _ => false,
            });
    }

    public void OnNext(byte[] value)
    {
        if (_failed)
        {
            return;
        }

        if (_inflater is not null)
        {
            _feed!.Add(value, 0);
            Inflate();
        }
        else
        {
            Parse(value, 0);
        }
    }

    public void OnError(Exception error)
    {
        if (_failed)
        {
            return;
        }

        EndCompression();
        _parser.Complete(ref _handler);
        _observer.OnError(error);
    }

    public void OnCompleted()
    {
        if (_failed)
        {
            return;
        }

        // A connection closed in the middle of a compressed stream simply ends it.
        EndCompression();

        _parser.Complete(ref _handler);
        _observer.OnCompleted();
    }

    private void Parse(byte[] array, int offset)
    {
        while (true)
        {
            _handler.Chunk = array;
            _handler.Offset = offset;
            var consumed = _parser.Parse(array.AsSpan(offset), ref _handler);
            _handler.Chunk = null;
            if (!_handler.Stopped)
            {
                return;
            }

            _handler.Stopped = false;
            offset += consumed;
            if (_handler.StoppedOption == TelnetOption.StartTls)
            {
                // The rest of this chunk is TLS: it belongs to the handshake, not to the parser.
                _switchToTls!(array.AsMemory(offset));
                return;
            }

            if (_inflater is not null)
            {
                // COMPRESS2 inside the compressed stream is meaningless: parse on.
                continue;
            }

            _compressedBy = _handler.StoppedOption;
            _feed = new ByteFeed();
            _inflater = new ZLibStream(_feed, CompressionMode.Decompress);
            if (offset < array.Length)
            {
                _feed.Add(array, offset);
            }

            Inflate();
            return;
        }
    }

    private void Inflate()
    {
        _scratch ??= new byte[InflateChunkSize];
        while (_inflater is not null)
        {
            int n;
            try
            {
                n = _inflater.Read(_scratch);
            }
            catch (InvalidDataException ex)
            {
                // A corrupt stream cannot be resynchronised: end the session's input with the cause.
                EndCompression();
                _failed = true;
                _parser.Complete(ref _handler);
                _observer.OnError(new TelnetException(
                    $"The {(_compressedBy == TelnetOption.Compress3 ? "MCCP3" : "MCCP2")} compressed stream is corrupt.", ex));
                return;
            }

            if (n > 0)
            {
                // Fresh, exactly sized: the parser's events may keep slices of it.
                Parse(_scratch.AsSpan(0, n).ToArray(), 0);
                continue;
            }

            if (_feed!.Pending == 0)
            {
                // The inflater wants more input: wait for the next chunk.
                return;
            }

            // The zlib stream ended with input left over: that input is plain Telnet again.
            var rest = _feed.TakeRest();
            EndCompression();
            Parse(rest, 0);
            return;
        }
    }

    private void EndCompression()
    {
        _inflater?.Dispose();
        _inflater = null;
        _feed = null;
    }

    /// <summary>
    /// Feeds compressed bytes to the inflater one at a time, so that when the zlib stream ends exactly the bytes
    /// after it are left here (the inflater never reads ahead of what it needs).
    /// </summary>
    private sealed class ByteFeed : Stream
    {
        private readonly Queue<(byte[] Array, int Offset)> _chunks = new();
        private int _position;
        private long _pending;

        public long Pending => _pending;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Add(byte[] array, int offset)
        {
            if (_chunks.Count == 0)
            {
                _position = offset;
            }

            _chunks.Enqueue((array, offset));
            _pending += array.Length - offset;
        }

        public byte[] TakeRest()
        {
            var rest = new byte[_pending];
            var at = 0;
            var first = true;
            foreach (var (array, offset) in _chunks)
            {
                var start = first ? _position : offset;
                array.AsSpan(start).CopyTo(rest.AsSpan(at));
                at += array.Length - start;
                first = false;
            }

            _chunks.Clear();
            _pending = 0;
            return rest;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty || _pending == 0)
            {
                return 0;
            }

            var (array, _) = _chunks.Peek();
            buffer[0] = array[_position++];
            _pending--;
            if (_position == array.Length)
            {
                _chunks.Dequeue();
                _position = _chunks.Count > 0 ? _chunks.Peek().Offset : 0;
            }

            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
