namespace RxTelnet.Tests.Reading;

using RxTelnet.Reading;

[TestFixture]
public sealed class CookedBufferTests
{
    [Test]
    public void Append_ThenTake_ReturnsOldestFirstAndKeepsTheRest()
    {
        var buffer = new CookedBuffer(100);
        buffer.Append("hello "u8);
        buffer.Append("world"u8);

        Assert.That(buffer.Take(6), Is.EqualTo("hello "u8.ToArray()));
        Assert.That(buffer.Length, Is.EqualTo(5));
        Assert.That(buffer.ToArray(), Is.EqualTo("world"u8.ToArray()));
        Assert.That(buffer.TakeAll(), Is.EqualTo("world"u8.ToArray()));
        Assert.That(buffer.Length, Is.Zero);
    }

    [Test]
    public void Append_OverMaxLength_ThrowsNamingTheLimitAndAppendsNothing()
    {
        var buffer = new CookedBuffer(8);
        buffer.Append("12345"u8);

        var error = Assert.Throws<TelnetBufferLimitExceededException>(() => buffer.Append("6789"u8));

        Assert.That(error!.LimitName, Is.EqualTo("MaxBufferedBytes"));
        Assert.That(error.Limit, Is.EqualTo(8));
        Assert.That(buffer.ToArray(), Is.EqualTo("12345"u8.ToArray()), "a failed append leaves the buffer as it was");
        buffer.Append("678"u8);
        Assert.That(buffer.Length, Is.EqualTo(8), "exactly MaxLength is allowed");
    }

    [Test]
    public void Take_OutOfRange_Throws()
    {
        var buffer = new CookedBuffer(8);
        buffer.Append("abc"u8);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Take(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Take(-1));
        Assert.That(buffer.Take(0), Is.Empty);
    }

