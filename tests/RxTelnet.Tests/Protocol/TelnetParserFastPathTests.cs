namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

/// <summary>
/// The parser's inline paths (whole negotiations, commands and subnegotiations taken in the data loop) give exactly
/// what the state machine gives, and are actually taken: <see cref="TelnetParser.StateMachineHandoffs"/> counts the
/// sequences handed over, so switching an inline path off shows here and not only in a benchmark.
/// </summary>
[TestFixture]
public sealed class TelnetParserFastPathTests
{
    private const byte Iac = 255, Sb = 250, Se = 240, Nop = 241, Do = 253, Will = 251, Dc1 = 0x11;

    public static IEnumerable<TestCaseData> WholeSequences()
    {
        yield return Case("negotiation", [.. "a"u8, Iac, Do, 24, .. "b"u8]);
        yield return Case("WILL, the lowest negotiation verb", [Iac, Will, 1]);
        yield return Case("WONT", [Iac, 252, 1]);
        yield return Case("DONT, the highest negotiation verb", [Iac, 254, 1]);
        yield return Case("CR, subnegotiation, NUL", [.. "x\r"u8, Iac, Sb, 24, .. "a"u8, Iac, Se, 0, .. "y"u8]);
        yield return Case("default cooking keeps NUL and DC1 in a long payload", [Iac, Sb, 24, .. "a"u8, 0, Dc1, .. Enumerable.Repeat((byte)'p', 40), Iac, Se]);
        yield return Case("command", [.. "a"u8, Iac, Nop, .. "b"u8]);
        yield return Case("escaped IAC", [.. "a"u8, Iac, Iac, .. "b"u8]);
        yield return Case("subnegotiation", [.. "a"u8, Iac, Sb, 24, 0, .. "vt100"u8, Iac, Se, .. "b"u8]);
        yield return Case("empty subnegotiation", [Iac, Sb, 24, Iac, Se]);
        yield return Case("subnegotiation at the limit", [Iac, Sb, 24, .. "12345678"u8, Iac, Se], max: 8);
        yield return Case("telnetlib subnegotiation", [.. "a"u8, 0, Dc1, Iac, Sb, 24, .. "vt100"u8, Iac, Se, .. "b"u8], TelnetParserOptions.Telnetlib);
        yield return Case("long data before a subnegotiation", [.. Enumerable.Repeat((byte)'x', 700), Iac, Sb, 24, .. Enumerable.Repeat((byte)'p', 600), Iac, Se, .. "b"u8]);

        static TestCaseData Case(string name, byte[] input, TelnetParserOptions? options = null, int max = 0) =>
            new TestCaseData(input, max > 0 ? (options ?? TelnetParserOptions.Default) with { MaxSubnegotiationLength = max } : options).SetArgDisplayNames(name);
    }

