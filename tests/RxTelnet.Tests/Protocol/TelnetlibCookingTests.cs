namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

/// <summary>
/// Replays the reference cases in <c>Vectors/telnetlib/</c>: random well-formed streams together with what CPython's
/// telnetlib made of them (see <c>generate.py</c> there). <see cref="TelnetParserOptions.Telnetlib"/> must cook the
/// same bytes and report the same commands and subnegotiation payloads, in the same order.
/// </summary>
[TestFixture]
public sealed class TelnetlibCookingTests
{
    private const int CaseCount = 8;

    private static string CaseDirectory => Path.Combine(GoldenVector.Directory, "telnetlib");

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.EnumerateFiles(CaseDirectory, "case-*.txt")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [Test]
    public void Cases_Directory_HoldsEveryGeneratedCase()
    {
        Assert.That(Cases().Count(), Is.EqualTo(CaseCount), "generate.py writes this many cases and all are copied to the output");
    }

    [TestCaseSource(nameof(Cases))]
    public void Parse_TelnetlibOptionsInTelnetlibsChunks_MatchesTelnetlib(string name)
    {
        var reference = ReferenceCase.Load(Path.Combine(CaseDirectory, name + ".txt"));
        Assert.That(reference.Chunks.Sum(), Is.EqualTo(reference.Stream.Length), "the recorded chunks cover the stream");

        var result = Run(reference.Stream, reference.Chunks);

        Assert.That(Convert.ToHexString(result.Cooked.ToArray()), Is.EqualTo(Convert.ToHexString(reference.Cooked)), "the cooked bytes are what telnetlib's read_all returned");
        Assert.That(result.Events, Is.EqualTo(reference.Events), "commands and read_sb_data payloads come in telnetlib's order, and nothing is warned about");
    }

    [TestCaseSource(nameof(Cases))]
    public void Parse_TelnetlibOptionsInOneChunk_MatchesTelnetlib(string name)
    {
        var reference = ReferenceCase.Load(Path.Combine(CaseDirectory, name + ".txt"));

        var result = Run(reference.Stream, [reference.Stream.Length]);

        Assert.That(Convert.ToHexString(result.Cooked.ToArray()), Is.EqualTo(Convert.ToHexString(reference.Cooked)), "the cooked bytes do not depend on chunking");
        Assert.That(result.Events, Is.EqualTo(reference.Events), "neither do the commands and payloads");
    }

    private static Collector Run(byte[] stream, IEnumerable<int> chunks)
    {
        var parser = new TelnetParser(TelnetParserOptions.Telnetlib);
        var collector = new Collector();
        var at = 0;
        foreach (var length in chunks)
        {
            parser.Parse(stream.AsSpan(at, length), ref collector);
            at += length;
        }

        Assert.That(parser.Complete(ref collector), Is.True, "the generated streams end between sequences");
        return collector;
    }

    /// <summary>Collects what the parser reports in the shape generate.py records telnetlib's results.</summary>
    private struct Collector : ITelnetParserHandler
    {
        public Collector()
        {
        }

        public List<byte> Cooked { get; } = [];

        public List<string> Events { get; } = [];

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) => Cooked.AddRange(data);

        public readonly void OnCommand(TelnetVerb verb) => Events.Add("command " + Convert.ToHexString([(byte)verb]));

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) =>
            Events.Add("command " + Convert.ToHexString([(byte)verb, (byte)option]));

        // telnetlib's read_sb_data returns the option byte followed by the payload.
        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) =>
            Events.Add("sb " + Convert.ToHexString([(byte)option, .. payload]));

        public readonly void OnWarning(TelnetWarning warning) => Events.Add("warning " + warning.Kind);
    }

    private sealed record ReferenceCase(int[] Chunks, byte[] Stream, byte[] Cooked, string[] Events)
    {
        public static ReferenceCase Load(string path)
        {
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
            string Field(string key) => lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];

            return new ReferenceCase(
                Field("chunks").Split(' ').Select(int.Parse).ToArray(),
                Convert.FromHexString(Field("stream")),
                Convert.FromHexString(Field("cooked")),
                lines.Where(l => l.StartsWith("command ", StringComparison.Ordinal) || l.StartsWith("sb ", StringComparison.Ordinal)).ToArray());
        }
    }
}
