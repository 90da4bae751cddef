namespace RxTelnet.Protocol;

using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

/// <summary>Where <see cref="TelnetParser"/> stands between two bytes (libtelnet's state names).</summary>
public enum TelnetParserState
{
    /// <summary>In the data stream.</summary>
    Data = 0,

    /// <summary>After IAC.</summary>
    Iac,

    /// <summary>After IAC WILL/WONT/DO/DONT, waiting for the option byte.</summary>
    Negotiation,

    /// <summary>After IAC SB, waiting for the option byte.</summary>
    Sb,

    /// <summary>Inside a subnegotiation payload.</summary>
    SbData,

    /// <summary>After IAC inside a subnegotiation payload.</summary>
    SbDataIac,
}

/// <summary>
/// A resumable, allocation-free Telnet (RFC 854) stream parser: splits cooked data from commands, keeping its
/// state across chunk boundaries so that an IAC sequence or subnegotiation may be split anywhere.
/// </summary>
/// <remarks>
/// <para>
/// Pure: no I/O, no time, no threads. One instance parses one direction of one connection and is not
/// thread-safe. Plain runs are found with vectorised search and reported as slices of the input; IAC IAC is
/// unescaped by reporting the run up to and including the first IAC; CR NUL is collapsed by skipping the NUL.
/// </para>
/// <para>
/// Invariant between calls: <see cref="State"/> says which bytes are still owed. In <see cref="TelnetParserState.Data"/>,
/// <c>_crPending</c> is true exactly when the last cooked byte delivered was a CR with no command after it (so a NUL at
/// the start of the next chunk is the second half of CR NUL). In the subnegotiation states, the payload so far lies
/// in <c>_sbBuffer[.._sbLength]</c>; slices of the current input are copied there before <see cref="Parse{THandler}"/> returns.
/// </para>
/// </remarks>
public sealed class TelnetParser
{
    private const byte Iac = 255;
    private const byte Cr = 13;
    private const byte Nul = 0;
    private const byte Dc1 = 0x11;

    /// <summary>How far the data state compares vectors inline before handing a plain run to the library search.</summary>
    private const int InlineScanBytes = 512;

    private static readonly SearchValues<byte> TelnetlibSpecials = SearchValues.Create([Nul, Dc1, Iac]);

    private readonly TelnetParserOptions _options;
    private readonly int _maxSb;
    private readonly bool _telnetlib;
    private readonly bool _collapseCrNul;
    private readonly byte _special1;
    private readonly byte _special2;
    private readonly byte _sbSpecial;

    private TelnetParserState _state;
    private TelnetVerb _verb;
    private bool _crPending;

    private TelnetOption _sbOption;
    private byte[] _sbBuffer = [];
    private int _sbLength;
    private int _sbSliceStart = -1;
    private int _sbSliceLength;
    private bool _sbOverflow;
    private bool _stopRequested;
    private int _written;

    /// <summary>Creates a parser.</summary>
    /// <param name="options">How to cook and what to bound; <see cref="TelnetParserOptions.Default"/> when null.</param>
    public TelnetParser(TelnetParserOptions? options = null)
    {
        _options = options ?? TelnetParserOptions.Default;
        _maxSb = _options.MaxSubnegotiationLength;
        _telnetlib = _options.TelnetlibCooking;
        _collapseCrNul = _options.CollapseCrNul && !_telnetlib;

        // The bytes besides IAC that the data state stops at, for the inline vector scan (IAC again when none).
        (_special1, _special2) = _telnetlib ? (Nul, Dc1) : _collapseCrNul ? (Nul, Nul) : (Iac, Iac);
        _sbSpecial = _telnetlib ? Nul : Iac;
    }

    /// <summary>Gets the options this parser was created with.</summary>
    public TelnetParserOptions Options => _options;

    /// <summary>Gets where the parser stands: anything but <see cref="TelnetParserState.Data"/> means a sequence is incomplete.</summary>
    public TelnetParserState State => _state;

