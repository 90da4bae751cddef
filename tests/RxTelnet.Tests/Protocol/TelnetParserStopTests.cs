namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

/// <summary>
/// <see cref="TelnetParser.StopAfterSubnegotiation"/>: <see cref="TelnetParser.Parse{THandler}"/> returns right after
/// the subnegotiation whose handler asked, on the inline path (whole <c>IAC SB … IAC SE</c> in one chunk) and on the
/// state machine (split or escaped payloads) alike; the request is one-shot; and what follows is parsed afresh.
/// </summary>
[TestFixture]
public sealed class TelnetParserStopTests
{
    private const byte Iac = 255, Sb = 250, Se = 240, Will = 251;
    private const byte Compress2 = 86;

    private static readonly byte[] WholeSb = [Iac, Sb, Compress2, (byte)'x', Iac, Se];

    [Test]
    public void Stop_WholeSubnegotiationInOneChunk_ReturnsRightAfterIacSe()
    {
        var (parser, handler) = Create(stopTimes: 1);
        byte[] input = [.. "ab"u8, .. WholeSb, .. "rest"u8];

        var consumed = parser.Parse(input, ref handler);

        Assert.That(consumed, Is.EqualTo(2 + WholeSb.Length), "the bytes after IAC SE are left to the caller");
        Assert.That(handler.Lines, Is.EqualTo(new[] { "DATA \"ab\"", "SB 86 (COMPRESS2) \"x\"" }), "nothing after the subnegotiation is reported");
        Assert.That(parser.State, Is.EqualTo(TelnetParserState.Data), "the parser stands between sequences");
    }

    [Test]
    public void Stop_SubnegotiationSplitAcrossChunks_ReturnsRightAfterIacSe()
    {
        var (parser, handler) = Create(stopTimes: 1);

        var first = parser.Parse([.. "ab"u8, Iac, Sb, Compress2, (byte)'x'], ref handler);
        var second = parser.Parse([(byte)'y', Iac, Se, .. "rest"u8], ref handler);

        Assert.That((first, second), Is.EqualTo((6, 3)), "the first chunk is all consumed, the second up to IAC SE");
        Assert.That(handler.Lines, Is.EqualTo(new[] { "DATA \"ab\"", "SB 86 (COMPRESS2) \"xy\"" }));
    }

    [Test]
    public void Stop_EscapedPayloadInOneChunk_ReturnsRightAfterIacSe()
    {
        var (parser, handler) = Create(stopTimes: 1);
        byte[] input = [Iac, Sb, Compress2, Iac, Iac, Iac, Se, .. "rest"u8];

        Assert.That(parser.Parse(input, ref handler), Is.EqualTo(7), "the state machine stops at the same place as the inline path");
        Assert.That(handler.Lines, Is.EqualTo(new[] { "SB 86 (COMPRESS2) \"%FF\"" }));
    }

    [TestCase("whole")]
    [TestCase("escaped")]
    public void Stop_IsOneShot_TheNextSubnegotiationDoesNotStop(string path)
    {
        var (parser, handler) = Create(stopTimes: 1);
        byte[] sb = path == "whole" ? WholeSb : [Iac, Sb, Compress2, Iac, Iac, Iac, Se];
        byte[] input = [.. sb, .. "a"u8, .. sb, .. "b"u8];

        var first = parser.Parse(input, ref handler);
        var second = parser.Parse(input.AsSpan(first), ref handler);

        Assert.That((first, second), Is.EqualTo((sb.Length, input.Length - sb.Length)), "only the subnegotiation whose handler asked stops the parse");
        Assert.That(handler.Lines, Has.Count.EqualTo(4), "SB, a, SB, b");
    }

    [TestCase("whole")]
    [TestCase("split")]
    public void Stop_NulRightAfterTheSubnegotiation_IsDataNotTheEndOfCrNul(string path)
    {
        var (parser, handler) = Create(stopTimes: 1);
        parser.Parse("x\r"u8, ref handler);

        int consumed;
        byte[] rest;
        if (path == "whole")
        {
            byte[] input = [.. WholeSb, 0, (byte)'y'];
            consumed = parser.Parse(input, ref handler);
            rest = input[consumed..];
        }
        else
        {
            parser.Parse(WholeSb.AsSpan(0, 3), ref handler);
            byte[] input = [.. WholeSb.AsSpan(3), 0, (byte)'y'];
            consumed = parser.Parse(input, ref handler);
            rest = input[consumed..];
        }

        Assert.That(rest, Is.EqualTo(new byte[] { 0, (byte)'y' }), "the parse stopped right after IAC SE");
        parser.Parse(rest, ref handler);

        Assert.That(Transcript.Merge(handler.Lines), Is.EqualTo(new[] { "DATA \"x%0D\"", "SB 86 (COMPRESS2) \"x\"", "DATA \"%00y\"" }), "the CR was followed by a command, so the NUL is ordinary data");
    }

    [Test]
    public void Stop_RequestedOutsideASubnegotiation_TakesEffectAtTheNextOne()
    {
        var parser = new TelnetParser();
        var handler = new StoppingHandler(parser, stopTimes: 0);

        // Asked before the parse (say, by a handler seeing data): the negotiation split across chunks does not stop it.
        parser.StopAfterSubnegotiation();
        var first = parser.Parse([.. "ab"u8, Iac, Will], ref handler);
        var second = parser.Parse([1, .. "cd"u8, .. WholeSb, .. "ef"u8], ref handler);

        Assert.That((first, second), Is.EqualTo((4, 3 + WholeSb.Length)), "only the end of a subnegotiation stops the parse");
        Assert.That(handler.Lines, Is.EqualTo(new[] { "DATA \"ab\"", "WILL 1 (ECHO)", "DATA \"cd\"", "SB 86 (COMPRESS2) \"x\"" }));
    }

    private static (TelnetParser Parser, StoppingHandler Handler) Create(int stopTimes)
    {
        var parser = new TelnetParser();
        return (parser, new StoppingHandler(parser, stopTimes));
    }

    /// <summary>Records what the parser reports and asks it to stop after the first <c>stopTimes</c> subnegotiations.</summary>
    private sealed class StoppingHandler(TelnetParser parser, int stopTimes) : ITelnetParserHandler
    {
        private int _stopsLeft = stopTimes;

        public List<string> Lines { get; } = [];

        public void OnData(ReadOnlySpan<byte> data, int inputOffset) => Lines.Add(Transcript.Data(data));

        public void OnCommand(TelnetVerb verb) => Lines.Add(Transcript.Command(verb));

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => Lines.Add(Transcript.Negotiation(verb, option));

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
            Lines.Add(Transcript.Subnegotiation(option, payload));
            if (_stopsLeft > 0)
            {
                _stopsLeft--;
                parser.StopAfterSubnegotiation();
            }
        }

        public void OnWarning(TelnetWarning warning) => Lines.Add(Transcript.Warning(warning));
    }
}
