namespace RxTelnet.Tests.Protocol;

using System.Buffers;
using RxTelnet.Protocol;

/// <summary>
/// <see cref="TelnetEncoder"/> byte for byte. Expected bytes are written in the vector notation (<c>%XX</c> for any
/// byte) and compared as <see cref="Transcript.Quote"/> strings so that a failure shows readable bytes.
/// </summary>
[TestFixture]
public sealed class TelnetEncoderTests
{
    [TestCase("", "")]
    [TestCase("plain text", "plain text")]
    [TestCase("%FF", "%FF%FF")]
    [TestCase("a%FFb%FF%FFc", "a%FF%FFb%FF%FF%FF%FFc")]
    [TestCase("%0D%00%0A", "%0D%00%0A")]
    public void EscapeData_Data_DoublesEveryIacAndNothingElse(string data, string expected)
    {
        var input = GoldenVector.DecodeEscapes(data);

        Assert.That(Transcript.Quote(TelnetEncoder.EscapeData(input)), Is.EqualTo(Transcript.Quote(GoldenVector.DecodeEscapes(expected))), "RFC 854: a data byte 255 is sent as IAC IAC");
        Assert.That(TelnetEncoder.GetEscapedLength(input), Is.EqualTo(GoldenVector.DecodeEscapes(expected).Length), "GetEscapedLength predicts the escaped size exactly");
    }

    [Test]
    public void EscapeData_DestinationOfExactLength_WritesEverything()
    {
        byte[] data = [1, 255, 2, 255];
        var destination = new byte[TelnetEncoder.GetEscapedLength(data)];

        var written = TelnetEncoder.EscapeData(data, destination);

        Assert.That(written, Is.EqualTo(6), "two IACs doubled: four bytes become six");
        Assert.That(destination, Is.EqualTo(new byte[] { 1, 255, 255, 2, 255, 255 }), "the span overload writes the same bytes as the array one");
    }

    [Test]
    public void EscapeData_LargerDestination_ReturnsBytesWrittenAndLeavesTheRest()
    {
        var destination = new byte[8];
        destination.AsSpan().Fill(0xAA);

        var written = TelnetEncoder.EscapeData([7, 255], destination);

        Assert.That(written, Is.EqualTo(3), "the return value is what was written, not the destination size");
        Assert.That(destination[3..], Is.All.EqualTo(0xAA), "bytes past the written length are untouched");
    }

    [TestCase(new byte[] { 1, 2, 3 }, 2)]
    [TestCase(new byte[] { 1, 255 }, 2)] // the doubled IAC needs two bytes, only one is left
    [TestCase(new byte[] { 255 }, 1)]
    [TestCase(new byte[] { 255, 255 }, 3)]
    public void EscapeData_DestinationTooSmall_ThrowsArgumentExceptionNamingIt(byte[] data, int destinationLength)
    {
        var destination = new byte[destinationLength];

        var ex = Assert.Throws<ArgumentException>(() => TelnetEncoder.EscapeData(data, destination));

        Assert.That(ex!.ParamName, Is.EqualTo("destination"), "the exception names the buffer that is too small");
    }

    // None: IAC doubled, line ends untouched (binary data, telnetlib's write).
    [TestCase("a%0Db%0Ac%0D%0A%FF", TelnetNewline.None, "a%0Db%0Ac%0D%0A%FF%FF")]
    [TestCase("%0D", TelnetNewline.None, "%0D")]

    // Nvt (RFC 854): a CR not followed by LF becomes CR NUL; CR LF and LF pass; IAC doubled.
    [TestCase("a%0Db", TelnetNewline.Nvt, "a%0D%00b")]
    [TestCase("a%0D", TelnetNewline.Nvt, "a%0D%00")]
    [TestCase("a%0D%0Ab", TelnetNewline.Nvt, "a%0D%0Ab")]
    [TestCase("a%0Ab", TelnetNewline.Nvt, "a%0Ab")]
    [TestCase("%0D%0D%0A", TelnetNewline.Nvt, "%0D%00%0D%0A")]
    [TestCase("%0D%FF", TelnetNewline.Nvt, "%0D%00%FF%FF")]
    [TestCase("%FF%0D%0A%FF", TelnetNewline.Nvt, "%FF%FF%0D%0A%FF%FF")]

