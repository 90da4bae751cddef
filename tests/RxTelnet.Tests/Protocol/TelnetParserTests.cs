namespace RxTelnet.Tests.Protocol;

using System.Runtime.CompilerServices;
using RxTelnet.Protocol;

/// <summary>
/// Targeted checks of <see cref="TelnetParser"/> that the golden vectors cannot express: explicit chunk boundaries,
/// the state it reports, <see cref="TelnetParser.Complete{THandler}"/> and <see cref="TelnetParser.Reset"/>,
/// where payloads live, and that steady-state parsing allocates nothing.
/// </summary>
[TestFixture]
public sealed class TelnetParserTests
{
    private const byte Iac = 255;

    [Test]
    public void Parse_CrEndsChunkAndNulStartsNext_DropsTheNul()
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();

        parser.Parse("line\r"u8, ref recorder);
        parser.Parse("\0next"u8, ref recorder);

        Assert.That(Transcript.Merge(recorder.Lines), Is.EqualTo(new[] { "DATA \"line%0Dnext\"" }), "CR NUL split across receives is still CR NUL (RFC 854)");
    }

    [Test]
    public void Parse_CrEndsChunkThenEmptyChunkThenNul_DropsTheNul()
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();

        parser.Parse("\r"u8, ref recorder);
        parser.Parse([], ref recorder);
        parser.Parse("\0"u8, ref recorder);

        Assert.That(Transcript.Merge(recorder.Lines), Is.EqualTo(new[] { "DATA \"%0D\"" }), "an empty receive does not forget the pending CR");
    }

    [TestCase(new byte[] { }, TelnetParserState.Data)]
    [TestCase(new byte[] { 65, 13 }, TelnetParserState.Data)]
    [TestCase(new byte[] { Iac }, TelnetParserState.Iac)]
    [TestCase(new byte[] { Iac, 253 }, TelnetParserState.Negotiation)]
    [TestCase(new byte[] { Iac, 250 }, TelnetParserState.Sb)]
    [TestCase(new byte[] { Iac, 250, 24 }, TelnetParserState.SbData)]
    [TestCase(new byte[] { Iac, 250, 24, 1, Iac }, TelnetParserState.SbDataIac)]
    [TestCase(new byte[] { Iac, 250, 24, 1, Iac, 240 }, TelnetParserState.Data)]
    public void State_AfterInput_SaysWhatIsStillOwed(byte[] input, TelnetParserState expected)
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();

        parser.Parse(input, ref recorder);

        Assert.That(parser.State, Is.EqualTo(expected), "the state names the incomplete sequence, Data when nothing is owed");
    }

    [Test]
    public void Complete_BetweenSequences_ReturnsTrueAndReportsNothing()
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();
        parser.Parse([Iac, 241], ref recorder);

        Assert.That(parser.Complete(ref recorder), Is.True, "the stream ended cleanly");
        Assert.That(recorder.Lines, Is.EqualTo(new[] { "IAC 241 (NOP)" }), "no warning for a clean end");
    }

    [Test]
    public void Complete_InsideSequence_ReturnsFalseWarnsAndStartsOver()
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();
        parser.Parse([Iac, 250, 24, 1], ref recorder);

        Assert.That(parser.Complete(ref recorder), Is.False, "the stream ended inside a subnegotiation");
        Assert.That(parser.State, Is.EqualTo(TelnetParserState.Data), "after Complete the parser is ready for a new stream");
        parser.Parse([2, Iac, 240], ref recorder);
        Assert.That(recorder.Lines, Is.EqualTo(new[] { "WARNING TruncatedSequence SB 24 (TTYPE)", "DATA \"%02\"", "IAC 240 (SE)" }), "the next stream starts in the data state: nothing of the dropped subnegotiation leaks into it");
    }

    [Test]
    public void Reset_InsideSubnegotiation_ForgetsItSilently()
    {
        var parser = new TelnetParser();
        var recorder = new Transcript.Recorder();
        parser.Parse([Iac, 250, 24, .. "abc"u8], ref recorder);

        parser.Reset();
        parser.Parse("\r"u8, ref recorder);
        parser.Reset();
        parser.Parse("\0x"u8, ref recorder);

        Assert.That(Transcript.Merge(recorder.Lines), Is.EqualTo(new[] { "DATA \"%0D%00x\"" }), "Reset drops the partial subnegotiation and the pending CR without a warning");
    }

    [Test]
    public void Parse_SubnegotiationSplitAcrossChunks_ReportsPayloadFromOwnBuffer()
    {
        var parser = new TelnetParser();
        var handler = new OffsetHandler();

        parser.Parse([Iac, 250, 24, 0, .. "vt"u8], ref handler);
        parser.Parse([.. "100"u8, Iac, 240], ref handler);

        Assert.That(handler.Payloads, Is.EqualTo(new[] { ("007674313030", -1) }), "a payload that spans chunks is no slice of the current input, so the offset is -1");
    }

    [Test]
    public void Parse_SubnegotiationInOneChunk_ReportsPayloadOffsetInInput()
    {
        var parser = new TelnetParser();
        var handler = new OffsetHandler();

        parser.Parse([.. "ab"u8, Iac, 250, 24, 0, .. "vt100"u8, Iac, 240], ref handler);

        Assert.That(handler.Payloads, Is.EqualTo(new[] { ("007674313030", 5) }), "an unescaped payload in one chunk is reported as a slice at its offset");
    }

    [Test]
    public void Parse_EscapedIacInSubnegotiation_ReportsPayloadFromOwnBuffer()
    {
        var parser = new TelnetParser();
        var handler = new OffsetHandler();

        parser.Parse([Iac, 250, 24, 1, Iac, Iac, 2, Iac, 240], ref handler);

        Assert.That(handler.Payloads, Is.EqualTo(new[] { ("01FF02", -1) }), "unescaping makes the payload differ from the input, so it comes from the parser's buffer");
    }

    [TestCase(0x11, TestName = "Parse_TelnetlibWholeSubnegotiationWithDc1InLongChunk_DropsTheDc1")]
    [TestCase(0x00, TestName = "Parse_TelnetlibWholeSubnegotiationWithNulInLongChunk_DropsTheNul")]
    public void Parse_TelnetlibWholeSubnegotiationInLongChunk_DropsTheByte(byte dropped)
    {
        // Long enough for the vectorised scans: the whole-subnegotiation fast path must stop where the state machine does.
        byte[] input = [Iac, 250, 24, (byte)'a', dropped, (byte)'b', Iac, 240, .. Enumerable.Repeat((byte)'.', 40)];

        Assert.Multiple(() =>
        {
            Assert.That(Transcript.ParseWhole(input, TelnetParserOptions.Telnetlib), Is.EqualTo(new[] { "SB 24 (TTYPE) \"ab\"", "DATA \"" + new string('.', 40) + "\"" }), "telnetlib drops the byte inside the payload in one long chunk");
            Assert.That(Transcript.ParseWhole(input, TelnetParserOptions.Telnetlib), Is.EqualTo(Transcript.ParseBytewise(input, TelnetParserOptions.Telnetlib)), "the fast path agrees with the state machine");
        });
    }

    [Test]
    public void Constructor_NullOptions_UsesDefault()
    {
        Assert.That(new TelnetParser(null).Options, Is.SameAs(TelnetParserOptions.Default), "null means the documented defaults");
    }

    [TestCase("default")]
    [TestCase("telnetlib")]
    public void Parse_Same64KiBChunkRepeatedly_AllocatesNothing(string mode)
    {
        var options = mode == "telnetlib" ? TelnetParserOptions.Telnetlib : TelnetParserOptions.Default;
        var chunk = MixedChunk(64 * 1024);
        var parser = new TelnetParser(options);
        var handler = new CountingHandler();

        // Warm up: JIT, static initialisers and the subnegotiation buffer's one-time growth.
        AllocatedWhileParsing(parser, chunk, ref handler, times: 4);

        var eventsBefore = handler.Events;
        var allocated = AllocatedWhileParsing(parser, chunk, ref handler, times: 16);

        Assert.That(handler.Events - eventsBefore, Is.GreaterThan(16 * 1000), "the chunk is busy: data runs, commands, negotiations and subnegotiations");
        Assert.That(allocated, Is.Zero, "steady-state parsing with a struct handler allocates nothing, whatever the content");
    }

    /// <summary>
    /// Counts the bytes allocated on this thread while parsing, and nothing else: kept out of line so that the
    /// optimiser cannot move the assertions' own allocations (boxed constants) into the measured window.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static long AllocatedWhileParsing<THandler>(TelnetParser parser, byte[] chunk, ref THandler handler, int times)
        where THandler : struct, ITelnetParserHandler
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
        {
            parser.Parse(chunk, ref handler);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// A chunk of exactly <paramref name="length"/> bytes that exercises every path: text with CR LF and CR NUL, bare
    /// NUL and DC1, IAC IAC, commands, negotiations, and subnegotiations both plain (sliced) and, when
    /// <paramref name="escapedPayloads"/>, escaped (buffered). It ends between sequences, so it can be parsed again and again.
    /// </summary>
    internal static byte[] MixedChunk(int length, bool escapedPayloads = true)
    {
        byte[] unit =
        [
            .. "login: user\r\n"u8, .. "bare\r"u8, 0, 0x11, 0, Iac, Iac, Iac, 241, Iac, 253, 24, Iac, 251, 1,
            Iac, 250, 24, 0, .. "xterm-256color"u8, Iac, 240,
            .. (escapedPayloads ? (byte[])[Iac, 250, 31, 0, 80, Iac, Iac, 0, 24, Iac, 240] : [Iac, 250, 31, 0, 80, 0, 24, Iac, 240]),
        ];
        var chunk = new byte[length];
        var at = 0;
        while (at + unit.Length <= length)
        {
            unit.CopyTo(chunk, at);
            at += unit.Length;
        }

        chunk.AsSpan(at).Fill((byte)'.');
        return chunk;
    }

    private struct CountingHandler : ITelnetParserHandler
    {
        public long Events;

        public void OnData(ReadOnlySpan<byte> data, int inputOffset) => Events++;

        public void OnCommand(TelnetVerb verb) => Events++;

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => Events++;

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Events++;

        public void OnWarning(TelnetWarning warning) => Events++;
    }

    private struct OffsetHandler : ITelnetParserHandler
    {
        public OffsetHandler()
        {
        }

        public List<(string Payload, int Offset)> Payloads { get; } = [];

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
        }

        public readonly void OnCommand(TelnetVerb verb)
        {
        }

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option)
        {
        }

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) =>
            Payloads.Add((Convert.ToHexString(payload), inputOffset));

        public readonly void OnWarning(TelnetWarning warning)
        {
        }
    }
}
