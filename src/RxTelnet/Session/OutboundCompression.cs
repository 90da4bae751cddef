namespace RxTelnet.Session;

using System.IO.Compression;

/// <summary>Where a write switches outbound compression (MCCP2 as a server, MCCP3 as a client).</summary>
internal enum CompressionSwitch
{
    /// <summary>No switch: the bytes go out as the stream is (compressed or not).</summary>
    None,

    /// <summary>The bytes (our <c>IAC SB COMPRESS2/3 IAC SE</c>) go out plain; everything after them is compressed.</summary>
    StartAfter,

    /// <summary>The compressed stream ends (zlib's final block) before these bytes, which go out plain.</summary>
    EndBefore,
}

/// <summary>
/// The compressor of what a session sends: a zlib stream that starts after the write marked
/// <see cref="CompressionSwitch.StartAfter"/> and ends at one marked <see cref="CompressionSwitch.EndBefore"/>. Each
/// write is flushed (zlib sync flush) so the peer can inflate it at once: compression never delays a prompt.
/// </summary>
/// <remarks>Used only by the session's drain loop, one write at a time: it needs no lock.</remarks>
internal sealed class OutboundCompression : IDisposable
{
    private MemoryStream? _buffer;
    private ZLibStream? _deflater;

    /// <summary>Gets whether what is written now is compressed.</summary>
    public bool IsActive => _deflater is not null;

    /// <summary>Gets the bytes to send for <paramref name="wire"/>, switching compression as marked.</summary>
    public byte[] Transform(byte[] wire, CompressionSwitch compression)
    {
        switch (compression)
        {
            case CompressionSwitch.EndBefore:
                var tail = Finish();
                return tail.Length == 0 ? wire : [.. tail, .. wire];

            case CompressionSwitch.StartAfter:
                // A start inside a compressed stream is a peer's confusion: the marker is compressed like the rest.
                var sent = _deflater is null ? wire : Deflate(wire);
                if (_deflater is null)
                {
                    _buffer = new MemoryStream();
                    _deflater = new ZLibStream(_buffer, CompressionLevel.Fastest, leaveOpen: true);
                }

                return sent;

            default:
                return _deflater is null ? wire : Deflate(wire);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _deflater?.Dispose();
        _deflater = null;
        _buffer = null;
    }

    private byte[] Deflate(byte[] wire)
    {
        if (wire.Length == 0)
        {
            return wire;
        }

        _deflater!.Write(wire);
        _deflater.Flush();
        return Take();
    }

    private byte[] Finish()
    {
        if (_deflater is null)
        {
            return [];
        }

        _deflater.Dispose();
        _deflater = null;
        var tail = Take();
        _buffer = null;
        return tail;
    }

    private byte[] Take()
    {
        var bytes = _buffer!.ToArray();
        _buffer.SetLength(0);
        return bytes;
    }
}
