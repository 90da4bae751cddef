namespace RxTelnet.Tests.Reading;

using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <summary>
/// Exact work counts and boundaries of the reading core: <see cref="CookedBuffer"/>'s search and copy policy,
/// <see cref="UntilMatcher"/> and <see cref="ExpectMatcher"/>. The linearity tests elsewhere bound the counters from
/// above; these pin them on small inputs, so a counter that goes wrong in either direction, or a window that is one
/// byte too wide or narrow, fails.
/// </summary>
[TestFixture]
public sealed class ReadingWorkTests
{
    [TestCase("hello world", "wor", 0, 6, 9, TestName = "IndexOf_MatchInOneSegment_ExaminesUpToTheMatchEnd")]
    [TestCase("hello world", "wor", 6, 6, 3, TestName = "IndexOf_FromTheMatch_ExaminesOnlyTheMatch")]
    [TestCase("hello", "xy", 0, -1, 5, TestName = "IndexOf_NoMatchInOneSegment_ExaminesEveryByte")]
    [TestCase("hello", "xy", 2, -1, 3, TestName = "IndexOf_NoMatchFromAPosition_ExaminesTheRest")]
    [TestCase("abc", "abcd", 0, -1, 3, TestName = "IndexOf_ValueLongerThanTheBuffer_ExaminesTheBufferOnly")]
    [TestCase("abc", "bcd", 1, -1, 2, TestName = "IndexOf_ValueLongerThanTheRest_ExaminesTheRestOnly")]
    [TestCase("abc", "", 1, -1, 2, TestName = "IndexOf_EmptyValue_FindsNothing")]
    [TestCase("abc", "c", 3, -1, 0, TestName = "IndexOf_FromTheEnd_ExaminesNothing")]
    public void IndexOf_OneSegment_ReportsPositionAndWork(string text, string value, int from, int expected, long examined)
    {
        var buffer = new CookedBuffer(100);
        buffer.Append(Bytes(text));

        var found = buffer.IndexOf(Bytes(value), from, out var work);

        Assert.That((found, work), Is.EqualTo((expected, examined)));
    }

    [Test]
    public void IndexOf_MatchStraddlingTwoSegments_IsFoundInTheWindowWithExactWork()
    {
        var buffer = TwoSegments(out var first);

        var found = buffer.IndexOf("ab"u8, 0, out var work);

        Assert.That(buffer.SegmentCount, Is.EqualTo(2), "a 4096-byte copy gets an array of its own, the next bytes the tail");
        Assert.That((found, work), Is.EqualTo((first - 1, first + 2L)), "the first segment, then a window of one byte either side of the boundary");
    }

    [Test]
    public void IndexOf_MatchInTheSecondSegment_CountsTheFirstAndTheWindow()
    {
        var buffer = TwoSegments(out var first);

        var found = buffer.IndexOf("bcd"u8, 0, out var work);

        // Segment 1 (4096) + window [4094, 4098) (4 bytes, no match) + "bcd" found at 0 in segment 2 (3).
        Assert.That((found, work), Is.EqualTo((first, first + 4L + 3L)));
    }

    [Test]
    public void IndexOf_SingleByteValue_SearchesNoWindow()
    {
        var buffer = TwoSegments(out var first);

        var found = buffer.IndexOf("d"u8, 0, out var work);

        Assert.That((found, work), Is.EqualTo((first + 2, first + 3L)), "a one-byte value cannot straddle, so no window is searched");
    }

    [Test]
    public void IndexOf_FromInsideTheSecondSegment_StartsThere()
    {
        var buffer = TwoSegments(out var first);

        Assert.That(buffer.IndexOf("cd"u8, first + 1, out var work), Is.EqualTo(first + 1));
        Assert.That(work, Is.EqualTo(2), "the first segment is skipped");
        Assert.That(buffer.IndexOf("ab"u8, first, out work), Is.EqualTo(-1), "a match starting before from is not found");
        Assert.That(work, Is.EqualTo(3));
    }

