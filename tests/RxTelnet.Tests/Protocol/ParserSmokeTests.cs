namespace RxTelnet.Tests.Protocol;

using System.Text;
using RxTelnet.Protocol;

[TestFixture]
public sealed class ParserSmokeTests
{
    internal static List<string> Transcript(byte[] input, TelnetParserOptions? options = null, int split = -1)
    {
        var parser = new TelnetParser(options);
        var h = new Recorder { Events = [] };
        if (split < 0)
        {
            parser.Parse(input, ref h);
        }
        else
        {
            parser.Parse(input.AsSpan(0, split), ref h);
            parser.Parse(input.AsSpan(split), ref h);
        }

        parser.Complete(ref h);
        return Merge(h.Events);
    }

    private static List<string> Merge(List<string> events)
    {
        var result = new List<string>();
        foreach (var e in events)
        {
            if (e.StartsWith("D:", StringComparison.Ordinal) && result.Count > 0 && result[^1].StartsWith("D:", StringComparison.Ordinal))
            {
                result[^1] += e[2..];
            }
            else
            {
                result.Add(e);
            }
        }

        return result;
    }

    private struct Recorder : ITelnetParserHandler
    {
        public List<string> Events;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) => Events.Add("D:" + Convert.ToHexString(data));

        public readonly void OnCommand(TelnetVerb verb) => Events.Add("C:" + (byte)verb);

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) => Events.Add($"N:{(byte)verb}:{(byte)option}");

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Events.Add($"S:{(byte)option}:{Convert.ToHexString(payload)}");

        public readonly void OnWarning(TelnetWarning warning) => Events.Add("W:" + warning.Kind);
    }

    [Test]
    public void Parse_MixedStream_SameAtEverySplit()
    {
        byte[] input = [.. "ab\r\0c"u8, 255, 255, 0, 255, 253, 24, 255, 250, 31, 0, 80, 255, 255, 0, 24, 255, 240, 255, 241, .. "x\r\ny"u8, 0, 255, 249];
        var whole = Transcript(input);
        Assert.That(whole, Is.EqualTo(new[] { "D:61620D63FF00", "N:253:24", "S:31:0050FF0018", "C:241", "D:780D0A7900", "C:249" }));
        for (var i = 0; i <= input.Length; i++)
        {
            Assert.That(Transcript(input, split: i), Is.EqualTo(whole), $"split at {i}");
        }
    }

    [Test]
    public void Parse_TelnetlibCooking_DropsNulAndDc1Everywhere()
    {
        byte[] input = [.. "a\0b\u0011c\r\0"u8, 255, 250, 44, 0, 0, 37, 128, 255, 240];
        var t = Transcript(input, TelnetParserOptions.Telnetlib);
        Assert.That(t, Is.EqualTo(new[] { "D:6162630D", "S:44:2580" }));
    }

    [Test]
    public void Complete_InsideSequence_WarnsTruncated()
    {
        Assert.That(Transcript([65, 255]), Is.EqualTo(new[] { "D:41", "W:TruncatedSequence" }));
        Assert.That(Transcript([255, 250, 24, 1]), Is.EqualTo(new[] { "W:TruncatedSequence" }));
    }

    [Test]
    public void Parse_OversizedSb_WarnsAndSkipsToSe()
    {
        var options = new TelnetParserOptions { MaxSubnegotiationLength = 4 };
        byte[] input = [255, 250, 24, 1, 2, 3, 4, 5, 6, 255, 240, 65];
        for (var i = 0; i <= input.Length; i++)
        {
            Assert.That(Transcript(input, options, i), Is.EqualTo(new[] { "W:SubnegotiationTooLong", "D:41" }), $"split {i}");
        }
    }

    [Test]
    public void Encoder_Text_AppliesNvtRules()
    {
        var wire = TelnetEncoder.EncodeText("a\rb\r\nc\n\u00ff"u8.ToArray().Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray(), TelnetNewline.NvtCrLf);
        Assert.That(Encoding.Latin1.GetString(wire), Does.StartWith("a\r\0b\r\nc\r\n"));
    }
}
