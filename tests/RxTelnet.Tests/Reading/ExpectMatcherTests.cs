namespace RxTelnet.Tests.Reading;

using System.Text;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

[TestFixture]
public sealed class ExpectMatcherTests
{
    private static readonly string[][] PatternSets =
    [
        ["a>", "b{1,3}", "\n"],
        ["^b", "ab", ">"],
        ["(a|b)\n", "b>", @"\n\n"],
        ["a(?=b)", @"b\b", ">$"],
        [@"(?<=a)b", "x*", "a{2}"],
        ["b>", "^a", "a"],
    ];

    [Test]
    public void TryMatch_LaterPatternMatchesEarlier_FirstPatternInListOrderWins()
    {
        // Python 3.11: Telnet.expect([b"b", b"a"]) on b"ab" returns (0, b"b", b"ab").
        Assert.That(ExpectOnce(["ab"], ["b", "a"]), Is.EqualTo((0, "b", "ab")));
    }

    [Test]
    public void TryMatch_EarlierPatternOnlyInALaterChunk_LaterPatternWinsFirst()
    {
        // Python 3.11: with b"a" then b"b" arriving, expect([b"b", b"a"]) returns (1, b"a", b"a").
        Assert.That(ExpectOnce(["a", "b"], ["b", "a"]), Is.EqualTo((1, "a", "a")));
    }

    [Test]
    public void TryMatch_BothMatchInNewChunk_ListOrderBeatsPosition()
    {
        // Python 3.11: chunks b"xxx", b"aEND" with expect([b"END", b"a"]) return (0, b"END", b"xxxaEND").
        Assert.That(ExpectOnce(["xxx", "aEND"], ["END", "a"]), Is.EqualTo((0, "END", "xxxaEND")));
    }

    [Test]
    public void TryMatch_PatternMatchesEmpty_MatchesTheEmptyBuffer()
    {
        // Python 3.11: expect([b"x*"]) returns (0, b"", b"") before reading anything.
        var matcher = new ExpectMatcher([new Regex("x*")], 64);

        Assert.That(matcher.TryMatch(new CookedBuffer(8), out var index, out var match, out var end), Is.True);
        Assert.That((index, match!.Value, end), Is.EqualTo((0, "", 0)));
    }

    [Test]
    public void TryMatch_BytesAboveAscii_MatchAsLatin1Chars()
    {
        // Python 3.11: expect([rb"caf\xe9"]) on b"un caf\xe9!" returns (0, b"caf\xe9", b"un caf\xe9").
        var buffer = new CookedBuffer(64);
        buffer.Append([.. "un caf"u8, 0xE9, (byte)'!']);
        var matcher = new ExpectMatcher([new Regex("caf\xe9")], 64);

        Assert.That(matcher.TryMatch(buffer, out var index, out var match, out var end), Is.True);
        Assert.That((index, match!.Value, end), Is.EqualTo((0, "caf\u00e9", 7)));
    }

    [Test]
    public void TryMatch_Groups_AreThoseOfTheWholeBuffer()
    {
        // Python 3.11: expect([rb"user(\d+)> "]) on b"> user42> rest" gives group(1) == b"42" and m.start() == 2.
        var buffer = new CookedBuffer(64);
        buffer.Append("> user42> rest"u8);
        var matcher = new ExpectMatcher([new Regex(@"user(\d+)> ")], 64);

        Assert.That(matcher.TryMatch(buffer, out _, out var match, out var end), Is.True);
        Assert.That((match!.Groups[1].Value, match.Index, end), Is.EqualTo(("42", 2, 10)));
    }

    [Test]
    public void TryMatch_RandomChunkings_AgreesWithTelnetlibReference([Range(0, 5)] int set)
    {
        var random = new Random(1000 + set);
        for (var round = 0; round < 300; round++)
        {
            var text = RandomText(random, 40);
            var chunks = RandomChunks(random, text);
            var expected = Reference.Expect(chunks, PatternSets[set]);
            var actual = ExpectOnce(chunks, PatternSets[set]);
            Assert.That(actual, Is.EqualTo(expected), $"chunks: {string.Join("|", chunks.Select(Escape))}");
        }
    }

    [Test]
    public void TryMatchAndConsume_RandomChunkings_AgreesWithTelnetlibLoopReference([Range(0, 5)] int set)
    {
        var random = new Random(2000 + set);
        for (var round = 0; round < 300; round++)
        {
            var text = RandomText(random, 40);
            var chunks = RandomChunks(random, text);
            var expected = Reference.ExpectLoop(chunks, PatternSets[set]);
            var actual = ExpectLoop(chunks, PatternSets[set], consume: true);
            Assert.That(actual, Is.EqualTo(expected), $"chunks: {string.Join("|", chunks.Select(Escape))}");
            Assert.That(ExpectLoop(chunks, PatternSets[set], consume: false), Is.EqualTo(expected), "Reset gives the same answers as Consume");
        }
    }