    [Test]
    public void IndexOf_NoMatchOverThreeSegments_CountsEachSegmentAndEachWindow()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendOwned(Filled(2048, (byte)'x'));
        buffer.AppendOwned(Filled(2048, (byte)'y'));
        buffer.AppendOwned(Filled(2048, (byte)'z'));
        Assert.That(buffer.SegmentCount, Is.EqualTo(3));

        var found = buffer.IndexOf("abc"u8, 0, out var work);

        Assert.That((found, work), Is.EqualTo((-1, 3 * 2048L + (2 * 4))), "each boundary adds a window of two bytes either side");
    }

    [Test]
    public void UntilMatcher_GrowingBuffer_RescansOnlyTheStraddle()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new UntilMatcher("xyz"u8.ToArray());

        buffer.Append("abcde"u8);
        Assert.That((matcher.Find(buffer), matcher.BytesExamined), Is.EqualTo((-1, 5L)), "all five bytes");

        buffer.Append("fxy"u8);
        Assert.That((matcher.Find(buffer), matcher.BytesExamined), Is.EqualTo((-1, 10L)), "from 5 - 2 = 3: defxy");

        buffer.Append("z!"u8);
        Assert.That((matcher.Find(buffer), matcher.BytesExamined), Is.EqualTo((9, 13L)), "from 8 - 2 = 6: xyz found at once, past it 9");

        Assert.That((matcher.Find(buffer), matcher.BytesExamined), Is.EqualTo((9, 16L)), "a repeated call finds the same match from the same place");
    }

    [Test]
    public void UntilMatcher_BufferShrunkWithoutReset_SearchesFromTheStart()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new UntilMatcher("ab"u8.ToArray());
        buffer.Append("xxxxxxxxxx"u8);
        Assert.That(matcher.Find(buffer), Is.EqualTo(-1));

        buffer.Clear();
        buffer.Append("abx"u8);

        Assert.That(matcher.Find(buffer), Is.EqualTo(2), "a match before the old scanned-to point is still found");
        Assert.That(matcher.BytesExamined, Is.EqualTo(12), "10, then 2 up to the match end");
    }

    [Test]
    public void UntilMatcher_AfterReset_SearchesFromTheStart()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new UntilMatcher("ab"u8.ToArray());
        buffer.Append("xxxxab"u8);
        Assert.That(matcher.Find(buffer), Is.EqualTo(6));
        buffer.Consume(6);
        buffer.Append("yyyyyyab"u8);
        matcher.Reset();

        Assert.That(matcher.Find(buffer), Is.EqualTo(8));
        Assert.That(matcher.BytesExamined, Is.EqualTo(6 + 8));
    }

    [Test]
    public void UntilMatcher_NullBuffer_ThrowsNamingIt() =>
        Assert.That(() => new UntilMatcher("a"u8.ToArray()).Find(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("buffer"));

    [Test]
    public void UntilMatcher_EmptyNeedle_ThrowsNamingIt() =>
        Assert.That(() => new UntilMatcher(ReadOnlyMemory<byte>.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("needle"));

    [Test]
    public void ExpectMatcher_GrowingBuffer_WidensEachByteOnce()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new ExpectMatcher([new Regex("z")], 8);

        buffer.Append("abc"u8);
        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);
        Assert.That(matcher.BytesWidened, Is.EqualTo(3));

        buffer.Append("dz"u8);
        Assert.That(matcher.TryMatch(buffer, out var index, out var match, out var end), Is.True);
        Assert.That((matcher.BytesWidened, index, match!.Index, end), Is.EqualTo((5L, 0, 4, 5)));

        buffer.Consume(end);
        matcher.Consume(end);
        buffer.Append("z"u8);
        Assert.That(matcher.TryMatch(buffer, out _, out match, out end), Is.True);
        Assert.That((matcher.BytesWidened, match!.Index, end), Is.EqualTo((6L, 0, 1)), "after Consume only the new byte is widened");
    }

    [Test]
    public void ExpectMatcher_BufferShrunkWithoutReset_WidensEverythingAgain()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new ExpectMatcher([new Regex("q")], 8);
        buffer.Append("abcdef"u8);
        Assert.That(matcher.TryMatch(buffer, out _, out _, out _), Is.False);

        buffer.Clear();
        buffer.Append("qq"u8);

        Assert.That(matcher.TryMatch(buffer, out _, out var match, out var end), Is.True, "the stale char copy is dropped");
        Assert.That((match!.Index, end, matcher.BytesWidened), Is.EqualTo((0, 1, 8L)));
    }

    [Test]
    public void ExpectMatcher_AfterReset_WidensTheRestAgain()
    {
        var buffer = new CookedBuffer(100);
        var matcher = new ExpectMatcher([new Regex("c")], 8);
        buffer.Append("abc"u8);
        Assert.That(matcher.TryMatch(buffer, out _, out _, out var end), Is.True);
        buffer.Consume(end);
        buffer.Append("xxc"u8);
        matcher.Reset();

        Assert.That(matcher.TryMatch(buffer, out _, out var match, out end), Is.True);
        Assert.That((match!.Index, end, matcher.BytesWidened), Is.EqualTo((2, 3, 6L)));
    }

    [Test]
    public void ExpectMatcher_NullBuffer_ThrowsNamingIt() =>
        Assert.That(() => new ExpectMatcher([new Regex("a")], 8).TryMatch(null!, out _, out _, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("buffer"));

    [Test]
    public void ExpectMatcher_MinEnd_SkipsMatchesEndingBeforeIt()
    {
        var buffer = new CookedBuffer(100);
        buffer.Append("a-a-"u8);
        var matcher = new ExpectMatcher([new Regex("a")], 8);

        Assert.That(matcher.TryMatch(buffer, 2, out _, out var match, out var end), Is.True);
        Assert.That((match!.Index, end), Is.EqualTo((2, 3)));
    }

    [TestCase(CookedBuffer.MinKeptSlice, CookedBuffer.MinKeptSlice, 0, TestName = "AppendOwned_ExactlyMinKeptSlice_IsKept")]
    [TestCase(CookedBuffer.MinKeptSlice - 1, CookedBuffer.MinKeptSlice, CookedBuffer.MinKeptSlice - 1, TestName = "AppendOwned_OneUnderMinKeptSlice_IsCopied")]
    [TestCase(2048, 4096, 0, TestName = "AppendOwned_ExactlyHalfItsArray_IsKept")]
    [TestCase(2048, 4097, 2048, TestName = "AppendOwned_JustUnderHalfItsArray_IsCopied")]
    public void AppendOwned_AtThePolicyBoundaries_KeepsOrCopies(int length, int arrayLength, long copied)
    {
        var buffer = new CookedBuffer(1 << 20);
        var array = Filled(arrayLength, 5);

        buffer.AppendOwned(array.AsMemory(arrayLength - length, length));

        Assert.That(buffer.BytesCopied, Is.EqualTo(copied));
        Assert.That(buffer.ToArray(), Is.EqualTo(Filled(length, 5)));
        array[^1] = 6;
        Assert.That(buffer.ToArray()[^1], Is.EqualTo(copied == 0 ? 6 : 5), "a kept slice is the caller's array, a copy is not");
    }

    [Test]
    public void AppendOwned_Unbounded_IgnoresTheLimit()
    {
        var buffer = new CookedBuffer(4);

        buffer.AppendOwned("123456"u8.ToArray(), bounded: false);

        Assert.That(buffer.ToArray(), Is.EqualTo("123456"u8.ToArray()));
        Assert.Throws<TelnetBufferLimitExceededException>(() => buffer.AppendOwned("7"u8.ToArray(), bounded: true));
    }

    [Test]
    public void AppendWhatFits_FillsUpToTheLimit()
    {
        var buffer = new CookedBuffer(5);
        buffer.Append("ab"u8);

        Assert.That(buffer.AppendWhatFits("cdefg"u8), Is.EqualTo(3));
        Assert.That(buffer.ToArray(), Is.EqualTo("abcde"u8.ToArray()));
        Assert.That(buffer.AppendWhatFits("h"u8), Is.Zero);
    }

    [Test]
    public void Append_AtTheLimitExactly_IsAllowed()
    {
        var buffer = new CookedBuffer(5);

        buffer.Append("abcde"u8);

        Assert.That(buffer.Length, Is.EqualTo(5));
        Assert.That(() => buffer.Append("f"u8), Throws.TypeOf<TelnetBufferLimitExceededException>().With.Property("Limit").EqualTo(5));
    }

    [Test]
    public void Append_AfterAKeptOrLargeSegment_StartsANewSegmentInTheTail()
    {
        // The newest segment is not the tail's end: small bytes must not be appended to it in place.
        var buffer = new CookedBuffer(1 << 20);
        var owned = Filled(2048, (byte)'o');
        buffer.Append("ab"u8);
        buffer.AppendOwned(owned);
        buffer.Append("cd"u8);
        buffer.Append(Filled(4096, (byte)'L'));
        buffer.Append("ef"u8);

        byte[] expected = [.. "ab"u8, .. owned, .. "cd"u8, .. Filled(4096, (byte)'L'), .. "ef"u8];
        Assert.That(buffer.ToArray(), Is.EqualTo(expected));
        Assert.That(buffer.SegmentCount, Is.EqualTo(5), "ab, owned, cd, the large copy, ef");
        Assert.That(owned, Is.EqualTo(Filled(2048, (byte)'o')), "the kept slice is never written");
    }

    [Test]
    public void Append_NextToTheTailEnd_GrowsTheSegmentInPlace()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append("ab"u8);
        buffer.Append("cd"u8);
        buffer.Consume(1);
        buffer.Append("ef"u8);

        Assert.That(buffer.SegmentCount, Is.EqualTo(1), "all in one run of the tail");
        Assert.That(buffer.ToArray(), Is.EqualTo("bcdef"u8.ToArray()));
        Assert.That(buffer.BytesCopied, Is.EqualTo(6));
    }

    [Test]
    public void Append_TailFull_StartsANewTail()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append(Filled(4095, (byte)'a'));
        buffer.Append("bc"u8);

        Assert.That(buffer.SegmentCount, Is.EqualTo(2), "4095 + 2 does not fit in one 4096-byte tail");
        Assert.That(buffer.ToArray(), Is.EqualTo(Filled(4095, (byte)'a').Concat("bc"u8.ToArray()).ToArray()));

        buffer.Append(Filled(4094, (byte)'d'));
        Assert.That(buffer.SegmentCount, Is.EqualTo(2), "2 + 4094 fills the second tail exactly");
    }

    [Test]
    public void Append_ExactlyTailSize_GetsItsOwnArrayAndKeepsTheTailForLater()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append("head"u8);
        buffer.Append(Filled(4096, (byte)'x'));

        var allocated = AllocatedWhileAppending(buffer, Filled(100, (byte)'y'));

        Assert.That(allocated, Is.LessThan(4096), "the 4096 bytes went to an array of their own, so the old tail still has room");
        Assert.That(buffer.SegmentCount, Is.EqualTo(3));
        Assert.That(buffer.Length, Is.EqualTo(4 + 4096 + 100));
    }

    [Test]
    public void Consume_EverySegment_ReusesTheTailFromTheFront()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append(Filled(4000, (byte)'a'));
        buffer.Consume(4000);

        var allocated = AllocatedWhileAppending(buffer, Filled(4000, (byte)'b'));

        Assert.That(allocated, Is.LessThan(4000), "an empty buffer writes its tail from the front again");
        Assert.That(buffer.ToArray(), Is.EqualTo(Filled(4000, (byte)'b')));
    }

    [Test]
    public void Consume_PartOfTheLastSegment_KeepsItsEnd()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendOwned(Filled(2048, (byte)'x'));
        buffer.Append("yz"u8);

        buffer.Consume(2049);

        Assert.That((buffer.Length, buffer.SegmentCount), Is.EqualTo((1, 1)));
        Assert.That(buffer.ToArray(), Is.EqualTo("z"u8.ToArray()));
        Assert.That(() => buffer.Consume(2), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => buffer.Consume(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Peek_CopiesWithoutRemoving()
    {
        var buffer = new CookedBuffer(100);
        buffer.Append("abc"u8);

        Assert.That(buffer.Peek(2), Is.EqualTo("ab"u8.ToArray()));
        Assert.That(buffer.Peek(0), Is.Empty);
        Assert.That(buffer.Length, Is.EqualTo(3));
        Assert.That(() => buffer.Peek(4), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => buffer.Peek(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_LimitName_IsReportedAndNullIsRefused()
    {
        var buffer = new CookedBuffer(1, "MaxReadBytes");

        var error = Assert.Throws<TelnetBufferLimitExceededException>(() => buffer.Append("ab"u8));

        Assert.That((error!.LimitName, error.Limit), Is.EqualTo(("MaxReadBytes", 1L)));
        Assert.That(() => new CookedBuffer(1, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("limitName"));
        Assert.That(new CookedBuffer(1).MaxLength, Is.EqualTo(1));
    }

    [Test]
    public void Segments_RingWrapsAndGrowsWithTheHeadMoved_KeepsTheOrder()
    {
        var buffer = new CookedBuffer(1 << 20);
        var expected = new List<byte>();
        for (var i = 0; i < 3; i++)
        {
            buffer.AppendOwned(Filled(2048, (byte)('a' + i)));
        }

        buffer.Consume(2 * 2048);
        expected.AddRange(Filled(2048, (byte)'c'));
        for (var i = 0; i < 6; i++)
        {
            // Wraps around the four-slot ring, then doubles it with the head in the middle.
            buffer.AppendOwned(Filled(2048, (byte)('d' + i)));
            expected.AddRange(Filled(2048, (byte)('d' + i)));
        }

        buffer.Prepend(Filled(3, (byte)'z'));
        expected.InsertRange(0, Filled(3, (byte)'z'));

        Assert.That(buffer.SegmentCount, Is.EqualTo(8));
        Assert.That(buffer.ToArray(), Is.EqualTo(expected));
        Assert.That(buffer.IndexOf("zc"u8, 0, out _), Is.EqualTo(2));
        Assert.That(buffer.IndexOf("hi"u8, 0, out _), Is.EqualTo(3 + (6 * 2048) - 1), "a match across the grown ring's boundary");
        var pieces = new List<byte>();
        foreach (var piece in buffer.GetSegments(3 + 2048 + 1))
        {
            pieces.AddRange(piece.ToArray());
        }

        Assert.That(pieces, Is.EqualTo(expected.Skip(3 + 2048 + 1)));
    }

    private static CookedBuffer TwoSegments(out int first)
    {
        first = 4096;
        var buffer = new CookedBuffer(1 << 20);
        byte[] big = [.. Filled(4095, (byte)'.'), (byte)'a'];
        buffer.Append(big);
        buffer.Append("bcd"u8);
        return buffer;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedWhileAppending(CookedBuffer buffer, byte[] data)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        buffer.Append(data);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Bytes(string text) => System.Text.Encoding.Latin1.GetBytes(text);

    private static byte[] Filled(int length, byte value)
    {
        var array = new byte[length];
        array.AsSpan().Fill(value);
        return array;
    }
}
