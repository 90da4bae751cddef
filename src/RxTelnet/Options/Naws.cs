namespace RxTelnet.Options;

using System.Buffers.Binary;

/// <summary>
/// RFC 1073 NAWS (option 31): the client's window size as two 16-bit big-endian numbers,
/// <c>IAC SB NAWS WIDTH[1] WIDTH[0] HEIGHT[1] HEIGHT[0] IAC SE</c>.
/// </summary>
/// <remarks>
/// A size byte of 255 is sent doubled on the wire; that escaping belongs to the framing
/// (<see cref="Protocol.TelnetEncoder.Subnegotiation(Protocol.TelnetOption, ReadOnlySpan{byte})"/>), so the payload
/// here holds the plain four bytes. Zero means "unknown" for either dimension (RFC 1073 §2).
/// </remarks>
public static class Naws
{
    /// <summary>The length of a NAWS payload: four bytes.</summary>
    public const int PayloadLength = 4;

    /// <summary>Encodes a window size.</summary>
    /// <param name="width">The width in characters (0 = unknown).</param>
    /// <param name="height">The height in characters (0 = unknown).</param>
    /// <returns>The four-byte payload, unescaped.</returns>
    public static byte[] Encode(ushort width, ushort height)
    {
        var payload = new byte[PayloadLength];
        Encode(width, height, payload);
        return payload;
    }

    /// <summary>Encodes a window size into <paramref name="destination"/>.</summary>
    /// <param name="width">The width in characters (0 = unknown).</param>
    /// <param name="height">The height in characters (0 = unknown).</param>
    /// <param name="destination">Receives the payload; at least <see cref="PayloadLength"/> bytes.</param>
    /// <returns>The number of bytes written (<see cref="PayloadLength"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than four bytes.</exception>
    public static int Encode(ushort width, ushort height, Span<byte> destination)
    {
        if (destination.Length < PayloadLength)
        {
            throw new ArgumentException($"A NAWS payload needs {PayloadLength} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, width);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), height);
        return PayloadLength;
    }

    /// <summary>Reads a window size from a received NAWS payload (IAC IAC already unescaped).</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="width">The width, when the payload is valid.</param>
    /// <param name="height">The height, when the payload is valid.</param>
    /// <returns><see langword="false"/> when the payload is not exactly four bytes.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out ushort width, out ushort height)
    {
        if (payload.Length != PayloadLength)
        {
            width = height = 0;
            return false;
        }

        width = BinaryPrimitives.ReadUInt16BigEndian(payload);
        height = BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(2));
        return true;
    }
}
