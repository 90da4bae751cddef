namespace RxTelnet.Tests.Protocol;

using FsCheck;
using FsCheck.Fluent;
using RxTelnet.Protocol;

/// <summary>FsCheck generators for Telnet streams, biased towards the bytes the parser treats specially.</summary>
internal static class TelnetGen
{
    private static readonly byte[] Specials = [0, 10, 13, 0x11, 1, 24, 236, 239, 240, 241, 249, 250, 251, 252, 253, 254, 255, 255, 255];

    /// <summary>A byte that is special to the parser half the time (IAC the most often), otherwise any byte.</summary>
    public static Gen<byte> Byte { get; } = Gen.Frequency(
        (5, Gen.Elements(Specials)),
        (3, Gen.Choose(0x20, 0x7E).Select(i => (byte)i)),
        (2, Gen.Choose(0, 255).Select(i => (byte)i)));

    /// <summary>Text-ish bytes: CR, LF, NUL and IAC among printable ASCII.</summary>
    public static Gen<byte> TextByte { get; } = Gen.Frequency(
        (4, Gen.Elements<byte>(13, 10, 0, 255)),
        (6, Gen.Choose(0x20, 0x7E).Select(i => (byte)i)));

    public static Gen<TelnetParserOptions> Options { get; } = Gen.Elements(
        TelnetParserOptions.Default,
        TelnetParserOptions.Telnetlib,
        TelnetParserOptions.Default with { CollapseCrNul = false },
        TelnetParserOptions.Default with { MaxSubnegotiationLength = 3 },
        TelnetParserOptions.Telnetlib with { MaxSubnegotiationLength = 1 });

    public static Gen<byte[]> Bytes(Gen<byte> element, int sizeFactor = 2) =>
        Gen.Sized(size => Gen.Choose(0, size * sizeFactor).SelectMany(length => Gen.ArrayOf(element, length)));

    /// <summary>Chunk lengths; 0 is allowed on purpose (an empty receive must change nothing).</summary>
    public static Gen<int[]> ChunkLengths { get; } = Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 8)), (2, Gen.Choose(9, 64))));

    /// <summary>Any command the encoder can write: two-byte commands, negotiations and subnegotiations with random payloads.</summary>
    public static Gen<TelnetCommand> Command { get; } = Gen.OneOf(
        Gen.Choose(0, 249).Select(b => TelnetCommand.Simple((TelnetVerb)b)),
        Gen.Elements(TelnetVerb.Will, TelnetVerb.Wont, TelnetVerb.Do, TelnetVerb.Dont)
            .SelectMany(verb => Gen.Choose(0, 255).Select(option => TelnetCommand.Negotiation(verb, (TelnetOption)option))),
        Gen.Choose(0, 255)
            .SelectMany(option => Bytes(Byte, 1).Select(payload => TelnetCommand.Subnegotiation((TelnetOption)option, payload))));

    /// <summary>Cuts <paramref name="input"/> into ranges of the given lengths (cycled), so any stream can use any chunking.</summary>
    public static IEnumerable<Range> Chunks(int inputLength, int[] lengths)
    {
        if (lengths.All(l => l == 0))
        {
            yield return Range.All;
            yield break;
        }

        var at = 0;
        for (var i = 0; at < inputLength; i++)
        {
            var length = Math.Min(lengths[i % lengths.Length], inputLength - at);
            yield return new Range(at, at + length);
            at += length;
        }
    }

    /// <summary>Shrinks a byte array by dropping one byte at a time (enough to make counterexamples readable).</summary>
    public static IEnumerable<byte[]> ShrinkBytes(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length).Select(i => (byte[])[.. bytes[..i], .. bytes[(i + 1)..]]);
}
