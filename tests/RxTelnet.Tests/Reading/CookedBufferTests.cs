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
        Assert.That(buffer.Span.ToArray(), Is.EqualTo("world"u8.ToArray()));
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
        Assert.That(buffer.Span.ToArray(), Is.EqualTo("12345"u8.ToArray()), "a failed append leaves the buffer as it was");
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

        Assert.That(buffer.BytesMoved, Is.LessThanOrEqualTo(2 * appended), "each appended byte is moved O(1) times");
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

        Assert.That(buffer.BytesMoved, Is.LessThanOrEqualTo(3L * (max + 10_000)));
    }
}