    [Test]
    public void Constructor_MaxLengthBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CookedBuffer(0));
    }

    [Test]
    public void Clear_DropsEverything()
    {
        var buffer = new CookedBuffer(8);
        buffer.Append("abc"u8);
        buffer.Clear();

        Assert.That(buffer.Length, Is.Zero);
        Assert.That(buffer.TakeAll(), Is.Empty);
    }

    [TestCase(1, 1)]
    [TestCase(7, 3)]
    [TestCase(1000, 999)]
    [TestCase(4096, 4000)]
    public void AppendAndTake_ManyCycles_MovesBytesLinearly(int chunk, int take)
    {
        // Counts bytes moved by growing and compacting: deterministic, unlike timing.
        var buffer = new CookedBuffer(64 * 1024);
        var data = new byte[chunk];
        long appended = 0;
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Append(data);
            appended += chunk;
            _ = buffer.Take(Math.Min(take, buffer.Length));
            if (buffer.Length > 32 * 1024)
            {
                _ = buffer.TakeAll();
            }
        }

        Assert.That(buffer.BytesCopied, Is.EqualTo(appended), "each appended byte is copied in exactly once");
        Assert.That(buffer.SegmentCount, Is.LessThanOrEqualTo(1 + (buffer.Length / 1024)), "small appends share arrays");
    }

    [Test]
    public void Append_NearTheLimit_StaysLinear()
    {
        // Holding MaxLength - 1 bytes and cycling one byte is the worst case for compaction.
        const int max = 4096;
        var buffer = new CookedBuffer(max);
        buffer.Append(new byte[max - 1]);
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Append([1]);
            _ = buffer.Take(1);
        }

        Assert.That(buffer.BytesCopied, Is.EqualTo(max - 1 + 10_000), "nothing is moved to make room");
        Assert.That(buffer.ToArray(), Has.Length.EqualTo(max - 1));
    }

    [Test]
    public void AppendOwned_LargeSlices_AreQueuedWithoutCopying()
    {
        var buffer = new CookedBuffer(1 << 20);
        var first = Filled(64 * 1024, 0);
        var second = Filled(64 * 1024, 7);

        buffer.AppendOwned(first);
        buffer.AppendOwned(second.AsMemory(0, 40 * 1024));

        Assert.That(buffer.BytesCopied, Is.Zero);
        Assert.That(buffer.SegmentCount, Is.EqualTo(2));
        var taken = buffer.Take(70_000);
        Assert.That(taken, Is.EqualTo(first.Concat(second.Take(70_000 - first.Length)).ToArray()));
        Assert.That(buffer.TakeAll(), Is.EqualTo(second.Skip(70_000 - first.Length).Take((40 * 1024) - (70_000 - first.Length)).ToArray()));
    }

    [TestCase(CookedBuffer.MinKeptSlice - 1, CookedBuffer.MinKeptSlice - 1)]
    [TestCase(4096, 16 * 1024)]
    public void AppendOwned_SmallOrSparseSlice_IsCopied(int length, int arrayLength)
    {
        // Keeping a small slice, or one that pins a much larger array, would let memory outgrow the byte limit.
        var buffer = new CookedBuffer(1 << 20);
        var array = Filled(arrayLength, 3);

        buffer.AppendOwned(array.AsMemory(0, length));
        array.AsSpan().Clear();

        Assert.That(buffer.BytesCopied, Is.EqualTo(length));
        Assert.That(buffer.TakeAll(), Is.EqualTo(Filled(arrayLength, 3).Take(length).ToArray()));
    }

    [Test]
    public void AppendOwned_OverMaxLength_ThrowsAndAppendsNothing()
    {
        var buffer = new CookedBuffer(4096);
        buffer.AppendOwned(new byte[4000]);

        Assert.Throws<TelnetBufferLimitExceededException>(() => buffer.AppendOwned(new byte[2048]));
        Assert.That(buffer.Length, Is.EqualTo(4000));
    }

    [Test]
    public void IndexOfAndTake_OverMixedSegments_MatchAContiguousCopy()
    {
        // Owned and copied appends of random sizes, checked against a plain list at every step.
        var random = new Random(1234);
        var buffer = new CookedBuffer(1 << 22);
        var model = new List<byte>();
        byte[][] needles = ["ab"u8.ToArray(), "abcab"u8.ToArray(), [.. Enumerable.Repeat((byte)'a', 300)]];
        for (var step = 0; step < 3000; step++)
        {
            var length = random.Next(4) == 0 ? random.Next(1024, 5000) : random.Next(1, 40);
            var chunk = new byte[length];
            for (var i = 0; i < length; i++)
            {
                chunk[i] = (byte)"abc"[random.Next(random.Next(10) == 0 ? 1 : 3)];
            }

            if (random.Next(2) == 0)
            {
                buffer.AppendOwned(chunk);
            }
            else
            {
                buffer.Append(chunk);
            }

            model.AddRange(chunk);
            foreach (var needle in needles)
            {
                var from = model.Count == 0 ? 0 : random.Next(model.Count);
                var expected = model.ToArray().AsSpan(from).IndexOf(needle);
                Assert.That(buffer.IndexOf(needle, from, out _), Is.EqualTo(expected < 0 ? -1 : from + expected), $"step {step}");
            }

            if (random.Next(3) == 0)
            {
                var count = random.Next(model.Count + 1);
                Assert.That(buffer.Take(count), Is.EqualTo(model.Take(count).ToArray()));
                model.RemoveRange(0, count);
            }

            Assert.That(buffer.Length, Is.EqualTo(model.Count));
        }

        Assert.That(buffer.ToArray(), Is.EqualTo(model.ToArray()));
    }

    [Test]
    public void GetSegments_FromAPosition_YieldsTheBytesFromThereInOrder()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.Append("head"u8);
        buffer.AppendOwned(Filled(2048, 1));
        buffer.Append("tail"u8);

        var pieces = new List<byte>();
        foreach (var piece in buffer.GetSegments(2))
        {
            pieces.AddRange(piece.ToArray());
        }

        Assert.That(pieces, Is.EqualTo(buffer.ToArray().Skip(2)));
    }

    private static byte[] Filled(int length, int seed)
    {
        var array = new byte[length];
        for (var i = 0; i < length; i++)
        {
            array[i] = (byte)((i * 31) + seed);
        }

        return array;
    }

    [Test]
    public void Prepend_PutsBytesBackInFront_ThroughAGrowingRing_AndPastTheLimit()
    {
        var buffer = new CookedBuffer(8);
        buffer.Append("abcdefgh"u8);
        var taken = buffer.Take(5);
        for (var i = 0; i < 5; i++)
        {
            buffer.AppendOwned(new byte[] { (byte)('0' + i) }, bounded: false);
        }

        buffer.Prepend(taken);
        buffer.Prepend([]);

        Assert.That(System.Text.Encoding.Latin1.GetString(buffer.TakeAll()), Is.EqualTo("abcdefgh01234"));
        Assert.That(buffer.Length, Is.Zero);
        buffer.Append("xy"u8);
        Assert.That(buffer.IndexOf("y"u8, 0, out _), Is.EqualTo(1), "positions stay consistent after a prepend");
    }

    [Test]
    public void Prepend_IntoAFullRing_GrowsItAndKeepsEveryByteInOrder()
    {
        // Four kept slices fill the initial ring of four segments; putting bytes back must grow it, not overwrite.
        var buffer = new CookedBuffer(1 << 20);
        var slices = Enumerable.Range(0, 4).Select(i => Filled(CookedBuffer.MinKeptSlice, 10 * i)).ToArray();
        foreach (var slice in slices)
        {
            buffer.AppendOwned(slice);
        }

        var all = slices.SelectMany(s => s).ToArray();
        var taken = buffer.Take(10);
        Assert.That(buffer.SegmentCount, Is.EqualTo(4), "the first slice is only partly taken");

        buffer.Prepend(taken);

        Assert.That(buffer.SegmentCount, Is.EqualTo(5));
        Assert.That(buffer.Length, Is.EqualTo(all.Length));
        Assert.That(buffer.IndexOf(all.AsSpan(8, 4), 0, out _), Is.EqualTo(all.AsSpan().IndexOf(all.AsSpan(8, 4))), "a match across the put-back boundary");
        Assert.That(buffer.TakeAll(), Is.EqualTo(all));
    }

    [Test]
    public void Prepend_Nothing_AddsNoSegment()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendOwned(Filled(CookedBuffer.MinKeptSlice, 1));
        buffer.Append("tail"u8);

        for (var i = 0; i < 10; i++)
        {
            buffer.Prepend([]);
        }

        Assert.That(buffer.SegmentCount, Is.EqualTo(2), "empty put-backs must not pile up in the ring");
        Assert.That(buffer.TakeAll(), Is.EqualTo(Filled(CookedBuffer.MinKeptSlice, 1).Concat("tail"u8.ToArray())));
    }

    [Test]
    public void Append_AfterAKeptSliceThatEndsWhereTheCopiesDo_StartsANewPiece()
    {
        // The kept slice is not in the buffer's own array, even though its end offset equals how much of that array
        // is written: the next copy must not be taken for a continuation of it.
        var buffer = new CookedBuffer(1 << 20);
        var copied = Enumerable.Repeat((byte)'a', CookedBuffer.MinKeptSlice).ToArray();
        var kept = Enumerable.Repeat((byte)'b', CookedBuffer.MinKeptSlice).ToArray();
        buffer.Append(copied);
        buffer.AppendOwned(kept);
        Assert.That(buffer.BytesCopied, Is.EqualTo(copied.Length), "the second slice is kept, not copied");

        buffer.Append("c"u8);

        Assert.That(buffer.TakeAll(), Is.EqualTo(copied.Concat(kept).Concat("c"u8.ToArray()).ToArray()));
    }

    [Test]
    public void IndexOf_NeedleLongerThanTheRest_ExaminesOnlyTheRest()
    {
        // Nothing can match when fewer bytes are left than the needle has: the search stops before comparing windows.
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendOwned(Filled(CookedBuffer.MinKeptSlice, 1));
        buffer.Append("xy"u8);
        var from = buffer.Length - 6;

        Assert.That(buffer.IndexOf("1234567"u8, from, out var examined), Is.EqualTo(-1));
        Assert.That(examined, Is.EqualTo(6));
    }

    [Test]
    public void TakePeekConsume_OutOfRange_ThrowNamingCountAndChangeNothing()
    {
        var buffer = new CookedBuffer(8);
        buffer.Append("abc"u8);

        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Take(4))!.ParamName, Is.EqualTo("count"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Peek(4))!.ParamName, Is.EqualTo("count"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Consume(4))!.ParamName, Is.EqualTo("count"));
        Assert.That(buffer.ToArray(), Is.EqualTo("abc"u8.ToArray()));

        var empty = new CookedBuffer(8);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => empty.Consume(-1))!.ParamName, Is.EqualTo("count"));
        Assert.That(empty.Length, Is.Zero, "a refused consume moves nothing");
    }
}
