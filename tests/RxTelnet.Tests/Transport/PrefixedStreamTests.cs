namespace RxTelnet.Tests.Transport;

using System.Text;
using RxTelnet.Transport;

/// <summary>
/// <see cref="PrefixedStream"/> on its own: the bytes taken off the wire come first, then the inner stream's, and
/// writes, flushes and disposal go to the inner stream.
/// </summary>
[TestFixture]
public sealed class PrefixedStreamTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string S(byte[] b, int count) => Encoding.Latin1.GetString(b, 0, count);

    [Test]
    public void Read_ReturnsThePrefixInPiecesThenTheInnerStream()
    {
        using var stream = new PrefixedStream(B("abcde"), new MemoryStream(B("XYZ")), leaveInnerOpen: false);
        var buffer = new byte[3];

        Assert.That(S(buffer, stream.Read(buffer, 0, 3)), Is.EqualTo("abc"));
        Assert.That(S(buffer, stream.Read(buffer, 0, 3)), Is.EqualTo("de"), "what is left of the prefix, not topped up from the inner stream");
        Assert.That(S(buffer, stream.Read(buffer, 0, 3)), Is.EqualTo("XYZ"));
        Assert.That(stream.Read(buffer, 0, 3), Is.Zero, "the inner stream's end");
    }

    [Test]
    public async Task ReadAsync_ReturnsThePrefixInPiecesThenTheInnerStream()
    {
        await using var stream = new PrefixedStream(B("abcde"), new MemoryStream(B("XYZ")), leaveInnerOpen: false);
        var buffer = new byte[3];

        Assert.That(S(buffer, await stream.ReadAsync(buffer.AsMemory())), Is.EqualTo("abc"));
        Assert.That(S(buffer, await stream.ReadAsync(buffer, 0, 3, CancellationToken.None)), Is.EqualTo("de"));
        Assert.That(S(buffer, await stream.ReadAsync(buffer.AsMemory())), Is.EqualTo("XYZ"));
        Assert.That(await stream.ReadAsync(buffer.AsMemory()), Is.Zero);
    }

    [Test]
    public async Task Read_IntoAnEmptyBuffer_ReturnsZeroAndKeepsThePrefix()
    {
        var inner = new MemoryStream(B("XYZ"));
        using var stream = new PrefixedStream(B("ab"), inner, leaveInnerOpen: false);

        Assert.That(stream.Read([]), Is.Zero);
        Assert.That(await stream.ReadAsync(Memory<byte>.Empty), Is.Zero);
        Assert.That(inner.Position, Is.Zero, "the inner stream is not read");

        var buffer = new byte[8];
        Assert.That(S(buffer, stream.Read(buffer)), Is.EqualTo("ab"));
    }

    [Test]
    public async Task WritesAndFlushes_GoToTheInnerStream()
    {
        var inner = new MemoryStream();
        await using var stream = new PrefixedStream(B("ignored"), inner, leaveInnerOpen: true);

        stream.Write(B("1"), 0, 1);
        stream.Write(B("2"));
        await stream.WriteAsync(B("3"), 0, 1, CancellationToken.None);
        await stream.WriteAsync(B("4").AsMemory());
        stream.Flush();
        await stream.FlushAsync(CancellationToken.None);

        Assert.That(Encoding.Latin1.GetString(inner.ToArray()), Is.EqualTo("1234"));
    }

    [Test]
    public void Capabilities_ReadAndWriteButNoSeeking()
    {
        using var stream = new PrefixedStream(B("a"), new MemoryStream(), leaveInnerOpen: false);

        Assert.That((stream.CanRead, stream.CanWrite, stream.CanSeek), Is.EqualTo((true, true, false)));
        Assert.Throws<NotSupportedException>(() => _ = stream.Length);
        Assert.Throws<NotSupportedException>(() => _ = stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(0));
    }

    [TestCase(false, false)]
    [TestCase(true, true)]
    public void Dispose_ClosesTheInnerStreamUnlessToldToLeaveItOpen(bool leaveInnerOpen, bool innerStillOpen)
    {
        var inner = new MemoryStream();
        var stream = new PrefixedStream(B("a"), inner, leaveInnerOpen);

        stream.Dispose();

        Assert.That(inner.CanRead, Is.EqualTo(innerStillOpen));
    }
}