    public static IEnumerable<TestCaseData> HandedOver()
    {
        yield return Case("escaped payload", [Iac, Sb, 24, Iac, Iac, Iac, Se]);
        yield return Case("payload over the limit", [Iac, Sb, 24, .. "123456789"u8, Iac, Se], max: 8);
        yield return Case("payload without its IAC SE", [Iac, Sb, 24, .. "12"u8]);
        yield return Case("IAC SB at the end", [.. "a"u8, Iac, Sb]);
        yield return Case("IAC SB option at the end", [.. "a"u8, Iac, Sb, 24]);
        yield return Case("IAC SE cut after IAC", [Iac, Sb, 24, .. "1"u8, Iac]);
        yield return Case("negotiation without its option", [.. "a"u8, Iac, Will]);
        yield return Case("telnetlib DC1 in the payload", [Iac, Sb, 24, .. "a"u8, Dc1, .. "b"u8, Iac, Se], TelnetParserOptions.Telnetlib);
        yield return Case("telnetlib NUL in the payload", [Iac, Sb, 24, 0, .. "b"u8, Iac, Se], TelnetParserOptions.Telnetlib);
        yield return Case("command inside the payload", [Iac, Sb, 24, .. "a"u8, Iac, Nop, .. "b"u8]);

        static TestCaseData Case(string name, byte[] input, TelnetParserOptions? options = null, int max = 0) =>
            new TestCaseData(input, max > 0 ? (options ?? TelnetParserOptions.Default) with { MaxSubnegotiationLength = max } : options).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(WholeSequences))]
    public void Parse_WholeSequenceInOneChunk_TakesTheInlinePathWithTheStateMachinesResult(byte[] input, TelnetParserOptions? options)
    {
        var parser = new TelnetParser(options);
        var recorder = new Transcript.Recorder { Input = input };

        parser.Parse(input, ref recorder);
        parser.Complete(ref recorder);

        Assert.That(parser.StateMachineHandoffs, Is.Zero, "nothing was handed to the state machine");
        Assert.That(Transcript.Merge(recorder.Lines), Is.EqualTo(Transcript.ParseBytewise(input, options)), "byte by byte, everything goes through the state machine");
    }

    [TestCaseSource(nameof(HandedOver))]
    public void Parse_SequenceTheInlinePathCannotTake_IsHandedOverOnce(byte[] input, TelnetParserOptions? options)
    {
        var parser = new TelnetParser(options);
        var recorder = new Transcript.Recorder { Input = input };

        parser.Parse(input, ref recorder);
        parser.Complete(ref recorder);

        Assert.That(parser.StateMachineHandoffs, Is.EqualTo(1));
        Assert.That(Transcript.Merge(recorder.Lines), Is.EqualTo(Transcript.ParseBytewise(input, options)));
    }

    [Test]
    public void Parse_WholeSubnegotiationAfterIacEndingThePreviousChunk_IsReportedAsASliceAtItsOffset()
    {
        var parser = new TelnetParser();
        byte[] second = [Sb, 24, 0, .. "vt100"u8, Iac, Se];
        var recorder = new Transcript.Recorder();
        var offsets = new OffsetCapture();

        parser.Parse([.. "a"u8, Iac], ref recorder);
        parser.Parse(second, ref offsets);

        Assert.That(offsets.Offsets, Is.EqualTo(new[] { 2 }), "the state machine reports an unescaped payload in one chunk as a slice too");
    }

    [Test]
    public void Parse_OversizedSubnegotiation_IsNeverCopied()
    {
        var options = TelnetParserOptions.Default with { MaxSubnegotiationLength = 16 };
        byte[] input = [Iac, Sb, 24, .. Enumerable.Repeat((byte)'x', 100_000), Iac, Se, .. "ok"u8];
        var parser = new TelnetParser(options);
        var recorder = new Transcript.Recorder();
        parser.Parse([.. "warm"u8, Iac, Sb, 24, .. "1"u8, Iac, Iac, Iac, Se], ref recorder);

        var allocated = TelnetParserTests.AllocatedWhileParsing(parser, input, ref recorder, times: 1);

        Assert.That(recorder.Lines[^2..], Is.EqualTo(new[] { "WARNING SubnegotiationTooLong SB 24 (TTYPE)", "DATA \"ok\"" }));
        Assert.That(allocated, Is.LessThan(4096), "past the limit nothing is kept, so no buffer grows to hold it");
    }

    [Test]
    public void Parse_EscapedPayload_GrowsItsBufferGeometrically()
    {
        byte[] payload = [.. Enumerable.Range(0, 20).SelectMany(i => new byte[] { (byte)'a', Iac, Iac })];
        byte[] input = [Iac, Sb, 24, .. payload, Iac, Se];
        var parser = new TelnetParser();
        var handler = new CountOnly();

        var allocated = TelnetParserTests.AllocatedWhileParsing(parser, input, ref handler, times: 1);

        Assert.That(handler.Subnegotiations, Is.EqualTo(1));
        Assert.That(allocated, Is.LessThanOrEqualTo(256), "one 64-byte buffer holds the 40 bytes: no array per append, none sized to the limit");
    }

    private struct CountOnly : ITelnetParserHandler
    {
        public int Subnegotiations;

        public void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
        }

        public void OnCommand(TelnetVerb verb)
        {
        }

        public void OnNegotiation(TelnetVerb verb, TelnetOption option)
        {
        }

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Subnegotiations++;

        public void OnWarning(TelnetWarning warning)
        {
        }
    }

    private sealed class OffsetCapture : ITelnetParserHandler
    {
        public List<int> Offsets { get; } = [];

        public void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
        }

        public void OnCommand(TelnetVerb verb)
        {
        }

        public void OnNegotiation(TelnetVerb verb, TelnetOption option)
        {
        }

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Offsets.Add(inputOffset);

        public void OnWarning(TelnetWarning warning)
        {
        }
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(513)]
    [TestCase(4096)]
    public void Parse_LargeChunkAndSmallChunks_GiveTheSameTranscript(int chunk)
    {
        var input = TelnetParserTests.MixedChunk(64 * 1024);
        var chunks = Enumerable.Range(0, (input.Length + chunk - 1) / chunk).Select(i => new Range(i * chunk, Math.Min(input.Length, (i + 1) * chunk)));

        foreach (var options in new[] { TelnetParserOptions.Default, TelnetParserOptions.Telnetlib, TelnetParserOptions.Default with { CollapseCrNul = false } })
        {
            Assert.That(Transcript.Parse(input, options, chunks), Is.EqualTo(Transcript.ParseWhole(input, options)), $"chunks of {chunk}, telnetlib {options.TelnetlibCooking}, CR NUL {options.CollapseCrNul}");
        }
    }

    [Test]
    public void Parse_BusyChunkWithPlainPayloads_NeverUsesTheStateMachine()
    {
        var input = TelnetParserTests.MixedChunk(64 * 1024, escapedPayloads: false);
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();

        parser.Parse(input, ref recorder);

        Assert.That(recorder.Lines, Has.Count.GreaterThan(1000), "the chunk is busy");
        Assert.That(parser.StateMachineHandoffs, Is.Zero, "every sequence of a busy chunk is taken inline");
    }

    [Test]
    public void Parse_BusyChunkWithEscapedPayloads_HandsOverOnlyTheEscapedOnes()
    {
        var input = TelnetParserTests.MixedChunk(64 * 1024, escapedPayloads: true);
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();

        parser.Parse(input, ref recorder);

        var escaped = recorder.Lines.Count(line => line.StartsWith("SB 31", StringComparison.Ordinal));
        Assert.That(escaped, Is.GreaterThan(100));
        Assert.That(parser.StateMachineHandoffs, Is.EqualTo(escaped), "one handoff per escaped NAWS payload, none for the rest");
    }
}
