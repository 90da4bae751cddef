namespace RxTelnet.Tests.Protocol;

using FsCheck;
using FsCheck.Fluent;
using RxTelnet.Protocol;

/// <summary>
/// <see cref="TelnetParser.ParseInto{THandler}"/>, the copy-out path: for every stream, chunking and cooking option it
/// writes the same cooked bytes as <see cref="TelnetParser.Parse{THandler}"/> reports, reports the same events at the
/// same places in the data (<see cref="TelnetParser.WrittenBeforeEvent"/>), mixes with <c>Parse</c> on one stream, and
/// refuses a destination it could overrun.
/// </summary>
[TestFixture]
public sealed class TelnetParserCopyOutTests
{
    private const byte Iac = 255, Sb = 250, Se = 240, Will = 251, Nop = 241;

    /// <summary>Streams of long plain runs between special bytes, so that the vector loop and its tail both run.</summary>
    private static readonly Gen<byte[]> LongStream =
        Gen.ArrayOf(Gen.Frequency(
                (3, Gen.Choose(0, 90).SelectMany(n => Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(b => (byte)b), n))),
                (2, TelnetGen.Bytes(TelnetGen.Byte, 1)),
                (1, Gen.Elements<byte[]>([13, 0], [13, 10], [13], [0], [0x11], [Iac, Iac], [Iac, Nop], [Iac, Will, 1], [Iac, Sb, 24, 0, (byte)'x', Iac, Se]))))
            .Select(parts => parts.SelectMany(p => p).ToArray());

    public static IEnumerable<TestCaseData> Vectors() =>
        GoldenVector.Names().Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [TestCaseSource(nameof(Vectors))]
    public void ParseInto_GoldenVector_SameTranscriptWholeSplitAndBytewise(string name)
    {
        var vector = GoldenVector.Load(name);

        Assert.That(CopyOut(vector.Input, vector.Options, [Range.All]), Is.EqualTo(vector.Expected), "the whole input in one chunk");
        for (var split = 0; split <= vector.Input.Length; split++)
        {
            Assert.That(CopyOut(vector.Input, vector.Options, [new Range(0, split), new Range(split, Index.End)]), Is.EqualTo(vector.Expected), $"the input split at index {split}");
        }

        var bytewise = Enumerable.Range(0, vector.Input.Length).Select(i => i..(i + 1));
        Assert.That(CopyOut(vector.Input, vector.Options, bytewise), Is.EqualTo(vector.Expected), "one byte per chunk");
    }

    [FsCheck.NUnit.Property(MaxTest = 400, QuietOnSuccess = true)]
    public Property ParseInto_AnyStreamAnyChunking_SameTranscriptAsParse()
    {
        var cases =
            from input in Gen.OneOf(LongStream, TelnetGen.Bytes(TelnetGen.Byte, 3))
            from lengths in Gen.OneOf(TelnetGen.ChunkLengths, Gen.ArrayOf(Gen.Choose(20, 200)))
            from options in TelnetGen.Options
            from mixed in Gen.Elements(false, true)
            select (Stream: new TelnetParserPropertyTests.ChunkedStream(input, lengths, options), Mixed: mixed);

        return Prop.ForAll(Arb.From(cases), c =>
        {
            var chunks = TelnetGen.Chunks(c.Stream.Input.Length, c.Stream.ChunkLengths).ToList();
            var expected = Transcript.Parse(c.Stream.Input, c.Stream.Options, chunks);
            var actual = CopyOut(c.Stream.Input, c.Stream.Options, chunks, alternateWithParse: c.Mixed);
            return expected.SequenceEqual(actual)
                .Label($"{c.Stream} mixed={c.Mixed}")
                .Label("Parse:     " + string.Join(" | ", expected))
                .Label("ParseInto: " + string.Join(" | ", actual));
        });
    }

    [Test]
    public void ParseInto_OneSequenceAtEveryPositionOfEveryLength_SameAsParse()
    {
        // Each special byte (and each whole sequence) at every offset of runs up to 140 bytes (two 64-byte vectors and more), so every
        // lane of the vector loop, the last whole vector and the scalar tail each meet it.
        byte[][] sequences = [[Iac, Iac], [Iac, Will, 24], [Iac, Nop], [Iac, Sb, 31, 0, 80, 0, 24, Iac, Se], [13, 0], [0], [0x11], [Iac]];
        TelnetParserOptions[] optionSets = [TelnetParserOptions.Default, TelnetParserOptions.Telnetlib, TelnetParserOptions.Default with { CollapseCrNul = false }];
        foreach (var options in optionSets)
        {
            foreach (var sequence in sequences)
            {
                for (var length = 0; length <= 140; length++)
                {
                    for (var at = 0; at <= length; at++)
                    {
                        var input = Text(length);
                        byte[] stream = [.. input[..at], .. sequence, .. input[at..]];
                        var expected = Transcript.ParseWhole(stream, options);
                        var actual = CopyOut(stream, options, [Range.All]);
                        Assert.That(actual, Is.EqualTo(expected), $"{Convert.ToHexString(sequence)} at {at} of {length} text bytes with {options}");
                    }
                }
            }
        }
    }

    [Test]
    public void ParseInto_PlainText_WritesItAllAndReportsNothing()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser);
        var input = Text(1000);
        var destination = new byte[input.Length];

        var consumed = parser.ParseInto(input, destination, ref handler, out var written);

        Assert.That((consumed, written), Is.EqualTo((1000, 1000)));
        Assert.That(destination, Is.EqualTo(input), "every byte copied once, in order");
        Assert.That(handler.Lines, Is.Empty);
    }

    [Test]
    public void ParseInto_EventsInsideData_ReportWhereTheyFallInTheCookedBytes()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser);
        byte[] input = [.. Text(40), Iac, Iac, .. "ab"u8, Iac, Will, 1, .. Text(50), 13, 0, Iac, Nop, .. "z"u8];
        var destination = new byte[input.Length];
        handler.Begin(destination);

        parser.ParseInto(input, destination, ref handler, out var written);

        Assert.That(written, Is.EqualTo(40 + 1 + 2 + 50 + 1 + 1), "IAC IAC is one byte, CR NUL is CR, commands take none");
        Assert.That(handler.Positions, Is.EqualTo(new[] { ("WILL 1 (ECHO)", 43), ("IAC 241 (NOP)", 94) }));
        Assert.That(destination[40], Is.EqualTo(Iac), "the escaped 255 is written in place");
        Assert.That(destination[93], Is.EqualTo(13), "CR NUL leaves the CR");
    }

    [Test]
    public void ParseInto_StopAfterSubnegotiation_ReturnsRightAfterIacSeWithTheDataBeforeIt()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser) { StopOn = (TelnetOption)86 };
        byte[] input = [.. Text(70), Iac, Sb, 86, Iac, Se, .. "compressed"u8];
        var destination = new byte[input.Length];
        handler.Begin(destination);

        var consumed = parser.ParseInto(input, destination, ref handler, out var written);

        Assert.That((consumed, written), Is.EqualTo((75, 70)), "the bytes after IAC SE are the caller's, unparsed and uncopied");
        Assert.That(handler.Positions, Is.EqualTo(new[] { ("SB 86 (COMPRESS2) \"\"", 70) }));
    }

    [Test]
    public void ParseInto_AfterAStop_ReadsOnWithoutStoppingAgainOrTakingANulAsCrNul()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser) { StopOn = (TelnetOption)86 };
        byte[] first = [.. Text(40), 13, Iac, Sb, 86, Iac, Se];
        handler.Begin(new byte[first.Length]);
        Assert.That(parser.ParseInto(first, new byte[first.Length], ref handler, out _), Is.EqualTo(first.Length), "stops right after IAC SE");

        // The stop request is one-shot, and the CR before the subnegotiation does not make the next NUL a CR NUL.
        handler = new Recorder(parser);
        byte[] rest = [0, .. Text(40), Iac, Sb, 24, 0, (byte)'x', Iac, Se, .. Text(40)];
        var destination = new byte[rest.Length];
        handler.Begin(destination);
        var consumed = parser.ParseInto(rest, destination, ref handler, out var written);

        Assert.That((consumed, written), Is.EqualTo((rest.Length, 81)), "the second subnegotiation does not stop the parse");
        Assert.That(destination[0], Is.EqualTo(0), "a NUL after IAC SE is data, not the NUL of CR NUL");
        Assert.That(handler.Positions, Is.EqualTo(new[] { (Transcript.Subnegotiation((TelnetOption)24, [0, (byte)'x']), 41) }));
    }

    /// <summary>
    /// The inline paths of both <c>Parse</c> and <c>ParseInto</c> take every whole negotiation (WILL through DONT),
    /// command and unescaped subnegotiation themselves; only a sequence cut by the chunk's end goes to the state machine.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void WholeSequencesInOneChunk_AreTakenInlineWithoutTheStateMachine(bool copyOut)
    {
        byte[] whole = [.. Text(40), Iac, 251, 1, Iac, 252, 3, Iac, 253, 24, Iac, 254, 31, Iac, Nop, Iac, Sb, 24, 0, (byte)'x', Iac, Se, .. Text(40)];
        var parser = new TelnetParser();

        var lines = Run(parser, whole, copyOut);

        Assert.That(lines, Has.Count.EqualTo(6), string.Join(" | ", lines));
        Assert.That(parser.StateMachineHandoffs, Is.Zero);

        Run(parser, [.. Text(40), Iac, Sb, 24], copyOut);
        Assert.That(parser.StateMachineHandoffs, Is.EqualTo(1), "a subnegotiation cut by the chunk's end is handed off");
        Run(parser, [0, (byte)'y', Iac, Se, Iac, 251], copyOut);
        Assert.That(parser.StateMachineHandoffs, Is.EqualTo(2), "so is a negotiation whose option byte is in the next chunk");
    }

    private static List<string> Run(TelnetParser parser, byte[] input, bool copyOut)
    {
        if (!copyOut)
        {
            var recorder = new Transcript.Recorder { Input = input };
            parser.Parse(input, ref recorder);
            return recorder.Lines.Where(l => !l.StartsWith("DATA", StringComparison.Ordinal)).ToList();
        }

        var handler = new Recorder(parser);
        var destination = new byte[input.Length];
        handler.Begin(destination);
        parser.ParseInto(input, destination, ref handler, out _);
        return handler.Positions.Select(p => p.Line).ToList();
    }

    [Test]
    public void ParseInto_DestinationShorterThanInput_ThrowsNamingBothLengths()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser);

        var e = Assert.Throws<ArgumentException>(() => parser.ParseInto(new byte[10], new byte[9], ref handler, out _));

        Assert.That(e!.ParamName, Is.EqualTo("destination"));
        Assert.That(e.Message, Does.Contain("9").And.Contain("10"));
        Assert.That(parser.State, Is.EqualTo(TelnetParserState.Data), "nothing was parsed");
    }

    [Test]
    public void ParseInto_DestinationOverlappingInput_Throws()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser);
        var buffer = new byte[100];

        var e = Assert.Throws<ArgumentException>(() => parser.ParseInto(buffer.AsSpan(0, 50), buffer.AsSpan(40, 60), ref handler, out _));

        Assert.That(e!.ParamName, Is.EqualTo("destination"));
        Assert.That(e.Message, Does.Contain("overlaps"));
    }

    [Test]
    public void ParseInto_EmptyInput_WritesNothingAndKeepsState()
    {
        var parser = new TelnetParser();
        var handler = new Recorder(parser);
        parser.ParseInto([Iac], new byte[1], ref handler, out _);

        var consumed = parser.ParseInto([], [], ref handler, out var written);

        Assert.That((consumed, written, parser.State), Is.EqualTo((0, 0, TelnetParserState.Iac)));
    }

    /// <summary>
    /// Feeds <paramref name="input"/> as the given chunks through <see cref="TelnetParser.ParseInto{THandler}"/> (or, with
    /// <paramref name="alternateWithParse"/>, every other chunk through <see cref="TelnetParser.Parse{THandler}"/>), then
    /// completes the stream; returns the merged transcript with each event placed where <see cref="TelnetParser.WrittenBeforeEvent"/> says.
    /// </summary>
    private static List<string> CopyOut(byte[] input, TelnetParserOptions? options, IEnumerable<Range> chunks, bool alternateWithParse = false)
    {
        var parser = new TelnetParser(options);
        var handler = new Recorder(parser);
        var slices = new Transcript.Recorder { Input = input };
        var index = 0;
        foreach (var chunk in chunks)
        {
            var span = input.AsSpan(chunk);
            if (alternateWithParse && (index++ & 1) == 1)
            {
                slices.ChunkStart = chunk.GetOffsetAndLength(input.Length).Offset;
                var before = slices.Lines.Count;
                parser.Parse(span, ref slices);
                handler.Lines.AddRange(slices.Lines.Skip(before));
                continue;
            }

            // Garbage past the input's length shows up if the parser counts a byte it did not write.
            var destination = Enumerable.Repeat((byte)0xEE, span.Length + 7).ToArray();
            handler.Begin(destination);
            var consumed = parser.ParseInto(span, destination, ref handler, out var written);
            Assert.That(consumed, Is.EqualTo(span.Length), "without a stop request every byte is consumed");
            Assert.That(written, Is.InRange(0, span.Length), "cooked data is never longer than its wire bytes");
            handler.End(written);
        }

        parser.Complete(ref handler);
        return Transcript.Merge(handler.Lines);
    }

    private static byte[] Text(int length) =>
        Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();

    /// <summary>Records events as transcript lines, each after the cooked bytes that <see cref="TelnetParser.WrittenBeforeEvent"/> says precede it.</summary>
    private sealed class Recorder(TelnetParser parser) : ITelnetParserHandler
    {
        private byte[]? _destination;
        private int _emitted;

        public List<string> Lines { get; } = [];

        public List<(string Line, int WrittenBefore)> Positions { get; } = [];

        public TelnetOption? StopOn { get; init; }

        public void Begin(byte[] destination)
        {
            _destination = destination;
            _emitted = 0;
        }

        public void End(int written)
        {
            EmitUpTo(written);
            _destination = null;
        }

        public void OnData(ReadOnlySpan<byte> data, int inputOffset) =>
            Assert.Fail("ParseInto writes data to the destination and must not call OnData");

        public void OnCommand(TelnetVerb verb) => Add(Transcript.Command(verb));

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => Add(Transcript.Negotiation(verb, option));

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
            Add(Transcript.Subnegotiation(option, payload));
            if (option == StopOn)
            {
                parser.StopAfterSubnegotiation();
            }
        }

        public void OnWarning(TelnetWarning warning) => Add(Transcript.Warning(warning));

        private void Add(string line)
        {
            if (_destination is not null)
            {
                // Called from ParseInto: the event falls after this many cooked bytes.
                var at = parser.WrittenBeforeEvent;
                Assert.That(at, Is.InRange(_emitted, _destination.Length), "events are reported in order, within what was written");
                EmitUpTo(at);
                Positions.Add((line, at));
            }

            Lines.Add(line);
        }

        private void EmitUpTo(int count)
        {
            if (count > _emitted)
            {
                Lines.Add(Transcript.Data(_destination.AsSpan(_emitted, count - _emitted)));
                _emitted = count;
            }
        }
    }
}
