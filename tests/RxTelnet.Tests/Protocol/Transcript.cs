namespace RxTelnet.Tests.Protocol;

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RxTelnet.Protocol;

/// <summary>
/// Turns what the parser reports into readable lines, libtelnet-test style, so that transcripts can be
/// compared as strings and kept as golden files.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>DATA "text%0D%0A"</c>: printable ASCII as is; other bytes, <c>%</c> and <c>"</c> as <c>%XX</c>.</item>
/// <item><c>IAC 241 (NOP)</c>: a two-byte command.</item>
/// <item><c>DO 24 (TTYPE)</c>: a negotiation.</item>
/// <item><c>SB 24 (TTYPE) "%00xterm"</c>: a subnegotiation with its unescaped payload.</item>
/// <item><c>WARNING Kind [SB option] [IAC verb]</c>: a warning.</item>
/// </list>
/// The format is owned by the tests, not by the <c>ToString</c> of the types under test, so the golden files
/// only change when behaviour does.
/// </remarks>
internal static class Transcript
{
    private const string DataPrefix = "DATA \"";

    /// <summary>Formats bytes as a quoted, escaped string.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%' and not (byte)'"')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }

    public static string Data(ReadOnlySpan<byte> data) => "DATA " + Quote(data);

    public static string Command(TelnetVerb verb) => "IAC " + WireNames.Verb((byte)verb);

    public static string Negotiation(TelnetVerb verb, TelnetOption option) =>
        verb switch
        {
            TelnetVerb.Will => "WILL",
            TelnetVerb.Wont => "WONT",
            TelnetVerb.Do => "DO",
            TelnetVerb.Dont => "DONT",
            _ => "NEGOTIATION " + (byte)verb,
        } + " " + WireNames.Option((byte)option);

    public static string Subnegotiation(TelnetOption option, ReadOnlySpan<byte> payload) =>
        "SB " + WireNames.Option((byte)option) + " " + Quote(payload);

    public static string Warning(TelnetWarning warning)
    {
        var sb = new StringBuilder("WARNING ").Append(warning.Kind);
        if (warning.Option is { } option)
        {
            sb.Append(" SB ").Append(WireNames.Option((byte)option));
        }

        if (warning.Verb is { } verb)
        {
            sb.Append(" IAC ").Append(WireNames.Verb((byte)verb));
        }

        return sb.ToString();
    }

    /// <summary>Formats an event of the <c>ParseTelnet</c> operator the same way the handler callbacks are formatted.</summary>
    public static string Of(TelnetEvent e) => e.Kind switch
    {
        TelnetEventKind.Data => Data(e.Data.Span),
        TelnetEventKind.Command when e.Command.IsSubnegotiation => Subnegotiation(e.Command.Option!.Value, e.Command.Payload.Span),
        TelnetEventKind.Command when e.Command.IsNegotiation => Negotiation(e.Command.Verb, e.Command.Option!.Value),
        TelnetEventKind.Command => Command(e.Command.Verb),
        _ => Warning(e.Warning),
    };

    /// <summary>Joins adjacent data lines: how cooked data is cut into events depends on chunking, the bytes do not.</summary>
    public static List<string> Merge(IEnumerable<string> lines)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith(DataPrefix, StringComparison.Ordinal)
                && result.Count > 0
                && result[^1].StartsWith(DataPrefix, StringComparison.Ordinal))
            {
                // Escaping is per byte, so the escaped concatenation is the concatenation of the escaped parts.
                result[^1] = result[^1][..^1] + line[DataPrefix.Length..];
            }
            else
            {
                result.Add(line);
            }
        }

        return result;
    }

    /// <summary>Parses <paramref name="input"/> fed as the given chunks, then completes the stream; returns the merged transcript.</summary>
    public static List<string> Parse(byte[] input, TelnetParserOptions? options, IEnumerable<Range> chunks)
    {
        var parser = new TelnetParser(options);
        var recorder = new Recorder { Input = input };
        foreach (var chunk in chunks)
        {
            recorder.ChunkStart = chunk.GetOffsetAndLength(input.Length).Offset;
            parser.Parse(input.AsSpan(chunk), ref recorder);
        }

        parser.Complete(ref recorder);
        return Merge(recorder.Lines);
    }

    public static List<string> ParseWhole(byte[] input, TelnetParserOptions? options = null) =>
        Parse(input, options, [Range.All]);

    public static List<string> ParseSplit(byte[] input, int split, TelnetParserOptions? options = null) =>
        Parse(input, options, [new Range(0, split), new Range(split, Index.End)]);

    /// <summary>One byte per chunk, with an empty chunk before each: the parser must carry every state across.</summary>
    public static List<string> ParseBytewise(byte[] input, TelnetParserOptions? options = null) =>
        Parse(input, options, Enumerable.Range(0, input.Length).SelectMany(i => new[] { i..i, i..(i + 1) }));

    /// <summary>
    /// Records every callback as a transcript line, and checks the <c>inputOffset</c> contract on the way: a span
    /// reported with an offset must be exactly that slice of the current chunk (the operator relies on it to slice
    /// the received array instead of copying).
    /// </summary>
    public struct Recorder : ITelnetParserHandler
    {
        public Recorder()
        {
        }

        public List<string> Lines { get; } = [];

        /// <summary>The whole stream; the current chunk starts at <see cref="ChunkStart"/>. Null to skip the offset check.</summary>
        public byte[]? Input { get; set; }

        public int ChunkStart { get; set; }

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
            Assert.That(data.IsEmpty, Is.False, "an empty data event carries nothing and should not be raised");
            CheckSlice(data, inputOffset, "data");
            Lines.Add(Data(data));
        }

        public readonly void OnCommand(TelnetVerb verb) => Lines.Add(Command(verb));

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) => Lines.Add(Negotiation(verb, option));

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
            if (inputOffset >= 0)
            {
                CheckSlice(payload, inputOffset, "subnegotiation payload");
            }

            Lines.Add(Subnegotiation(option, payload));
        }

        public readonly void OnWarning(TelnetWarning warning) => Lines.Add(Warning(warning));

        private readonly void CheckSlice(ReadOnlySpan<byte> span, int inputOffset, string what)
        {
            if (Input is null || span.IsEmpty)
            {
                return;
            }

            var at = ChunkStart + inputOffset;
            var isThatSlice = inputOffset >= 0
                && at + span.Length <= Input.Length
                && Unsafe.AreSame(ref MemoryMarshal.GetReference(span), ref Input[at]);
            Assert.That(isThatSlice, Is.True, $"the {what} must be the slice of the chunk at offset {inputOffset}, as reported");
        }
    }
}
