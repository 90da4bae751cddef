namespace RxTelnet.Tests.Reading;

using System.Text;
using RxTelnet.Reading;

[TestFixture]
public sealed class UntilMatcherTests
{
    [Test]
    public void Find_MatchInOneChunk_ReturnsIndexPastMatch()
    {
        var buffer = new CookedBuffer(100);
        buffer.Append("Welcome\r\nlogin: x"u8);
        var matcher = new UntilMatcher("login: "u8.ToArray());

        Assert.That(matcher.Find(buffer), Is.EqualTo(16));
        Assert.That(matcher.Find(buffer), Is.EqualTo(16), "a repeated call finds the same match");
    }

    [Test]
    public void Find_MatchSplitAtEveryIndex_FindsItOnce()
    {
        const string text = "xx login: yy";
        foreach (var chunks in ReadingTestKit.Chunkings(text))
        {
            var buffer = new CookedBuffer(100);
            var matcher = new UntilMatcher("login: "u8.ToArray());
            var found = new List<int>();
            foreach (var chunk in chunks)
            {
                buffer.Append(Encoding.Latin1.GetBytes(chunk));
                found.Add(matcher.Find(buffer));
            }

            Assert.That(found.First(i => i >= 0), Is.EqualTo(10), string.Join("|", chunks));
            Assert.That(found.TakeWhile(i => i < 0).Count(), Is.EqualTo(found.IndexOf(10)), "no false match before the needle is complete");
        }
    }

    [Test]
    public void Find_AfterTakeAndReset_FindsTheNextMatch()
    {
        var buffer = new CookedBuffer(100);
        buffer.Append("a> b> "u8);
        var matcher = new UntilMatcher("> "u8.ToArray());

        _ = buffer.Take(matcher.Find(buffer));
        matcher.Reset();

        Assert.That(matcher.Find(buffer), Is.EqualTo(3));
    }

    [Test]
    public void Find_ManySmallChunks_ExaminesEachByteAboutOnce()
    {
        var needle = "needle-that-is-long"u8.ToArray();
        var buffer = new CookedBuffer(1 << 20);
        var matcher = new UntilMatcher(needle);
        var chunk = "needle-that-is-lon"u8.ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Append(chunk.AsSpan(0, 1 + (i % 7)));
            Assert.That(matcher.Find(buffer), Is.EqualTo(-1));
        }

        // Each call rescans at most needle.Length - 1 old bytes; a call whose range holds a boundary between the
        // buffer's segments also compares the 2 * (needle.Length - 1) bytes around it, and a boundary stays in range
        // for at most needle.Length calls.
        var overlap = needle.Length - 1;
        var boundaries = (long)buffer.SegmentCount - 1;
        Assert.That(matcher.BytesExamined, Is.LessThanOrEqualTo(buffer.Length + (10_000L * overlap) + (boundaries * needle.Length * 2 * overlap)));
        Assert.That(matcher.BytesExamined, Is.LessThanOrEqualTo(6L * buffer.Length), "linear: c * n with c = 6 here");
    }

    [Test]
    public void Constructor_EmptyNeedle_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new UntilMatcher(ReadOnlyMemory<byte>.Empty));

        Assert.That(error!.ParamName, Is.EqualTo("needle"));
        Assert.That(error.Message, Does.StartWith("The sequence to find must not be empty."));
    }

    [Test]
    public void Find_AgainOnAnUnchangedBuffer_ExaminesOnlyWhereAMatchCouldStraddle()
    {
        // Nothing was appended since the last call, so only the needle.Length - 1 bytes at the end are looked at again.
        var buffer = new CookedBuffer(100);
        buffer.Append("Welcome to the machine\r\n"u8);
        var matcher = new UntilMatcher("login: "u8.ToArray());
        Assert.That(matcher.Find(buffer), Is.EqualTo(-1));
        var before = matcher.BytesExamined;

        Assert.That(matcher.Find(buffer), Is.EqualTo(-1));

        Assert.That(matcher.BytesExamined - before, Is.EqualTo("login: ".Length - 1));
    }

    [Test]
    public void Find_NeedleStraddlingOwnedSegments_IsFound()
    {
        // Large owned slices are queued as they are, so the needle can span two or more of them.
        var first = new byte[2048];
        var second = new byte[2048];
        first.AsSpan().Fill((byte)'x');
        second.AsSpan().Fill((byte)'y');
        "log"u8.CopyTo(first.AsSpan(first.Length - 3));
        "in: "u8.CopyTo(second);
        var buffer = new CookedBuffer(1 << 20);
        var matcher = new UntilMatcher("login: "u8.ToArray());

        buffer.AppendOwned(first);
        Assert.That(matcher.Find(buffer), Is.EqualTo(-1));
        buffer.AppendOwned(second);

        Assert.That(buffer.SegmentCount, Is.EqualTo(2));
        Assert.That(matcher.Find(buffer), Is.EqualTo(first.Length + 4));
    }
}
