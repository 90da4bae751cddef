namespace RxTelnet.Tests.Reliability;

using FsCheck;
using RxTelnet.Protocol;

/// <summary>
/// The fuzz harness's core invariants as properties, so that every test run (not only a fuzz run) checks them
/// on a few hundred generated streams biased towards Telnet's special bytes.
/// </summary>
[TestFixture]
public sealed class ParserPropertyTests
{
    private static readonly byte[] Specials = [255, 255, 255, 250, 240, 251, 252, 253, 254, 241, 249, 13, 10, 0, 17, 24, 31, 1];

    private static List<string> Transcript(byte[] input, TelnetParserOptions options, IEnumerable<int> cuts)
    {
        var parser = new TelnetParser(options);
        var recorder = new Recorder { Events = [] };
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < input.Length).Distinct().Order().Append(input.Length))
        {
            parser.Parse(input.AsSpan(start, cut - start), ref recorder);
            start = cut;
        }

        parser.Complete(ref recorder);
        return Hostile.MergeData(recorder.Events);
    }

    private static byte[] Biased(byte[] raw) => [.. raw.Select(b => b < 128 ? Specials[b % Specials.Length] : b)];

#pragma warning disable NUnit1027 // FsCheck, not an NUnit attribute, supplies the arguments.
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public bool Parse_AnyChunking_SameTranscript(byte[] raw, int[] cuts, bool telnetlib)
    {
        var input = Biased(raw);
        var options = telnetlib ? TelnetParserOptions.Telnetlib : new TelnetParserOptions { MaxSubnegotiationLength = 8 };
        return Transcript(input, options, []).SequenceEqual(Transcript(input, options, cuts.Select(c => Math.Abs(c % (input.Length + 1)))));
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public bool EncodeTextNvt_ThenParse_GivesTheTextBack(byte[] raw, int[] cuts)
    {
        var text = Biased(raw);
        var wire = TelnetEncoder.EncodeText(text, TelnetNewline.Nvt);
        var expected = text.Length == 0 ? new List<string>() : ["D:" + Convert.ToHexString(text)];
        return Transcript(wire, TelnetParserOptions.Default, cuts.Select(c => Math.Abs(c % (wire.Length + 1)))).SequenceEqual(expected);
    }
#pragma warning restore NUnit1027

    [Test]
    public void Properties_CanFail()
    {
        // The transcript must tell streams apart, or the properties above would hold vacuously.
        Assert.That(Transcript([255, 253, 1], TelnetParserOptions.Default, []), Is.Not.EqualTo(Transcript([255, 253, 3], TelnetParserOptions.Default, [])));
        Assert.That(Transcript([.. "ab"u8], TelnetParserOptions.Default, [1]), Is.EqualTo(new[] { "D:6162" }));
    }

    private struct Recorder : ITelnetParserHandler
    {
        public List<string> Events;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) => Events.Add("D:" + Convert.ToHexString(data));

        public readonly void OnCommand(TelnetVerb verb) => Events.Add($"C:{(byte)verb}");

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) => Events.Add($"N:{(byte)verb}:{(byte)option}");

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Events.Add($"S:{(byte)option}:{Convert.ToHexString(payload)}");

        public readonly void OnWarning(TelnetWarning warning) => Events.Add($"W:{warning.Kind}:{warning.Option}:{warning.Verb}");
    }
}
