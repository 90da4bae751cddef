namespace RxTelnet.Benchmarks;

/// <summary>
/// The parser benchmark input of PERFORMANCE.md: one continuous wire stream of printable ASCII text with CRLF
/// line ends and IAC sequences at a given density, cut into fixed-size chunks (so sequences straddle chunk
/// boundaries), together with what a correct parser must produce from it.
/// </summary>
/// <remarks>
/// Density is the share of wire bytes that are 0xFF. Sequences are drawn as 50 % <c>IAC IAC</c>, 35 %
/// <c>IAC WILL/WONT/DO/DONT option</c> and 15 % <c>IAC SB option &lt;2..14 bytes&gt; IAC SE</c> with option 31
/// (NAWS) or 201 (GMCP). Option bytes are never 0xFF and payloads never hold 0xFF or NUL, so every 0xFF on the wire
/// belongs to a sequence and the expected cooked stream is the text with one 0xFF per <c>IAC IAC</c>. Everything is
/// derived from a fixed seed, so every run and every process sees the same bytes.
/// </remarks>
public sealed class TelnetInput
{
    public const int DefaultTotalBytes = 64 * 1024 * 1024;
    public const int DefaultChunkSize = 64 * 1024;
    public const ulong DefaultSeed = 0x5EED_7E1E_0854UL;

    private const byte Iac = 255;
    private const byte Sb = 250;
    private const byte Se = 240;

    private static readonly byte[] NegotiatedOptions = [0, 1, 3, 5, 24, 31, 32, 33, 34, 39, 42, 69, 70, 86, 201];

    private TelnetInput(byte[][] chunks, byte[] expectedCooked, int totalBytes, long iacBytes, long negotiations, long subnegotiations, long subnegotiationPayloadBytes, long escapes, long straddling)
    {
        Chunks = chunks;
        ExpectedCooked = expectedCooked;
        TotalBytes = totalBytes;
        IacBytes = iacBytes;
        Negotiations = negotiations;
        Subnegotiations = subnegotiations;
        SubnegotiationPayloadBytes = subnegotiationPayloadBytes;
        Escapes = escapes;
        Straddling = straddling;
    }

    /// <summary>Gets the wire stream cut into chunks, in order.</summary>
    public byte[][] Chunks { get; }

    /// <summary>Gets the cooked data a correct parser delivers for the whole stream.</summary>
    public byte[] ExpectedCooked { get; }

    /// <summary>Gets the length of the wire stream.</summary>
    public int TotalBytes { get; }

    /// <summary>Gets how many wire bytes are 0xFF.</summary>
    public long IacBytes { get; }

    /// <summary>Gets the achieved density: 0xFF bytes over wire bytes.</summary>
    public double Density => (double)IacBytes / TotalBytes;

    /// <summary>Gets how many <c>IAC WILL/WONT/DO/DONT option</c> sequences the stream holds.</summary>
    public long Negotiations { get; }

    /// <summary>Gets how many subnegotiations the stream holds.</summary>
    public long Subnegotiations { get; }

    /// <summary>Gets the total payload length of all subnegotiations.</summary>
    public long SubnegotiationPayloadBytes { get; }

    /// <summary>Gets how many <c>IAC IAC</c> escapes the stream holds.</summary>
    public long Escapes { get; }

    /// <summary>Gets how many sequences are split by a chunk boundary.</summary>
    public long Straddling { get; }

    /// <summary>Builds the input.</summary>
    /// <param name="density">Share of wire bytes that are 0xFF, in [0, 0.5).</param>
    /// <param name="totalBytes">Length of the wire stream.</param>
    /// <param name="chunkSize">Length of each chunk (the last one may be shorter).</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <returns>The input.</returns>
    public static TelnetInput Create(double density, int totalBytes = DefaultTotalBytes, int chunkSize = DefaultChunkSize, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(density);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(density, 0.5);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);

        var rng = new SplitMix64(seed ^ BitConverter.DoubleToUInt64Bits(density));
        var wire = new byte[totalBytes];
        var cooked = new byte[totalBytes];
        var text = new TextSource(rng.Next());
        Span<byte> sequence = stackalloc byte[32];

        var w = 0;
        var c = 0;
        long iacBytes = 0, negotiations = 0, subnegotiations = 0, payloadBytes = 0, escapes = 0, straddling = 0;

