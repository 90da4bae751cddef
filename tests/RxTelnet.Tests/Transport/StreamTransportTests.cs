namespace RxTelnet.Tests.Transport;

using System.Reactive;
using RxTelnet.Transport;

/// <summary>
/// <see cref="StreamTransport"/>'s receive loop over a <see cref="MemoryStream"/>, whose reads complete at once:
/// chunk ownership for full and partial reads, and pausing from inside the delivery of a chunk.
/// </summary>
[TestFixture]
public sealed class StreamTransportTests
{
    private const int ReadSize = 1024;

    private static byte[] Data(int length)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        return data;
    }

    [Test]
    public async Task Received_FullAndPartialReads_EmitsFreshArraysThatStayIntact()
    {
        var data = Data((4 * ReadSize) + 100);
        using var transport = new StreamTransport(new MemoryStream(data), receiveBufferSize: ReadSize);
        var chunks = new List<byte[]>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(chunks.Add, e => done.TrySetException(e), () => done.TrySetResult());

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(chunks.Select(static c => c.Length), Is.EqualTo(new[] { ReadSize, ReadSize, ReadSize, ReadSize, 100 }));
        Assert.That(chunks.Distinct().Count(), Is.EqualTo(chunks.Count), "every chunk is its own array");
        Assert.That(chunks.SelectMany(static c => c), Is.EqualTo(data), "and none was written to after it was emitted");
    }

    [Test]
    public async Task PauseReceiving_FromInsideADelivery_NoFurtherReadUntilResumed()
    {
        var data = Data(4 * ReadSize);
        var stream = new MemoryStream(data);
        using var transport = new StreamTransport(stream, receiveBufferSize: ReadSize);
        var chunks = new List<byte[]>();
        var done = new TaskCompletionSource();
        using var _ = transport.Received.Subscribe(Observer.Create<byte[]>(
            chunk =>
            {
                chunks.Add(chunk);
                if (chunks.Count == 1)
                {
                    transport.PauseReceiving();
                }
            },
            e => done.TrySetException(e),
            () => done.TrySetResult()));

        Assert.That(chunks, Has.Count.EqualTo(1));
        Assert.That(stream.Position, Is.EqualTo(ReadSize), "the stream was not read past the first chunk");

        transport.ResumeReceiving();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(chunks.SelectMany(static c => c), Is.EqualTo(data), "nothing lost or reordered");
    }
}
