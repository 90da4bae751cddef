namespace RxTelnet.Tests.Reliability;

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxTelnet.Session;
using RxTelnet.Transport;
using static Hostile;

/// <summary>
/// No read truncates silently: <c>ReadAll</c> returns every byte up to the end of stream, up to its own limit, and
/// a limit reached by any read is an error, never an early end of stream. Virtual time over a scripted transport.
/// </summary>
[TestFixture]
public sealed class ReadLimitTests : LeakCheckedTest
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>A peer that sends <paramref name="chunks"/> chunks of 64 KiB (made lazily, one per tick), then <paramref name="tail"/>, then closes.</summary>
    private static (TestScheduler Scheduler, TelnetSession Session) Bulk(int chunks, byte[] tail, TelnetSessionOptions options)
    {
        var scheduler = new TestScheduler();
        var incoming = Observable.Generate(
            0,
            i => i <= chunks,
            i => i + 1,
            i => i < chunks ? Pattern(i) : tail,
            _ => TimeSpan.FromTicks(1),
            scheduler);
        var session = new TelnetSession(new ObservableTransport(incoming), options with { Scheduler = scheduler });
        return (scheduler, session);
    }

    private static byte[] Pattern(int index)
    {
        var chunk = new byte[ChunkSize];
        chunk.AsSpan().Fill((byte)('a' + (index % 26)));
        return chunk;
    }

    [Test]
    public void ReadAll_20MiBThenDone_ReturnsEveryByte()
    {
        // 20 MiB is past the cooked queue's 16 MiB: ReadAll must not be cut at that limit.
        const int chunks = 20 * 16;
        var tail = B("\r\nDONE\r\n");
        var (scheduler, session) = Bulk(chunks, tail, TelnetSessionOptions.Default);
        session.Start();
        var read = scheduler.CreateObserver<byte[]>();
        session.ReadAll().Subscribe(read);

        scheduler.Start();

        Assert.That(read.Messages, Has.Count.EqualTo(2), "one result, then completion");
        var all = read.Messages[0].Value.Value;
        Assert.That(all, Has.Length.EqualTo((chunks * ChunkSize) + tail.Length));
        Assert.That(S(all[^tail.Length..]), Is.EqualTo("\r\nDONE\r\n"));
        for (var i = 0; i < chunks; i++)
        {
            Assert.That(all[i * ChunkSize], Is.EqualTo((byte)('a' + (i % 26))), $"chunk {i} in order");
        }

        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.RemoteClose));
    }

    [Test]
    public void ReadAll_PastMaxReadAllBytes_FailsTypedAndClosesTheSession()
    {
        const int limit = 1024 * 1024;
        var (scheduler, session) = Bulk(32, B("END"), TelnetSessionOptions.Default with { MaxReadAllBytes = limit });
        session.Start();
        var read = scheduler.CreateObserver<byte[]>();
        session.ReadAll().Subscribe(read);

        scheduler.Start();

        Assert.That(read.Messages, Has.Count.EqualTo(1));
        var error = read.Messages[0].Value.Exception;
        Assert.That(error, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo(nameof(TelnetSessionOptions.MaxReadAllBytes))
            .And.Property(nameof(TelnetBufferLimitExceededException.Limit)).EqualTo(limit)
            .And.Property(nameof(TelnetBufferLimitExceededException.Attempted)).EqualTo(limit + ChunkSize));
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(session.CurrentState.Error, Is.SameAs(error));
    }

    [Test]
    public void ReadAll_ExactlyMaxReadAllBytes_ReturnsThem()
    {
        const int limit = 4 * ChunkSize;
        var (scheduler, session) = Bulk(4, [], TelnetSessionOptions.Default with { MaxReadAllBytes = limit });
        session.Start();
        var read = scheduler.CreateObserver<byte[]>();
        session.ReadAll().Subscribe(read);

        scheduler.Start();

        Assert.That(read.Messages[0].Value.Value, Has.Length.EqualTo(limit));
    }

    [Test]
    public void ReadSomeAndReadBuffered_AfterTheCookedQueueLimit_ReportTheLimitNotEndOfStream()
    {
        // Nobody reads while 2 MiB arrive into a 1 MiB queue that cannot pause (scripted transport).
        var (scheduler, session) = Bulk(32, [], TelnetSessionOptions.Default with { MaxBufferedBytes = 1024 * 1024 });
        session.Start();
        scheduler.Start();
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));

        Assert.That(session.ReadBuffered(), Has.Length.EqualTo(1024 * 1024), "what fitted is readable");
        Assert.That(() => session.ReadBuffered(), Throws.TypeOf<TelnetBufferLimitExceededException>());
        var some = scheduler.CreateObserver<byte[]>();
        session.ReadSome().Subscribe(some);
        Assert.That(some.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>(), "not an empty result, which would mean end of stream");
    }

    [Test]
    public void MaxReadAllBytesAndMaxPendingSendBytes_BelowOne_ThrowNamingTheOption()
    {
        Assert.That(() => TelnetSessionOptions.Default with { MaxReadAllBytes = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo(nameof(TelnetSessionOptions.MaxReadAllBytes)));
        Assert.That(() => TelnetSessionOptions.Default with { MaxPendingSendBytes = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo(nameof(TelnetSessionOptions.MaxPendingSendBytes)));
        Assert.That(TelnetSessionOptions.Default.MaxReadAllBytes, Is.EqualTo(256 * 1024 * 1024));
        Assert.That(TelnetSessionOptions.Default.MaxPendingSendBytes, Is.EqualTo(16 * 1024 * 1024));
    }
}
