namespace RxTelnet.Tests.Compat;

using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using RxTelnet.Compat;
using RxTelnet.Transport;

/// <summary>
/// Where an awaiting caller's code resumes after a facade read that had to wait: never on the thread that delivered
/// the data (a transport's receive loop), where a blocking call would stop the connection.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class FacadeContinuationTests
{
    [Test]
    public async Task ReadUntilAsync_ThatWaited_ResumesTheCallerOffTheDeliveringThread()
    {
        var incoming = new Subject<byte[]>();
        using var telnet = new Telnet(new ObservableTransport(incoming));
        var read = telnet.ReadUntilAsync("$ "u8.ToArray(), TimeSpan.FromSeconds(20));
        Assert.That(read.IsCompleted, Is.False, "nothing has arrived: the read waits");

        var deliverer = -1;
        var delivered = new ManualResetEventSlim();
        var resumedOn = read.ContinueWith(_ => Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
        var thread = new Thread(() =>
        {
            deliverer = Environment.CurrentManagedThreadId;
            incoming.OnNext("login ok\r\n$ "u8.ToArray());
            delivered.Set();
        });
        thread.Start();

        Assert.That(await read.WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo("login ok\r\n$ "u8.ToArray()));
        Assert.That(await resumedOn.WaitAsync(TimeSpan.FromSeconds(20)), Is.Not.EqualTo(deliverer), "the caller resumed on the delivering thread");
        Assert.That(delivered.Wait(TimeSpan.FromSeconds(20)), Is.True);
    }

    [Test]
    public void ReadUntilAsync_OnAHistoricalScheduler_CompletesWhereTheClockIsAdvanced()
    {
        // Any virtual-time scheduler, not only a TestScheduler: the read returns at the virtual time telnetlib would,
        // inline, with no hop to the thread pool that would let the clock run on before the caller sees the result.
        var scheduler = new HistoricalScheduler();
        var incoming = new Subject<byte[]>();
        using var telnet = new Telnet(new ObservableTransport(incoming), scheduler);
        var read = telnet.ReadUntilAsync("$ "u8.ToArray(), TimeSpan.FromSeconds(10));

        scheduler.AdvanceBy(TimeSpan.FromSeconds(3));
        incoming.OnNext("a$ "u8.ToArray());

        Assert.That(read.IsCompletedSuccessfully, Is.True);
        Assert.That(read.Result, Is.EqualTo("a$ "u8.ToArray()));
    }

    [Test]
    public void ReadUntil_Blocking_StillReturnsWhenDataArrivesOnAnotherThread()
    {
        var incoming = new Subject<byte[]>();
        using var telnet = new Telnet(new ObservableTransport(incoming));
        var thread = new Thread(() => incoming.OnNext("a$ b"u8.ToArray()));
        thread.Start();

        Assert.That(telnet.ReadUntil("$ "u8.ToArray(), TimeSpan.FromSeconds(20)), Is.EqualTo("a$ "u8.ToArray()));
        Assert.That(telnet.ReadVeryEager(), Is.EqualTo("b"u8.ToArray()));
        thread.Join();
    }
}
