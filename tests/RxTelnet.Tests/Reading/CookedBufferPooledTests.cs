namespace RxTelnet.Tests.Reading;

using System.Buffers;
using RxTelnet.Reading;

/// <summary>
/// <see cref="CookedBuffer.AppendPooled"/>: copies go into blocks rented from the shared pool, contiguous appends grow
/// one segment, and each block goes back exactly when the last of its bytes is consumed, never before.
/// </summary>
[TestFixture]
public sealed class CookedBufferPooledTests
{
    private static byte[] Bytes(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + i)).ToArray();

    [Test]
    public void SmallAppends_ShareOneBlockAndOneSegment()
    {
        var buffer = new CookedBuffer(1 << 20);

        buffer.AppendPooled(Bytes(60, 1), bounded: true);
        buffer.AppendPooled(Bytes(70, 2), bounded: true);
        buffer.AppendPooled(Bytes(80, 3), bounded: true);

        Assert.That((buffer.PooledBlocks, buffer.SegmentCount, buffer.Length, buffer.BytesCopied), Is.EqualTo((1, 1, 210, 210L)));
        Assert.That(buffer.ToArray(), Is.EqualTo(Bytes(60, 1).Concat(Bytes(70, 2)).Concat(Bytes(80, 3))));
    }

    [Test]
    public void FewBytesQueued_HoldASmallBlock_AFullQueueGetsLargeOnes()
    {
        var buffer = new CookedBuffer(1 << 20);

        buffer.AppendPooled(Bytes(10, 1), bounded: true);
        Assert.That(buffer.PooledBlockBytes, Is.EqualTo(256), "a banner waiting to be read does not hold 16 KiB");

        for (var i = 0; i < 200; i++)
        {
            buffer.AppendPooled(Bytes(1000, (byte)i), bounded: true);
        }

        Assert.That(buffer.SegmentCount, Is.LessThan(20), "blocks grow with the queue, up to 16 KiB");
        Assert.That(buffer.PooledBlockBytes, Is.LessThan(2 * buffer.Length), "and stay within twice what they hold");
        buffer.Clear();
        Assert.That((buffer.PooledBlocks, buffer.PooledBlockBytes), Is.EqualTo((0, 0)));
    }

    [Test]
    public void AppendThatDoesNotFit_RentsABlockOfItsOwnSize()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendPooled(Bytes(10, 1), bounded: true);

        buffer.AppendPooled(Bytes(40_000, 2), bounded: true);

        Assert.That((buffer.PooledBlocks, buffer.SegmentCount), Is.EqualTo((2, 2)));
        Assert.That(buffer.Take(40_010), Is.EqualTo(Bytes(10, 1).Concat(Bytes(40_000, 2))));
        Assert.That(buffer.PooledBlocks, Is.Zero, "both blocks went back once their bytes were taken");
    }

    [Test]
    public void PartlyConsumedBlock_IsKeptUntilItsLastByteGoes()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendPooled(Bytes(1000, 7), bounded: true);

        buffer.Consume(999);
        Assert.That(buffer.PooledBlocks, Is.EqualTo(1), "one byte of it is still queued");
        Assert.That(buffer.ToArray(), Is.EqualTo(new[] { Bytes(1000, 7)[999] }));

        buffer.Consume(1);
        Assert.That(buffer.PooledBlocks, Is.Zero);
    }

    [Test]
    public void AppendAfterTheBlocksSegmentWasDropped_StartsAFreshBlock()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendPooled(Bytes(50, 1), bounded: true);
        buffer.Clear();

        buffer.AppendPooled(Bytes(60, 9), bounded: true);

        Assert.That((buffer.PooledBlocks, buffer.ToArray()), Is.EqualTo((1, Bytes(60, 9))), "the returned block is never written again");
    }

    [Test]
    public void OtherSegmentBetween_TheNextPooledAppendStartsANewBlock()
    {
        var buffer = new CookedBuffer(1 << 20);
        buffer.AppendPooled(Bytes(10, 1), bounded: true);
        buffer.AppendOwned(new ReadOnlyMemory<byte>(Bytes(2000, 50)));

        buffer.AppendPooled(Bytes(10, 3), bounded: true);

        Assert.That((buffer.PooledBlocks, buffer.SegmentCount), Is.EqualTo((2, 3)), "a block is written only behind its own segment");
        Assert.That(buffer.ToArray(), Is.EqualTo(Bytes(10, 1).Concat(Bytes(2000, 50)).Concat(Bytes(10, 3))));
        buffer.Consume(2010);
        Assert.That(buffer.PooledBlocks, Is.EqualTo(1));
    }

    [Test]
    public void OverTheLimit_ThrowsAndAppendsNothingUnlessUnbounded()
    {
        var buffer = new CookedBuffer(100);
        buffer.AppendPooled(Bytes(90, 1), bounded: true);

        Assert.That(() => buffer.AppendPooled(Bytes(11, 2), bounded: true), Throws.TypeOf<TelnetBufferLimitExceededException>());
        Assert.That(buffer.Length, Is.EqualTo(90));

        buffer.AppendPooled(Bytes(11, 2), bounded: false);
        Assert.That(buffer.Length, Is.EqualTo(101));
    }

    [Test]
    public void EmptyAppend_ChangesNothing()
    {
        var buffer = new CookedBuffer(100);

        buffer.AppendPooled([], bounded: true);

        Assert.That((buffer.PooledBlocks, buffer.SegmentCount, buffer.BytesCopied), Is.EqualTo((0, 0, 0L)));
    }

    [Test]
    public void EveryBlock_GoesBackToItsPoolOnce_WhenItsLastByteIsConsumed()
    {
        var pool = new RecordingPool();
        var buffer = new CookedBuffer(1 << 20) { Pool = pool };
        buffer.AppendPooled(Bytes(10, 1), bounded: true);
        buffer.AppendPooled(Bytes(40_000, 2), bounded: true);
        Assert.That(pool.Rented.Select(a => a.Length), Is.EqualTo(new[] { 256, 40_000 }), "a small block for a banner, one of its own size for a large append");

        buffer.Consume(5);
        Assert.That(pool.Returned, Is.Empty, "half of the first block is still queued");
        buffer.Consume(5);
        Assert.That(pool.Returned, Is.EqualTo(new[] { pool.Rented[0] }));
        buffer.Consume(39_999);
        buffer.Clear();
        Assert.That(pool.Returned, Is.EqualTo(pool.Rented), "each rented block back once, in order");
    }

    [Test]
    public void ABlockFilledToTheLastByte_NeedsNoSecondBlock()
    {
        var pool = new RecordingPool();
        var buffer = new CookedBuffer(1 << 20) { Pool = pool };
        buffer.AppendPooled(Bytes(10, 1), bounded: true);

        buffer.AppendPooled(Bytes(246, 2), bounded: true);

        Assert.That((pool.Rented.Count, buffer.SegmentCount), Is.EqualTo((1, 1)), "246 bytes fill the 256-byte block exactly");
        Assert.That(buffer.ToArray(), Is.EqualTo(Bytes(10, 1).Concat(Bytes(246, 2))));
    }

    [Test]
    public void DroppingAnOlderBlock_KeepsWritingIntoTheNewestOne()
    {
        var pool = new RecordingPool();
        var buffer = new CookedBuffer(1 << 20) { Pool = pool };
        buffer.AppendPooled(Bytes(400, 1), bounded: true);
        buffer.AppendPooled(Bytes(300, 2), bounded: true);
        Assert.That(pool.Rented[1].Length, Is.EqualTo(400), "the second block is sized by what was queued, with room to spare");

        buffer.Consume(400);
        buffer.AppendPooled(Bytes(10, 3), bounded: true);

        Assert.That((pool.Rented.Count, buffer.SegmentCount), Is.EqualTo((2, 1)), "the newest block is still written behind its segment");
        Assert.That(buffer.ToArray(), Is.EqualTo(Bytes(300, 2).Concat(Bytes(10, 3))));
    }

    [Test]
    public void TakeIntoOfNothing_DoesNotTouchTheWriter()
    {
        var buffer = new CookedBuffer(100);
        buffer.AppendPooled(Bytes(10, 1), bounded: true);

        Assert.That(buffer.TakeInto(0, new UntouchableWriter()), Is.Zero);
        Assert.That(buffer.Length, Is.EqualTo(10));
    }

    /// <summary>Hands out exact-size arrays and records what was rented and returned.</summary>
    private sealed class RecordingPool : ArrayPool<byte>
    {
        public List<byte[]> Rented { get; } = [];

        public List<byte[]> Returned { get; } = [];

        public override byte[] Rent(int minimumLength)
        {
            var array = new byte[minimumLength];
            Rented.Add(array);
            return array;
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned.Add(array);
    }

    /// <summary>A writer that must not be asked for memory.</summary>
    private sealed class UntouchableWriter : IBufferWriter<byte>
    {
        public void Advance(int count) => Assert.Fail("Advance called");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new AssertionException("GetMemory called");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new AssertionException("GetSpan called");
    }
}
