namespace RxTelnet.Tests.Protocol;

using FsCheck;
using FsCheck.Fluent;
using RxTelnet.Protocol;

/// <summary>Chunking is invisible: whatever the stream and however it is cut, the parser reports the same thing.</summary>
[TestFixture]
public sealed class TelnetParserPropertyTests
{
    [FsCheck.NUnit.Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Parse_AnyStreamAnyChunking_SameMergedTranscript()
    {
        var cases =
            from input in TelnetGen.Bytes(TelnetGen.Byte, 3)
            from lengths in TelnetGen.ChunkLengths
            from options in TelnetGen.Options
            select new ChunkedStream(input, lengths, options);

        return Prop.ForAll(Arb.From(cases, ChunkedStream.Shrink), c =>
        {
            var whole = Transcript.ParseWhole(c.Input, c.Options);
            var chunked = Transcript.Parse(c.Input, c.Options, TelnetGen.Chunks(c.Input.Length, c.ChunkLengths));
            return whole.SequenceEqual(chunked)
                .Label("whole:   " + string.Join(" | ", whole))
                .Label("chunked: " + string.Join(" | ", chunked));
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property Parse_AnyStreamBytewise_SameMergedTranscript()
    {
        var cases =
            from input in TelnetGen.Bytes(TelnetGen.Byte)
            from options in TelnetGen.Options
            select new ChunkedStream(input, [1], options);

        return Prop.ForAll(Arb.From(cases, ChunkedStream.Shrink), c =>
            Transcript.ParseWhole(c.Input, c.Options).SequenceEqual(Transcript.ParseBytewise(c.Input, c.Options)));
    }

    [FsCheck.NUnit.Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Parse_AnyStream_MatchesTheByteByByteReferenceModel()
    {
        var cases =
            from input in TelnetGen.Bytes(TelnetGen.Byte, 3)
            from options in TelnetGen.Options
            select new ChunkedStream(input, [], options);

        return Prop.ForAll(Arb.From(cases, ChunkedStream.Shrink), c =>
        {
            var expected = ReferenceParser.Parse(c.Input, c.Options);
            var actual = Transcript.ParseWhole(c.Input, c.Options);
            return expected.SequenceEqual(actual)
                .Label("model:  " + string.Join(" | ", expected))
                .Label("parser: " + string.Join(" | ", actual));
        });
    }

    /// <summary>A stream, how to cut it, and the parser options; printed as hex when FsCheck reports a counterexample.</summary>
    public sealed record ChunkedStream(byte[] Input, int[] ChunkLengths, TelnetParserOptions Options)
    {
        public static IEnumerable<ChunkedStream> Shrink(ChunkedStream c) =>
            TelnetGen.ShrinkBytes(c.Input).Select(input => c with { Input = input });

        public override string ToString() =>
            $"{Convert.ToHexString(Input)} in chunks [{string.Join(",", ChunkLengths)}] with {Options}";
    }
}