    [Test]
    public void TryMatch_SmallWindow_ExactForMatchesThatFit()
    {
        // Matches of at most 3 chars, window of 4: same answers as a whole-buffer search.
        var random = new Random(7);
        string[] patterns = ["a>", "b{1,3}", "\n"];
        for (var round = 0; round < 300; round++)
        {
            var chunks = RandomChunks(random, RandomText(random, 60));
            Assert.That(ExpectLoop(chunks, patterns, consume: true, maxMatchLength: 4), Is.EqualTo(Reference.ExpectLoop(chunks, patterns)));
        }
    }

    [Test]
    public void TryMatch_MatchLongerThanWindow_MayBeMissed()
    {
        // Documented limit: the window re-searches only maxMatchLength chars before new data.
        var buffer = new CookedBuffer(1024);
        var matcher = new ExpectMatcher([new Regex("<[a-z]*>")], 4);
        buffer.Append("<abcdefgh"u8);
        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);
        buffer.Append(">"u8);

        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False, "a 10-byte match with a 4-byte window is not found");
        matcher.Reset();
        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.True, "a fresh search sees it");
    }

    [Test]
    public void TryMatch_TenThousandChunks_SearchesLinearly()
    {
        const int window = 16;
        var buffer = new CookedBuffer(1 << 20);
        var matcher = new ExpectMatcher([new Regex("login: "), new Regex(@"\$ $")], window);
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Append("line 7\r\n"u8[..(1 + (i % 8))]);
            Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);
        }

        long n = buffer.Length;
        Assert.That(matcher.BytesWidened, Is.EqualTo(n), "each byte is widened to a char exactly once");
        Assert.That(matcher.CharsSearched, Is.LessThanOrEqualTo(2 * (n + (10_000L * window))), "per chunk, each pattern searches the new bytes plus the window");
        Assert.That(matcher.CharsSearched, Is.LessThanOrEqualTo(12 * n), "linear: c * n with c = 12 here");
        Assert.That(matcher.CharsMoved, Is.LessThanOrEqualTo(2 * n));
    }

    [Test]
    public void TryMatchAndConsume_TenThousandMatchesInOneChunk_SearchesLinearly()
    {
        // An earlier pattern that never matches must not be searched again over the whole rest after every match.
        var text = string.Concat(Enumerable.Repeat("some output\n", 10_000));
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append(Encoding.Latin1.GetBytes(text));
        var matcher = new ExpectMatcher([new Regex("ERROR"), new Regex("\n")], ExpectMatcher.DefaultMaxMatchLength);
        var matches = 0;
        while (matcher.TryMatch(buffer, out var index, out _, out var end))
        {
            Assert.That(index, Is.EqualTo(1));
            _ = buffer.Take(end);
            matcher.Consume(end);
            matches++;
        }

        Assert.That(matches, Is.EqualTo(10_000));
        Assert.That(matcher.CharsSearched, Is.LessThanOrEqualTo(3L * text.Length), "linear: c * n with c = 3 here");
    }

    [Test]
    public void TryMatch_LongUnmatchedBuffer_KeepsABoundedCharCopyAndFindsTheDollarMatch()
    {
        // 4 MiB without a match, then the prompt: the char copy stays within about three windows plus a chunk.
        const int window = 1024;
        var chunk = Encoding.Latin1.GetBytes(string.Concat(Enumerable.Repeat("abcdefgh", 512)));
        var buffer = new CookedBuffer(8 << 20);
        var matcher = new ExpectMatcher([new Regex(@"(\w+)# $")], window);
        var keptMost = 0;
        for (var i = 0; i < 1024; i++)
        {
            buffer.Append(chunk);
            Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);
            keptMost = Math.Max(keptMost, matcher.CharsKept);
        }

        buffer.Append("\r\nrouter# "u8);
        Assert.That(matcher.TryMatch(buffer, out var index, out var match, out var end), Is.True);

        Assert.That(keptMost, Is.LessThanOrEqualTo((3 * window) + chunk.Length), "bounded by the window, not by the 4 MiB buffered");
        Assert.That((index, match!.Groups[1].Value, end), Is.EqualTo((0, "router", buffer.Length)), "end counts from the start of the buffer");
        Assert.That(match.Index, Is.EqualTo(end - match.Length - (buffer.Length - matcher.CharsKept)), "documented: the Match counts from the first kept char");
        Assert.That(matcher.BytesWidened, Is.EqualTo(buffer.Length), "each byte is widened once");
    }

    [Test]
    public void TryMatchAndConsume_AfterTrimming_SearchesTheRestFromItsStart()
    {
        // A pattern that looks before its match (^) must see the start of what is left after a consume.
        var buffer = new CookedBuffer(1 << 20);
        var matcher = new ExpectMatcher([new Regex("END"), new Regex("^x")], 4);
        buffer.Append(Encoding.Latin1.GetBytes(new string('.', 100)));
        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);
        Assert.That(matcher.CharsKept, Is.LessThan(100), "the front was dropped");
        buffer.Append("ENDx"u8);
        Assert.That(matcher.TryMatch(buffer, out var first, out _, out var end), Is.True);
        Assert.That((first, end), Is.EqualTo((0, 103)));
        _ = buffer.Take(end);
        matcher.Consume(end);

        Assert.That(matcher.TryMatch(buffer, out var second, out var match, out end), Is.True);
        Assert.That((second, match!.Index, end), Is.EqualTo((1, 0, 1)));
    }

    [Test]
    public void Constructor_RightToLeftPattern_Throws()
    {
        Assert.Throws<ArgumentException>(() => _ = new ExpectMatcher([new Regex("a", RegexOptions.RightToLeft)], 64));
    }

    private static (int Index, string Value, string Data)? ExpectOnce(IReadOnlyList<string> chunks, string[] patterns)
    {
        var buffer = new CookedBuffer(1024);
        var matcher = new ExpectMatcher([.. patterns.Select(p => new Regex(p))], 64);
        if (matcher.TryMatch(buffer, out var i0, out var m0, out var e0))
        {
            return (i0, m0!.Value, Encoding.Latin1.GetString(buffer.Take(e0)));
        }

        foreach (var chunk in chunks)
        {
            buffer.Append(Encoding.Latin1.GetBytes(chunk));
            if (matcher.TryMatch(buffer, out var index, out var match, out var end))
            {
                return (index, match!.Value, Encoding.Latin1.GetString(buffer.Take(end)));
            }
        }

        return null;
    }

    private static List<(int Index, string Value, int Start, string Data)> ExpectLoop(IReadOnlyList<string> chunks, string[] patterns, bool consume, int maxMatchLength = 64)
    {
        var buffer = new CookedBuffer(1024);
        var matcher = new ExpectMatcher([.. patterns.Select(p => new Regex(p))], maxMatchLength);
        var results = new List<(int, string, int, string)>();
        foreach (var chunk in chunks)
        {
            buffer.Append(Encoding.Latin1.GetBytes(chunk));
            while (matcher.TryMatch(buffer, 1, out var index, out var match, out var end))
            {
                results.Add((index, match!.Value, match.Index, Encoding.Latin1.GetString(buffer.Take(end))));
                if (consume)
                {
                    matcher.Consume(end);
                }
                else
                {
                    matcher.Reset();
                }
            }
        }

        return results;
    }

    private static string RandomText(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => "aab>\n"[random.Next(5)])]);

    private static List<string> RandomChunks(Random random, string text)
    {
        var chunks = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var n = Math.Min(text.Length - i, 1 + random.Next(6));
            chunks.Add(text.Substring(i, n));
            i += n;
        }

        return chunks;
    }

    private static string Escape(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>telnetlib's algorithm, literally: after each chunk, each pattern in order searches the whole queue.</summary>
    private static class Reference
    {
        public static (int Index, string Value, string Data)? Expect(IReadOnlyList<string> chunks, string[] patterns)
        {
            var queue = string.Empty;
            foreach (var chunk in chunks.Prepend(string.Empty))
            {
                queue += chunk;
                for (var i = 0; i < patterns.Length; i++)
                {
                    var m = Regex.Match(queue, patterns[i]);
                    if (m.Success)
                    {
                        return (i, m.Value, queue[..(m.Index + m.Length)]);
                    }
                }
            }

            return null;
        }

        // expect() in a loop, slicing the queue after each match; an empty match at the queue start is skipped.
        public static List<(int Index, string Value, int Start, string Data)> ExpectLoop(IReadOnlyList<string> chunks, string[] patterns)
        {
            var queue = string.Empty;
            var results = new List<(int, string, int, string)>();
            foreach (var chunk in chunks)
            {
                queue += chunk;
                var found = true;
                while (found)
                {
                    found = false;
                    for (var i = 0; i < patterns.Length && !found; i++)
                    {
                        var m = Regex.Match(queue, patterns[i]);
                        while (m.Success && m.Index + m.Length < 1)
                        {
                            m = m.NextMatch();
                        }

                        if (m.Success)
                        {
                            var end = m.Index + m.Length;
                            results.Add((i, m.Value, m.Index, queue[..end]));
                            queue = queue[end..];
                            found = true;
                        }
                    }
                }
            }

            return results;
        }
    }
}