    /// <summary>
    /// Gets how many sequences the data loop handed to the state machine because its inline paths could not take them
    /// whole (split across chunks, escaped or too long): a test hook, counted off the hot path.
    /// </summary>
    internal long StateMachineHandoffs { get; private set; }

    /// <summary>
    /// Asks <see cref="Parse{THandler}"/> to return right after the subnegotiation being reported, leaving the rest of
    /// the input unparsed: for handlers that change how the following bytes must be read (MCCP2 compression, STARTTLS).
    /// </summary>
    /// <remarks>Call it from <see cref="ITelnetParserHandler.OnSubnegotiation"/>; elsewhere it takes effect at the next subnegotiation.</remarks>
    public void StopAfterSubnegotiation() => _stopRequested = true;

    /// <summary>Parses the next chunk of the stream, calling <paramref name="handler"/> for what it finds.</summary>
    /// <typeparam name="THandler">The handler type; a struct for best speed.</typeparam>
    /// <param name="input">The next received bytes, in order.</param>
    /// <param name="handler">Receives data runs, commands and warnings.</param>
    /// <returns>The number of bytes consumed: all of <paramref name="input"/> unless <see cref="StopAfterSubnegotiation"/> was called.</returns>
    public int Parse<THandler>(ReadOnlySpan<byte> input, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var i = 0;
        while (i < input.Length)
        {
            if (_state == TelnetParserState.Data)
            {
                i = ParseData(input, i, ref handler, out var stopped);
                if (stopped)
                {
                    // A handler asked to stop after the subnegotiation the inline path just reported.
                    return i;
                }
            }
            else
            {
                i = ParseControl(input, i, ref handler);
                if (i < 0)
                {
                    return ~i;
                }
            }
        }

        FinishChunk(input);
        return input.Length;
    }