    // NvtCrLf: as Nvt, and a bare LF becomes CR LF; an LF that already follows CR is not doubled.
    [TestCase("a%0Ab", TelnetNewline.NvtCrLf, "a%0D%0Ab")]
    [TestCase("a%0D%0Ab", TelnetNewline.NvtCrLf, "a%0D%0Ab")]
    [TestCase("%0A%0A", TelnetNewline.NvtCrLf, "%0D%0A%0D%0A")]
    [TestCase("%0D%0A%0A", TelnetNewline.NvtCrLf, "%0D%0A%0D%0A")]
    [TestCase("a%0Db", TelnetNewline.NvtCrLf, "a%0D%00b")]
    [TestCase("%0D%0D%0A%FF", TelnetNewline.NvtCrLf, "%0D%00%0D%0A%FF%FF")]
    [TestCase("", TelnetNewline.NvtCrLf, "")]
    public void EncodeText_Mode_AppliesItsLineEndRulesAndDoublesIac(string text, TelnetNewline newline, string expected)
    {
        var input = GoldenVector.DecodeEscapes(text);
        var want = Transcript.Quote(GoldenVector.DecodeEscapes(expected));
        var writer = new ArrayBufferWriter<byte>();

        TelnetEncoder.EncodeText(input, newline, writer);

        Assert.That(Transcript.Quote(TelnetEncoder.EncodeText(input, newline)), Is.EqualTo(want), $"{newline}: the wire form of {Transcript.Quote(input)}");
        Assert.That(Transcript.Quote(writer.WrittenSpan), Is.EqualTo(want), "the IBufferWriter overload writes the same bytes");
    }

