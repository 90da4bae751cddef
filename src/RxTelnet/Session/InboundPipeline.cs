namespace RxTelnet.Session;

using System.Buffers;
using System.IO.Compression;
using RxTelnet.Protocol;
using RxTelnet.Transport;

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
internal sealed class InboundPipeline : ITransientReceiver
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
    private readonly Func<TelnetOption, bool> _stopAfter;
    private readonly IInboundSink? _sink;

    // While a transient chunk is parsed: the rented buffer its cooked bytes go to, and how many were handed on.
    private byte[]? _cooked;
    private int _cookedFlushed;

    public InboundPipeline(
        IObserver<TelnetEvent> observer,
        TelnetParserOptions options,
        Func<TelnetOption, bool> acceptCompression,
        Func<bool>? acceptTlsSwitch = null,
        Action<ReadOnlyMemory<byte>>? switchToTls = null,
        IInboundSink? sink = null)
    {
        _observer = observer;
        _parser = new TelnetParser(options);
        _switchToTls = switchToTls;
        _sink = sink;

        // MCCP2: compression starts with the byte after IAC SB COMPRESS2 IAC SE, when we agreed to it.
        // START-TLS: TLS starts with the byte after IAC SB START_TLS FOLLOWS IAC SE, when the session says it is the switch point.
        _stopAfter = option => option switch
        {
            TelnetOption.Compress2 or TelnetOption.Compress3 => acceptCompression(option),
            // Asked even inside MCCP2, where no switch happens, so that the session's mark is always taken.
            TelnetOption.StartTls => acceptTlsSwitch is not null && acceptTlsSwitch() && _inflater is null,
            _ => false,
        };
        _handler = new EventForwardingHandler(observer, _parser, _stopAfter);
    }

    public void OnNext(byte[] value)
    {
        _sink?.Received(value);
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
            if (!AfterStop(_handler.StoppedOption, array, offset))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Takes a chunk that lives in the transport's reused buffer: parsed with the copy-out path into a rented buffer, its
    /// cooked bytes handed to the sink (which copies what it keeps) and its commands to the observer as events that own
    /// their bytes. Declined, so the chunk comes again as an owned array, while compressed, after a failure, or when the
    /// sink wants arrays (someone outside keeps received chunks or data slices).
    /// </summary>
    public bool TryReceiveTransient(ReadOnlySpan<byte> chunk)
    {
        if (_failed || _inflater is not null || _sink is null || !_sink.ReceivedTransient(chunk))
        {
            return false;
        }

        var handler = new TransientHandler(this);
        var cooked = ArrayPool<byte>.Shared.Rent(chunk.Length);
        _cooked = cooked;
        _cookedFlushed = 0;
        int consumed;
        try
        {
            consumed = _parser.ParseInto(chunk, cooked, ref handler, out var written);
            FlushCooked(written);
        }
        finally
        {
            _cooked = null;
            ArrayPool<byte>.Shared.Return(cooked);
        }

        if (handler.Stopped)
        {
            // The rest is compressed or TLS: from here on it needs an array of its own, as on the owned path.
            var rest = chunk[consumed..].ToArray();
            if (AfterStop(handler.StoppedOption, rest, 0))
            {
                Parse(rest, 0);
            }
        }

        return true;
    }

    /// <summary>Acts on a subnegotiation that stopped the parser: the bytes from <paramref name="offset"/> on are TLS or compressed.</summary>
    /// <returns>Whether to go on parsing the array from <paramref name="offset"/> (a COMPRESS2 inside the compressed stream).</returns>
    private bool AfterStop(TelnetOption option, byte[] array, int offset)
    {
        if (option == TelnetOption.StartTls)
        {
            // The rest of this chunk is TLS: it belongs to the handshake, not to the parser.
            _switchToTls!(array.AsMemory(offset));
            return false;
        }

        if (_inflater is not null)
        {
            // COMPRESS2 inside the compressed stream is meaningless: parse on.
            return true;
        }

        _compressedBy = option;
        _feed = new ByteFeed();
        _inflater = new ZLibStream(_feed, CompressionMode.Decompress);
        if (offset < array.Length)
        {
            _feed.Add(array, offset);
        }

        Inflate();
        return false;
    }

    /// <summary>Hands the cooked bytes written before the event being reported (or all, at the end) to the sink.</summary>
    private void FlushCooked(int upTo)
    {
        if (upTo > _cookedFlushed)
        {
            _sink!.OnCooked(_cooked.AsSpan(_cookedFlushed, upTo - _cookedFlushed));
            _cookedFlushed = upTo;
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
    /// The handler of the transient path: before each event the cooked bytes that precede it go to the sink, so the
    /// session sees data and commands in stream order; subnegotiation payloads are copied, the chunk being transient.
    /// </summary>
    private struct TransientHandler(InboundPipeline pipeline) : ITelnetParserHandler
    {
        public bool Stopped;
        public TelnetOption StoppedOption;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) =>
            throw new InvalidOperationException("The copy-out path reports no data events.");

        public readonly void OnCommand(TelnetVerb verb) => Forward(TelnetEvent.FromCommand(new TelnetCommand(verb)));

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) =>
            Forward(TelnetEvent.FromCommand(new TelnetCommand(verb, option)));

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
            Forward(TelnetEvent.FromCommand(new TelnetCommand(TelnetVerb.Sb, option, payload.ToArray())));
            if (pipeline._stopAfter(option))
            {
                Stopped = true;
                StoppedOption = option;
                pipeline._parser.StopAfterSubnegotiation();
            }
        }

        public readonly void OnWarning(TelnetWarning warning) => Forward(TelnetEvent.FromWarning(warning));

        private readonly void Forward(TelnetEvent e)
        {
            pipeline.FlushCooked(pipeline._parser.WrittenBeforeEvent);
            pipeline._observer.OnNext(e);
        }
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

/// <summary>Where <see cref="InboundPipeline"/> reports received chunks and the cooked bytes of transient ones: the session.</summary>
internal interface IInboundSink
{
    /// <summary>A chunk arrived as an owned array (before it is parsed).</summary>
    /// <param name="chunk">The chunk.</param>
    void Received(byte[] chunk);

    /// <summary>A chunk is offered in the transport's reused buffer (before it is parsed).</summary>
    /// <param name="chunk">The chunk; valid only during the call.</param>
    /// <returns>Whether it may be parsed from there; <see langword="false"/> to have it as an owned array instead.</returns>
    bool ReceivedTransient(ReadOnlySpan<byte> chunk);

    /// <summary>Cooked bytes of a transient chunk, in stream order with the events.</summary>
    /// <param name="data">The bytes; valid only during the call.</param>
    void OnCooked(ReadOnlySpan<byte> data);
}