    /// <summary>
    /// Parses the next chunk of the stream, writing its cooked data into <paramref name="destination"/> (with
    /// <c>IAC IAC</c> unescaped and CR NUL collapsed as the options say, in the same pass) and calling
    /// <paramref name="handler"/> for everything else: the copy-out path, for consumers that keep the cooked stream.
    /// </summary>
    /// <typeparam name="THandler">The handler type; a struct for best speed.</typeparam>
    /// <param name="input">The next received bytes, in order.</param>
    /// <param name="destination">
    /// Where cooked data goes: at least as long as <paramref name="input"/> (cooked data is never longer than the wire
    /// bytes it came from) and not overlapping it. Bytes past <paramref name="written"/> may be overwritten.
    /// </param>
    /// <param name="handler">
    /// Receives commands, negotiations, subnegotiations and warnings, in stream order; never
    /// <see cref="ITelnetParserHandler.OnData"/>. During a callback, <see cref="WrittenBeforeEvent"/> says how many
    /// bytes of this call's cooked data came before the event.
    /// </param>
    /// <param name="written">The number of cooked bytes written to the start of <paramref name="destination"/>.</param>
    /// <returns>The number of bytes consumed: all of <paramref name="input"/> unless <see cref="StopAfterSubnegotiation"/> was called.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="input"/>, or the two overlap.</exception>
    /// <remarks>
    /// Reports the same bytes and events as <see cref="Parse{THandler}"/> for the same input in the same state, and the
    /// two may be mixed on one stream. Plain runs are copied a vector at a time while they are scanned, so the data is
    /// read once.
    /// </remarks>
    public int ParseInto<THandler>(ReadOnlySpan<byte> input, Span<byte> destination, ref THandler handler, out int written)
        where THandler : ITelnetParserHandler
    {
        if (destination.Length < input.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} bytes but the input has {input.Length}; cooked data can be as long as the input.",
                nameof(destination));
        }

        if (input.Overlaps(destination))
        {
            throw new ArgumentException("The destination overlaps the input; cooked data is written ahead of the bytes still to be read.", nameof(destination));
        }

        var i = 0;
        var w = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case TelnetParserState.Data:
                    i = ParseDataInto(input, i, destination, ref w, ref handler, out var stopped);
                    if (stopped)
                    {
                        written = w;
                        return i;
                    }

                    break;

                case TelnetParserState.Iac when input[i] == Iac:
                    // The second half of an IAC IAC split across chunks: one data byte 255.
                    destination[w++] = Iac;
                    _state = TelnetParserState.Data;
                    _crPending = false;
                    i++;
                    break;

                default:
                    _written = w;
                    i = ParseControl(input, i, ref handler);
                    if (i < 0)
                    {
                        written = w;
                        return ~i;
                    }

                    break;
            }
        }

        FinishChunk(input);
        written = w;
        return input.Length;
    }

    /// <summary>
    /// Gets, while <see cref="ParseInto{THandler}"/> is reporting an event to its handler, how many bytes of cooked data
    /// it had written to the destination before that event: where the event falls in the data.
    /// </summary>
    public int WrittenBeforeEvent => _written;

    /// <summary>Reports the end of the stream: an incomplete sequence becomes a <see cref="TelnetWarningKind.TruncatedSequence"/> warning.</summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="handler">Receives the warning, if any.</param>
    /// <returns><see langword="true"/> when the stream ended cleanly between sequences.</returns>
    public bool Complete<THandler>(ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var state = _state;
        Reset();
        if (state == TelnetParserState.Data)
        {
            return true;
        }

        TelnetOption? option = state is TelnetParserState.SbData or TelnetParserState.SbDataIac ? _sbOption : null;
        handler.OnWarning(new TelnetWarning(TelnetWarningKind.TruncatedSequence, option));
        return false;
    }

    /// <summary>Forgets any partial sequence and returns to the data state.</summary>
    public void Reset()
    {
        _state = TelnetParserState.Data;
        _crPending = false;
        _sbLength = 0;
        _sbSliceStart = -1;
        _sbSliceLength = 0;
        _sbOverflow = false;
    }

    /// <summary>Takes the next byte(s) in any state but <see cref="TelnetParserState.Data"/>.</summary>
    /// <returns>The index of the next byte to parse, or its complement when a handler asked to stop after a subnegotiation.</returns>
    private int ParseControl<THandler>(ReadOnlySpan<byte> input, int i, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        switch (_state)
        {
            case TelnetParserState.Iac:
                ParseIac(input, i, ref handler);
                return i + 1;

            case TelnetParserState.Negotiation:
                // RFC 854: IAC WILL/WONT/DO/DONT is always followed by exactly one option byte.
                handler.OnNegotiation(_verb, (TelnetOption)input[i]);
                _state = TelnetParserState.Data;
                _crPending = false;
                return i + 1;

            case TelnetParserState.Sb:
                _sbOption = (TelnetOption)input[i++];
                _sbLength = 0;
                _sbOverflow = false;
                _sbSliceStart = i;
                _sbSliceLength = 0;
                _state = TelnetParserState.SbData;
                return i;

            case TelnetParserState.SbData:
                return ParseSbData(input, i, ref handler);

            default:
                // SbDataIac: only IAC SE and IAC IAC are valid here; any other byte is handled as a command after IAC.
                if (ParseSbIac(input, i, ref handler))
                {
                    i++;
                }

                if (_stopRequested && _state == TelnetParserState.Data)
                {
                    // The handler switches how the rest is read: hand it back unparsed.
                    _stopRequested = false;
                    return ~i;
                }

                return i;
        }
    }

    /// <summary>At the end of a chunk: a subnegotiation still open keeps its payload so far in the parser's own buffer.</summary>
    private void FinishChunk(ReadOnlySpan<byte> input)
    {
        if (_sbSliceStart >= 0 && _state is TelnetParserState.SbData or TelnetParserState.SbDataIac)
        {
            // The next chunk is another array.
            MaterializeSlice(input);
        }

        _sbSliceStart = -1;
    }

    /// <summary>The data state of <see cref="ParseInto{THandler}"/>: <see cref="ParseData{THandler}"/> with the cooked bytes copied as they are scanned.</summary>
    private int ParseDataInto<THandler>(ReadOnlySpan<byte> input, int i, Span<byte> destination, ref int written, ref THandler handler, out bool stopped)
        where THandler : ITelnetParserHandler
    {
        stopped = false;
        var n = input.Length;
        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var o = written;
        var runStart = i;
        var crBefore = _crPending;
        while (true)
        {
            // Find the next byte the data state must look at, copying the bytes before it. Each vector is stored
            // whole before it is tested: destination is at least as long as input and o <= i, so the store fits, and
            // only the bytes before the special one are counted as written.
            var p = _telnetlib
                ? ScanCopy<IacNulOrDc1>(ref src, ref dst, ref i, ref o, n)
                : _collapseCrNul ? ScanCopy<IacOrNul>(ref src, ref dst, ref i, ref o, n) : ScanCopy<IacOnly>(ref src, ref dst, ref i, ref o, n);
            var scanned = p >= 0;
            if (!scanned)
            {
                // Fewer than a vector's worth left (or no vector hardware): search the rest, then copy the run.
                var rest = input.Slice(i);
                var idx = _telnetlib
                    ? rest.IndexOfAny(TelnetlibSpecials)
                    : _collapseCrNul ? rest.IndexOfAny(Iac, Nul) : rest.IndexOf(Iac);
                var end = idx < 0 ? n : i + idx;
                input.Slice(i, end - i).CopyTo(destination.Slice(o));
                o += end - i;
                p = idx < 0 ? -1 : end;
            }

            if (p < 0)
            {
                _crPending = n > runStart ? input[n - 1] == Cr : crBefore;
                written = o;
                return n;
            }

            if (input[p] != Iac)
            {
                if (!_telnetlib && !(p > runStart ? input[p - 1] == Cr : crBefore))
                {
                    // A NUL that does not follow CR is ordinary data.
                    destination[o++] = Nul;
                    i = p + 1;
                    continue;
                }

                // CR NUL -> CR (RFC 854), or telnetlib's dropping of NUL and DC1: skip the byte.
                runStart = i = p + 1;
                crBefore = false;
                continue;
            }

            if (p + 1 >= n)
            {
                // IAC is the last byte of the chunk: the rest of the sequence comes with the next one.
                _state = TelnetParserState.Iac;
                _crPending = false;
                written = o;
                return n;
            }

            var c = input[p + 1];
            if (c == Iac)
            {
                // IAC IAC is one data byte 255.
                destination[o++] = Iac;
                runStart = i = p + 2;
                crBefore = false;
                continue;
            }

            _written = o;
            if (c is >= (byte)TelnetVerb.Will and <= (byte)TelnetVerb.Dont && p + 2 < n)
            {
                handler.OnNegotiation((TelnetVerb)c, (TelnetOption)input[p + 2]);
                runStart = i = p + 3;
                crBefore = false;
                continue;
            }

            if (c is not ((byte)TelnetVerb.Sb or >= (byte)TelnetVerb.Will))
            {
                handler.OnCommand((TelnetVerb)c);
                runStart = i = p + 2;
                crBefore = false;
                continue;
            }

            written = o;
            if (c == (byte)TelnetVerb.Sb && TryParseWholeSubnegotiation(input, p, ref handler) is var next and > 0)
            {
                if (_stopRequested)
                {
                    // The handler switches how the rest is read (MCCP2, STARTTLS): ParseInto hands it back unparsed.
                    _stopRequested = false;
                    _crPending = false;
                    stopped = true;
                    return next;
                }

                runStart = i = next;
                crBefore = false;
                continue;
            }

            // SB split across chunks or holding escapes, or a negotiation whose option byte is in the next chunk:
            // go through the state machine.
            StateMachineHandoffs++;
            _state = TelnetParserState.Iac;
            _crPending = false;
            return p + 1;
        }
    }

    private int ParseData<THandler>(ReadOnlySpan<byte> input, int i, ref THandler handler, out bool stopped)
        where THandler : ITelnetParserHandler
    {
        stopped = false;
        var n = input.Length;
        var runStart = i;
        var crBefore = _crPending;
        while (true)
        {
            var p = IndexOfSpecial(input, i);
            if (p < 0)
            {
                if (n > runStart)
                {
                    handler.OnData(input.Slice(runStart, n - runStart), runStart);
                    _crPending = input[n - 1] == Cr;
                }
                else
                {
                    _crPending = crBefore;
                }

                return n;
            }

            if (input[p] != Iac)
            {
                if (!_telnetlib && !(p > runStart ? input[p - 1] == Cr : crBefore))
                {
                    // A NUL that does not follow CR is ordinary data.
                    i = p + 1;
                    continue;
                }

                // CR NUL -> CR (RFC 854), or telnetlib's dropping of NUL and DC1: skip the byte.
                if (p > runStart)
                {
                    handler.OnData(input.Slice(runStart, p - runStart), runStart);
                }

                runStart = i = p + 1;
                crBefore = false;
                continue;
            }

            if (p > runStart)
            {
                handler.OnData(input.Slice(runStart, p - runStart), runStart);
            }

            if (p + 1 >= n)
            {
                // IAC is the last byte of the chunk: the rest of the sequence comes with the next one.
                _state = TelnetParserState.Iac;
                _crPending = false;
                return n;
            }

            var c = input[p + 1];
            if (c == Iac)
            {
                // IAC IAC is one data byte 255: report it as a slice of the input.
                handler.OnData(input.Slice(p, 1), p);
                runStart = i = p + 2;
                crBefore = false;
                continue;
            }

            if (c is >= (byte)TelnetVerb.Will and <= (byte)TelnetVerb.Dont && p + 2 < n)
            {
                handler.OnNegotiation((TelnetVerb)c, (TelnetOption)input[p + 2]);
                runStart = i = p + 3;
                crBefore = false;
                continue;
            }

            if (c is not ((byte)TelnetVerb.Sb or >= (byte)TelnetVerb.Will))
            {
                handler.OnCommand((TelnetVerb)c);
                runStart = i = p + 2;
                crBefore = false;
                continue;
            }

            if (c == (byte)TelnetVerb.Sb && TryParseWholeSubnegotiation(input, p, ref handler) is var next and > 0)
            {
                if (_stopRequested)
                {
                    // The handler switches how the rest is read (MCCP2, STARTTLS): Parse hands it back unparsed.
                    _stopRequested = false;
                    _crPending = false;
                    stopped = true;
                    return next;
                }

                runStart = i = next;
                crBefore = false;
                continue;
            }

            // SB split across chunks or holding escapes, or a negotiation whose option byte is in the next chunk:
            // go through the state machine.
            StateMachineHandoffs++;
            _state = TelnetParserState.Iac;
            _crPending = false;
            return p + 1;
        }
    }

    /// <summary>
    /// Returns the index of the first byte at or after <paramref name="i"/> that the data state must look at
    /// (IAC, plus NUL and DC1 as the cooking options require), or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexOfSpecial(ReadOnlySpan<byte> input, int i)
    {
        var found = ScanInline(input, ref i, _special1, _special2);
        if (found >= 0)
        {
            return found;
        }

        var rest = input.Slice(i);
        var idx = _telnetlib
            ? rest.IndexOfAny(TelnetlibSpecials)
            : _collapseCrNul ? rest.IndexOfAny(Iac, Nul) : rest.IndexOf(Iac);
        return idx < 0 ? -1 : i + idx;
    }

    /// <summary>
    /// Compares the first few vectors from <paramref name="i"/> with IAC, <paramref name="special1"/> and
    /// <paramref name="special2"/> inline and returns the index of the first match; when there is none, returns -1
    /// with <paramref name="i"/> moved past the bytes compared, for the caller to search the rest.
    /// </summary>
    /// <remarks>
    /// IAC sequences are usually close together, so this saves a library call and its set-up per sequence; long plain
    /// runs are left to the library search, which runs at memory speed.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScanInline(ReadOnlySpan<byte> input, ref int i, byte special1, byte special2)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(input);
            var iac = Vector256.Create(Iac);
            var s1 = Vector256.Create(special1);
            var s2 = Vector256.Create(special2);
            var last = Math.Min(input.Length - Vector256<byte>.Count, i + InlineScanBytes);
            for (; i <= last; i += Vector256<byte>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var mask = (Vector256.Equals(v, iac) | Vector256.Equals(v, s1) | Vector256.Equals(v, s2)).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        return -1;
    }

    /// <summary>
    /// Copies whole vectors from <paramref name="src"/> at <paramref name="i"/> to <paramref name="dst"/> at
    /// <paramref name="o"/> until one holds a byte <typeparamref name="TSpecials"/> matches; returns its index with
    /// <paramref name="o"/> advanced by the bytes before it, or -1 with both moved past what was copied when fewer than
    /// a vector's worth are left.
    /// </summary>
    /// <remarks>
    /// Each vector is stored whole before it is tested, so up to a vector past the returned position is overwritten
    /// too; the caller guarantees room (<c>o &lt;= i</c> and a destination at least as long as the input).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScanCopy<TSpecials>(ref byte src, ref byte dst, ref int i, ref int o, int n)
        where TSpecials : struct, ISpecials
    {
        int p;

        // Sequences are usually close together: one narrow vector first, the wide loop for long runs.
        if (Vector256.IsHardwareAccelerated && i <= n - Vector256<byte>.Count && (p = CopyStep256<TSpecials>(ref src, ref dst, ref i, ref o)) >= 0)
        {
            return p;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            while (i <= n - Vector512<byte>.Count)
            {
                if ((p = CopyStep512<TSpecials>(ref src, ref dst, ref i, ref o)) >= 0)
                {
                    return p;
                }
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            while (i <= n - Vector256<byte>.Count)
            {
                if ((p = CopyStep256<TSpecials>(ref src, ref dst, ref i, ref o)) >= 0)
                {
                    return p;
                }
            }
        }

        return -1;
    }

    /// <summary>
    /// Copies the 32 bytes at <paramref name="i"/> to <paramref name="o"/>; returns the index of the first special one
    /// with <paramref name="o"/> advanced by the bytes before it, or -1 with both advanced by 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CopyStep256<TSpecials>(ref byte src, ref byte dst, ref int i, ref int o)
        where TSpecials : struct, ISpecials
    {
        var v = Vector256.LoadUnsafe(ref src, (nuint)i);
        v.StoreUnsafe(ref dst, (nuint)o);
        var m = TSpecials.Match(v).ExtractMostSignificantBits();
        if (m != 0)
        {
            var t = BitOperations.TrailingZeroCount(m);
            o += t;
            return i + t;
        }

        i += Vector256<byte>.Count;
        o += Vector256<byte>.Count;
        return -1;
    }

    /// <summary><see cref="CopyStep256{TSpecials}"/> with 64 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CopyStep512<TSpecials>(ref byte src, ref byte dst, ref int i, ref int o)
        where TSpecials : struct, ISpecials
    {
        var v = Vector512.LoadUnsafe(ref src, (nuint)i);
        v.StoreUnsafe(ref dst, (nuint)o);
        var m = TSpecials.Match(v).ExtractMostSignificantBits();
        if (m != 0)
        {
            var t = BitOperations.TrailingZeroCount(m);
            o += t;
            return i + t;
        }

        i += Vector512<byte>.Count;
        o += Vector512<byte>.Count;
        return -1;
    }

    /// <summary>Which bytes stop the data state's vector scan, as vector compares the JIT specialises per cooking mode.</summary>
    private interface ISpecials
    {
        static abstract Vector256<byte> Match(Vector256<byte> v);

        static abstract Vector512<byte> Match(Vector512<byte> v);
    }

    /// <summary>IAC only: no CR NUL collapsing, no telnetlib cooking.</summary>
    private readonly struct IacOnly : ISpecials
    {
        public static Vector256<byte> Match(Vector256<byte> v) => Vector256.Equals(v, Vector256.Create(Iac));

        public static Vector512<byte> Match(Vector512<byte> v) => Vector512.Equals(v, Vector512.Create(Iac));
    }

    /// <summary>IAC and NUL (CR NUL collapsing) in one unsigned compare: adding one maps 255 to 0 and 0 to 1.</summary>
    private readonly struct IacOrNul : ISpecials
    {
        public static Vector256<byte> Match(Vector256<byte> v) => Vector256.LessThanOrEqual(v + Vector256<byte>.One, Vector256<byte>.One);

        public static Vector512<byte> Match(Vector512<byte> v) => Vector512.LessThanOrEqual(v + Vector512<byte>.One, Vector512<byte>.One);
    }

    /// <summary>IAC, NUL and DC1 (telnetlib cooking).</summary>
    private readonly struct IacNulOrDc1 : ISpecials
    {
        public static Vector256<byte> Match(Vector256<byte> v) =>
            Vector256.LessThanOrEqual(v + Vector256<byte>.One, Vector256<byte>.One) | Vector256.Equals(v, Vector256.Create(Dc1));

        public static Vector512<byte> Match(Vector512<byte> v) =>
            Vector512.LessThanOrEqual(v + Vector512<byte>.One, Vector512<byte>.One) | Vector512.Equals(v, Vector512.Create(Dc1));
    }

    /// <summary>
    /// Handles <c>IAC SB option payload IAC SE</c> starting at <paramref name="p"/> in one go when all of it lies in
    /// <paramref name="input"/>, the payload needs no unescaping or dropping and is within the limit: exactly what the
    /// state machine would report, without the trip through it.
    /// </summary>
    /// <returns>The index after <c>IAC SE</c>, or -1 to leave the sequence to the state machine.</returns>
    private int TryParseWholeSubnegotiation<THandler>(ReadOnlySpan<byte> input, int p, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var payloadStart = p + 3;
        if (payloadStart >= input.Length)
        {
            return -1;
        }

        // The same stop bytes as ParseSbData: IAC, plus NUL and DC1 under telnetlib cooking.
        var i = payloadStart;
        var end = ScanInline(input, ref i, _sbSpecial, _telnetlib ? Dc1 : Iac);
        if (end < 0)
        {
            var rest = input.Slice(i);
            var idx = _telnetlib ? rest.IndexOfAny(TelnetlibSpecials) : rest.IndexOf(Iac);
            if (idx < 0)
            {
                return -1;
            }

            end = i + idx;
        }

        var length = end - payloadStart;
        if (length > _maxSb || end + 1 >= input.Length || input[end] != Iac || input[end + 1] != (byte)TelnetVerb.Se)
        {
            return -1;
        }

        handler.OnSubnegotiation((TelnetOption)input[p + 2], input.Slice(payloadStart, length), payloadStart);
        return end + 2;
    }

    private void ParseIac<THandler>(ReadOnlySpan<byte> input, int i, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var c = input[i];
        _crPending = false;
        switch (c)
        {
            case Iac:
                handler.OnData(input.Slice(i, 1), i);
                _state = TelnetParserState.Data;
                break;
            case (byte)TelnetVerb.Will or (byte)TelnetVerb.Wont or (byte)TelnetVerb.Do or (byte)TelnetVerb.Dont:
                _verb = (TelnetVerb)c;
                _state = TelnetParserState.Negotiation;
                break;
            case (byte)TelnetVerb.Sb:
                _state = TelnetParserState.Sb;
                break;
            default:
                handler.OnCommand((TelnetVerb)c);
                _state = TelnetParserState.Data;
                break;
        }
    }

    private int ParseSbData<THandler>(ReadOnlySpan<byte> input, int i, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var rest = input.Slice(i);
        var idx = _telnetlib ? rest.IndexOfAny(TelnetlibSpecials) : rest.IndexOf(Iac);
        var end = idx < 0 ? input.Length : i + idx;
        Append(input, i, end - i, ref handler);
        if (idx < 0)
        {
            return end;
        }

        if (input[end] != Iac)
        {
            // telnetlib drops NUL and DC1 inside subnegotiations too; the payload is no longer one slice.
            MaterializeSlice(input);
            return end + 1;
        }

        _state = TelnetParserState.SbDataIac;
        return end + 1;
    }

    private bool ParseSbIac<THandler>(ReadOnlySpan<byte> input, int i, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        var c = input[i];
        if (c == (byte)TelnetVerb.Se)
        {
            if (!_sbOverflow)
            {
                if (_sbSliceStart >= 0)
                {
                    handler.OnSubnegotiation(_sbOption, input.Slice(_sbSliceStart, _sbSliceLength), _sbSliceStart);
                }
                else
                {
                    handler.OnSubnegotiation(_sbOption, _sbBuffer.AsSpan(0, _sbLength), -1);
                }
            }

            EndSubnegotiation();
            return true;
        }

        if (c == Iac)
        {
            // IAC IAC inside SB is one payload byte 255 (RFC 855).
            MaterializeSlice(input);
            Append(input, i, 1, ref handler);
            _state = TelnetParserState.SbData;
            return true;
        }

        handler.OnWarning(new TelnetWarning(TelnetWarningKind.UnexpectedCommandInSubnegotiation, _sbOption, (TelnetVerb)c));
        EndSubnegotiation();
        _state = TelnetParserState.Iac;
        return false;
    }

    private void EndSubnegotiation()
    {
        _state = TelnetParserState.Data;
        _crPending = false;
        _sbLength = 0;
        _sbSliceStart = -1;
        _sbSliceLength = 0;
        _sbOverflow = false;
    }

    private void Append<THandler>(ReadOnlySpan<byte> input, int start, int count, ref THandler handler)
        where THandler : ITelnetParserHandler
    {
        if (count == 0 || _sbOverflow)
        {
            return;
        }

        var have = _sbSliceStart >= 0 ? _sbSliceLength : _sbLength;
        if (count > _maxSb - have)
        {
            // Over the limit: report once, keep nothing, and skip to IAC SE.
            _sbOverflow = true;
            _sbLength = 0;
            _sbSliceStart = -1;
            handler.OnWarning(new TelnetWarning(TelnetWarningKind.SubnegotiationTooLong, _sbOption));
            return;
        }

        if (_sbSliceStart >= 0 && _sbSliceStart + _sbSliceLength == start)
        {
            _sbSliceLength += count;
            return;
        }

        MaterializeSlice(input);
        EnsureCapacity(_sbLength + count);
        input.Slice(start, count).CopyTo(_sbBuffer.AsSpan(_sbLength));
        _sbLength += count;
    }

    private void MaterializeSlice(ReadOnlySpan<byte> input)
    {
        if (_sbSliceStart < 0)
        {
            return;
        }

        if (!_sbOverflow && _sbSliceLength > 0)
        {
            EnsureCapacity(_sbSliceLength);
            input.Slice(_sbSliceStart, _sbSliceLength).CopyTo(_sbBuffer);
        }

        _sbLength = _sbOverflow ? 0 : _sbSliceLength;
        _sbSliceStart = -1;
        _sbSliceLength = 0;
    }

    private void EnsureCapacity(int needed)
    {
        if (_sbBuffer.Length >= needed)
        {
            return;
        }

        var size = Math.Max(64, _sbBuffer.Length * 2);
        while (size < needed)
        {
            size *= 2;
        }

        Array.Resize(ref _sbBuffer, Math.Min(size, Math.Max(needed, _maxSb)));
    }
}
