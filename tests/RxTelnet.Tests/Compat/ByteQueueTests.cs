namespace RxTelnet.Tests.Compat;

using RxTelnet.Compat;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>The facade's cooked and subnegotiation queues: appends that compact or grow, Python's <c>bytes.find</c>, takes.</summary>
[TestFixture]
public sealed class ByteQueueTests
{
    [Test]
    public void Append_AfterMostWasTaken_MovesTheRestToTheFrontInOrder()
    {
        var queue = new ByteQueue();
        queue.Append(Sequence(0, 64));
        Assert.That(queue.Take(50), Is.EqualTo(Sequence(0, 50)));

        queue.Append(Sequence(64, 10));

        Assert.That(queue.Length, Is.EqualTo(24));
        Assert.That(queue.Span.ToArray(), Is.EqualTo(Sequence(50, 24)));
    }

    [Test]
    public void Append_PastTheCapacity_GrowsAndKeepsWhatWasNotTaken()
    {
        var queue = new ByteQueue();
        queue.Append(Sequence(0, 100));
        _ = queue.Take(10);

        queue.Append(Sequence(100, 100));

        Assert.That(queue.Span.ToArray(), Is.EqualTo(Sequence(10, 190)));
    }

    [Test]
    public void Append_Empty_ChangesNothing()
    {
        var queue = new ByteQueue();
        queue.Append(B("abc"));

        queue.Append([]);

        Assert.That(S(queue.Span.ToArray()), Is.EqualTo("abc"));
    }

    [TestCase("abcabc", "c", 0, 2)]
    [TestCase("abcabc", "c", 3, 5)]
    [TestCase("abcabc", "c", 6, -1)]
    [TestCase("abcabc", "bc", 2, 4)]
    [TestCase("abc", "", 3, 3)]
    [TestCase("abc", "", 4, -1)]
    [TestCase("", "", 0, 0)]
    [TestCase("abc", "bcd", 0, -1)]
    public void Find_IsPythonsBytesFind(string haystack, string needle, int start, int expected)
    {
        // The expected values are CPython's b'...'.find(b'...', start).
        var queue = new ByteQueue();
        queue.Append(B(haystack));

        Assert.That(queue.Find(B(needle), start), Is.EqualTo(expected));
    }

    [Test]
    public void Find_CountsFromTheFirstByteNotYetTaken()
    {
        var queue = new ByteQueue();
        queue.Append(B("c-abc"));
        _ = queue.Take(2);

        Assert.That(queue.Find(B("c"), 0), Is.EqualTo(2));
    }

    [Test]
    public void Take_Everything_EmptiesTheQueue_ThenItFillsAgain()
    {
        var queue = new ByteQueue();
        queue.Append(B("abc"));

        Assert.That(S(queue.TakeAll()), Is.EqualTo("abc"));
        Assert.That(queue.Length, Is.Zero);
        Assert.That(queue.TakeAll(), Is.Empty);

        queue.Append(B("de"));
        Assert.That(S(queue.Span.ToArray()), Is.EqualTo("de"));
    }

    private static byte[] Sequence(int from, int count) => [.. Enumerable.Range(from, count).Select(static i => (byte)i)];
}