        while (w < totalBytes)
        {
            if (density == 0)
            {
                var all = text.Fill(wire.AsSpan(w), cooked.AsSpan(c));
                w += all;
                c += all;
                break;
            }

            // Draw the next sequence, then place it after a run of text whose length keeps the running share of
            // 0xFF bytes on target (randomised by a factor in [0.5, 1.5); the remainder carries over).
            var kind = rng.NextDouble();
            int length, ffCount;
            if (kind < 0.50)
            {
                sequence[0] = Iac;
                sequence[1] = Iac;
                length = 2;
                ffCount = 2;
            }
            else if (kind < 0.85)
            {
                sequence[0] = Iac;
                sequence[1] = (byte)(251 + rng.NextInt(4));
                sequence[2] = NegotiatedOptions[rng.NextInt(NegotiatedOptions.Length)];
                length = 3;
                ffCount = 1;
            }
            else
            {
                var payload = 2 + rng.NextInt(13);
                var gmcp = rng.NextInt(2) == 0;
                sequence[0] = Iac;
                sequence[1] = Sb;
                sequence[2] = gmcp ? (byte)201 : (byte)31;
                for (var k = 0; k < payload; k++)
                {
                    // NAWS carries binary sizes, GMCP carries text; neither ever needs IAC IAC here.
                    sequence[3 + k] = gmcp ? (byte)(0x20 + rng.NextInt(95)) : (byte)(1 + rng.NextInt(254));
                }

                sequence[3 + payload] = Iac;
                sequence[4 + payload] = Se;
                length = 5 + payload;
                ffCount = 2;
            }

            var deficit = ((iacBytes + ffCount) / density) - (w + length);
            var gap = (int)Math.Max(0, Math.Min(deficit * (0.5 + rng.NextDouble()), int.MaxValue / 2));
            if ((long)w + gap + length > totalBytes)
            {
                // No room for another whole sequence: end the stream with text.
                var tail = text.Fill(wire.AsSpan(w), cooked.AsSpan(c));
                w += tail;
                c += tail;
                break;
            }

            text.Fill(wire.AsSpan(w, gap), cooked.AsSpan(c, gap));
            w += gap;
            c += gap;

            if (w / chunkSize != (w + length - 1) / chunkSize)
            {
                straddling++;
            }

            sequence[..length].CopyTo(wire.AsSpan(w));
            w += length;
            iacBytes += ffCount;
            if (length == 2)
            {
                cooked[c++] = Iac;
                escapes++;
            }
            else if (length == 3)
            {
                negotiations++;
            }
            else
            {
                subnegotiations++;
                payloadBytes += length - 5;
            }
        }

        return new TelnetInput(Cut(wire, chunkSize), cooked.AsSpan(0, c).ToArray(), totalBytes, iacBytes, negotiations, subnegotiations, payloadBytes, escapes, straddling);
    }

    private static byte[][] Cut(byte[] wire, int chunkSize)
    {
        var chunks = new byte[(wire.Length + chunkSize - 1) / chunkSize][];
        for (var k = 0; k < chunks.Length; k++)
        {
            var start = k * chunkSize;
            chunks[k] = wire.AsSpan(start, Math.Min(chunkSize, wire.Length - start)).ToArray();
        }

        return chunks;
    }

    /// <summary>An endless stream of printable ASCII lines of 0..120 characters, each ended by CRLF.</summary>
    private sealed class TextSource(ulong seed)
    {
        private SplitMix64 _rng = new(seed);
        private int _lineLeft = -1;
        private bool _lfPending;

        /// <summary>Writes the next <paramref name="wire"/>.Length bytes of text to both spans.</summary>
        /// <returns>How many bytes were written (the length of <paramref name="wire"/>).</returns>
        public int Fill(Span<byte> wire, Span<byte> cooked)
        {
            for (var k = 0; k < wire.Length; k++)
            {
                byte b;
                if (_lfPending)
                {
                    b = (byte)'\n';
                    _lfPending = false;
                    _lineLeft = -1;
                }
                else
                {
                    if (_lineLeft < 0)
                    {
                        _lineLeft = _rng.NextInt(121);
                    }

                    if (_lineLeft == 0)
                    {
                        b = (byte)'\r';
                        _lfPending = true;
                    }
                    else
                    {
                        b = (byte)(0x20 + _rng.NextInt(95));
                        _lineLeft--;
                    }
                }

                wire[k] = b;
                cooked[k] = b;
            }

            return wire.Length;
        }
    }

    /// <summary>SplitMix64: small, fast and the same on every runtime (unlike <see cref="Random"/>'s unseeded default).</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int NextInt(int bound) => (int)((Next() >> 33) * (ulong)bound >> 31);

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    }
}