    [Test]
    public void EncodeText_UndefinedNewline_ThrowsArgumentOutOfRangeExceptionNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TelnetEncoder.EncodeText("a"u8, (TelnetNewline)42));

        Assert.That(ex!.ParamName, Is.EqualTo("newline"), "an undefined mode is a programmer error, reported by name");
    }

    [Test]
    public void EncodeText_NullWriter_ThrowsArgumentNullException()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => TelnetEncoder.EncodeText("a"u8, TelnetNewline.Nvt, null!));

        Assert.That(ex!.ParamName, Is.EqualTo("writer"), "the exception names the null writer");
    }

    [TestCase(TelnetVerb.Nop, new byte[] { 255, 241 })]
    [TestCase(TelnetVerb.AreYouThere, new byte[] { 255, 246 })]
    [TestCase(TelnetVerb.GoAhead, new byte[] { 255, 249 })]
    [TestCase(TelnetVerb.EndOfRecord, new byte[] { 255, 239 })]
    [TestCase((TelnetVerb)200, new byte[] { 255, 200 })]
    public void Command_Verb_IsIacThenTheVerb(TelnetVerb verb, byte[] expected)
    {
        Assert.That(TelnetEncoder.Command(verb), Is.EqualTo(expected), "RFC 854: a command is IAC followed by its code");
    }

    // IAC SB / IAC WILL... alone would make the peer read the following bytes as an option or payload, and IAC IAC
    // is a data byte: none of them is a two-byte command.
    [TestCase(TelnetVerb.Sb)]
    [TestCase(TelnetVerb.Will)]
    [TestCase(TelnetVerb.Wont)]
    [TestCase(TelnetVerb.Do)]
    [TestCase(TelnetVerb.Dont)]
    [TestCase(TelnetVerb.Iac)]
    public void Command_VerbThatNeedsMoreBytes_ThrowsArgumentOutOfRangeExceptionNamingVerb(TelnetVerb verb)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TelnetEncoder.Command(verb));

        Assert.That(ex!.ParamName, Is.EqualTo("verb"), "writing only IAC and this byte would desynchronise the peer's parser");
    }

    [Test]
    public void Encode_SimpleCommandIac_ThrowsArgumentExceptionNamingCommand()
    {
        var ex = Assert.Throws<ArgumentException>(() => TelnetEncoder.Encode(TelnetCommand.Simple(TelnetVerb.Iac)));

        Assert.That(ex!.ParamName, Is.EqualTo("command"), "IAC IAC is the data byte 255, so encoding it as a command would not round-trip");
    }

    [TestCase(TelnetVerb.Will, TelnetOption.Echo, new byte[] { 255, 251, 1 })]
    [TestCase(TelnetVerb.Wont, TelnetOption.SuppressGoAhead, new byte[] { 255, 252, 3 })]
    [TestCase(TelnetVerb.Do, TelnetOption.TerminalType, new byte[] { 255, 253, 24 })]
    [TestCase(TelnetVerb.Dont, TelnetOption.ExtendedOptionsList, new byte[] { 255, 254, 255 })]
    public void Negotiation_VerbAndOption_IsIacVerbOption(TelnetVerb verb, TelnetOption option, byte[] expected)
    {
        Assert.That(TelnetEncoder.Negotiation(verb, option), Is.EqualTo(expected), "RFC 854: IAC WILL/WONT/DO/DONT option, the option byte never escaped");
    }

    [TestCase(TelnetVerb.Nop)]
    [TestCase(TelnetVerb.Sb)]
    [TestCase(TelnetVerb.Se)]
    [TestCase(TelnetVerb.Iac)]
    [TestCase((TelnetVerb)0)]
    public void Negotiation_NotANegotiationVerb_ThrowsArgumentOutOfRangeExceptionNamingVerb(TelnetVerb verb)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TelnetEncoder.Negotiation(verb, TelnetOption.Echo));

        Assert.That(ex!.ParamName, Is.EqualTo("verb"), "only WILL, WONT, DO and DONT negotiate; the exception names the parameter");
    }

    [Test]
    public void Subnegotiation_PayloadWithIac_IsFramedAndEscaped()
    {
        var wire = TelnetEncoder.Subnegotiation(TelnetOption.Naws, [0, 80, 255, 24]);

        Assert.That(wire, Is.EqualTo(new byte[] { 255, 250, 31, 0, 80, 255, 255, 24, 255, 240 }), "RFC 855: IAC SB option payload IAC SE, the 255 of NAWS height 65304 doubled (RFC 1073)");
    }

    [Test]
    public void Subnegotiation_EmptyPayload_IsJustTheFrame()
    {
        Assert.That(TelnetEncoder.Subnegotiation(TelnetOption.Charset, []), Is.EqualTo(new byte[] { 255, 250, 42, 255, 240 }), "an empty payload still gets IAC SB option ... IAC SE");
    }

    [Test]
    public void Encode_EachKindOfCommand_MatchesTheSpecificEncoder()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TelnetEncoder.Encode(TelnetCommand.Simple(TelnetVerb.AbortOutput)), Is.EqualTo(TelnetEncoder.Command(TelnetVerb.AbortOutput)), "a two-byte command");
            Assert.That(TelnetEncoder.Encode(TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.Naws)), Is.EqualTo(TelnetEncoder.Negotiation(TelnetVerb.Do, TelnetOption.Naws)), "a negotiation");
            Assert.That(TelnetEncoder.Encode(TelnetCommand.Subnegotiation(TelnetOption.TerminalType, new byte[] { 0, 255 })), Is.EqualTo(TelnetEncoder.Subnegotiation(TelnetOption.TerminalType, [0, 255])), "a subnegotiation, payload escaped");
        });
    }

    [TestCase(TelnetVerb.Will)]
    [TestCase(TelnetVerb.Sb)]
    public void Encode_NegotiationOrSubnegotiationWithoutOption_ThrowsArgumentExceptionNamingCommand(TelnetVerb verb)
    {
        var ex = Assert.Throws<ArgumentException>(() => TelnetEncoder.Encode(new TelnetCommand(verb)));

        Assert.That(ex!.ParamName, Is.EqualTo("command"), "a negotiation or subnegotiation cannot be written without its option");
    }

    [Test]
    public void Errors_NameTheValueAndTheWayOut()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TelnetEncoder.EscapeData([255, 1], new byte[2]), Throws.ArgumentException.With.Message.Contains("holds 2 bytes").And.Property("ParamName").EqualTo("destination"));
            Assert.That(() => TelnetEncoder.EncodeText("a"u8, (TelnetNewline)9), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Unknown newline mode").And.Property("ActualValue").EqualTo((TelnetNewline)9));
            Assert.That(() => TelnetEncoder.Command(TelnetVerb.Will), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Not a two-byte command").And.Property("ActualValue").EqualTo(TelnetVerb.Will));
            Assert.That(() => TelnetEncoder.Negotiation(TelnetVerb.Nop, TelnetOption.Echo), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("WILL, WONT, DO or DONT").And.Property("ActualValue").EqualTo(TelnetVerb.Nop));
            Assert.That(() => TelnetEncoder.Encode(new TelnetCommand(TelnetVerb.Iac)), Throws.ArgumentException.With.Message.Contains("EscapeData").And.Property("ParamName").EqualTo("command"));
            Assert.That(() => TelnetEncoder.Encode(new TelnetCommand(TelnetVerb.Do)), Throws.ArgumentException.With.Message.StartsWith("Do needs an option").And.Property("ParamName").EqualTo("command"));
        });
    }
}
