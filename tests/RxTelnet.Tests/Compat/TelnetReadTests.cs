namespace RxTelnet.Tests.Compat;

using Microsoft.Reactive.Testing;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>CPython's <c>ReadTests</c>, ported, plus the timing of every read in virtual time.</summary>
[TestFixture]
public sealed class TelnetReadTests : ReactiveTest
{
    private static void AssertCompletesAt(Task task, TestScheduler scheduler, long time)
    {
        scheduler.AdvanceTo(time - 1);
        Assert.That(task.IsCompleted, Is.False, $"the read is still pending at {time - 1}");
        scheduler.AdvanceTo(time);
        Assert.That(task.IsCompleted, Is.True, $"the read returns at {time}");
    }

    [Test]
    public void ReadUntil_MatchInOneChunk_ReturnsUpToAndIncludingMatch()
    {
        using var h = WithReads(B("xxxmatchyyy"));
        var read = h.Telnet.ReadUntilAsync(B("match"));

        AssertCompletesAt(read, h.Scheduler, 100);
        Assert.That(S(read.Result), Is.EqualTo("xxxmatch"));
        Assert.That(S(h.Telnet.ReadVeryLazy()), Is.EqualTo("yyy"), "what follows the match stays queued, as in telnetlib's cookedq");
    }

    [Test]
    public void ReadUntil_MatchInLaterChunk_WaitsForIt()
    {
        using var h = WithReads(B(new string('x', 50)), B("match"), B(new string('y', 50)));
        var read = h.Telnet.ReadUntilAsync(B("match"));

        AssertCompletesAt(read, h.Scheduler, 110);
        Assert.That(S(read.Result), Is.EqualTo(new string('x', 50) + "match"));
    }

    [Test]
    public void ReadUntil_MatchSplitAcrossChunks_IsFound()
    {
        using var h = WithReads(B("login"), B(": "), B("rest"));
        var read = h.Telnet.ReadUntilAsync(B("login: "));

        AssertCompletesAt(read, h.Scheduler, 110);
        Assert.That(S(read.Result), Is.EqualTo("login: "));
    }

    [Test]
    public void ReadUntil_Synchronous_ReturnsQueuedMatch()
    {
        using var h = WithReads(B("xxxmatchyyy"));
        h.DeliverAll();

        Assert.That(S(h.Telnet.ReadUntil(B("match"))), Is.EqualTo("xxxmatch"));
        Assert.That(S(h.Telnet.ReadUntil(B("match"))), Is.EqualTo("yyy"), "at end of stream read_until returns what is left");
        Assert.Throws<TelnetEofException>(() => h.Telnet.ReadUntil(B("match")), "then it raises EOFError");
    }

    [Test]
    public void ReadUntil_NoMatchBeforeTimeout_ReturnsWhatArrivedAtDueTime()
    {
        using var h = WithScript(OnNext(100, B("log")), OnNext(150, B("in")));
        h.Scheduler.AdvanceTo(20);
        var read = h.Telnet.ReadUntilAsync(B("login: "), TimeSpan.FromTicks(200));

        AssertCompletesAt(read, h.Scheduler, 220);
        Assert.That(S(read.Result), Is.EqualTo("login"), "read_until returns what is there on timeout");
    }

    [Test]
    public void ReadUntil_TimeoutWithNothingReceived_ReturnsEmpty()
    {
        using var h = WithScript();
        var read = h.Telnet.ReadUntilAsync(B("x"), TimeSpan.FromTicks(30));

        AssertCompletesAt(read, h.Scheduler, 30);
        Assert.That(read.Result, Is.Empty);
    }

    [Test]
    public void ReadUntil_ZeroTimeout_LooksOnlyAtWhatArrived()
    {
        using var h = WithScript(OnNext(100, B("abc")));
        h.Scheduler.AdvanceTo(100);

        var read = h.Telnet.ReadUntilAsync(B("zzz"), TimeSpan.Zero);

        Assert.That(read.IsCompleted, Is.True, "a zero timeout does not wait");
        Assert.That(S(read.Result), Is.EqualTo("abc"));
    }

    [Test]
    public void ReadUntil_NegativeTimeout_BehavesLikeZero()
    {
        using var h = WithScript(OnNext(100, B("abc")));
        h.Scheduler.AdvanceTo(100);

        // A script that computes "deadline - now" passes negative timeouts; telnetlib then only looks.
        Assert.That(S(h.Telnet.ReadUntil(B("zzz"), TimeSpan.FromSeconds(-3))), Is.EqualTo("abc"));
    }

    [Test]
    public void ReadUntil_EmptyExpected_ReturnsEmptyAtOnce()
    {
        using var h = WithReads(B("abc"));
        h.DeliverAll();

        Assert.That(h.Telnet.ReadUntil([]), Is.Empty, "bytes.find(b'') is 0 in telnetlib");
        Assert.That(S(h.Telnet.ReadVeryEager()), Is.EqualTo("abc"), "nothing was consumed");
    }

    [Test]
    public void ReadUntil_EmptyExpectedOnAnEmptyQueue_ReturnsAtOnce()
    {
        using var h = WithScript(OnNext(100, B("abc")));

        var read = h.Telnet.ReadUntilAsync([]);

        Assert.That(read.IsCompletedSuccessfully, Is.True, "b''.find(b'') is 0 in telnetlib: nothing to wait for");
        Assert.That(read.Result, Is.Empty);
    }

    [Test]
    public void ReadUntil_InfiniteTimeout_WaitsLikeNone()
    {
        using var h = WithScript(OnNext(100, B("x")));

        var read = h.Telnet.ReadUntilAsync(B("x"), System.Threading.Timeout.InfiniteTimeSpan);

        AssertCompletesAt(read, h.Scheduler, 100);
        Assert.That(S(read.Result), Is.EqualTo("x"));
    }

    [Test]
    public void ReadUntil_DataArrivingAtTheDeadline_IsStillSearchedToTheEnd()
    {
        // telnetlib stops only when deadline - now < 0: at exactly the deadline it selects (with 0) and recvs again.
        var line = new string('x', 55) + "login: ";
        using var h = WithScript(OnNext(200, B(line)));
        var read = h.Telnet.ReadUntilAsync(B("login: "), TimeSpan.FromTicks(200));

        AssertCompletesAt(read, h.Scheduler, 200);
        Assert.That(S(read.Result), Is.EqualTo(line), "the second recv(50) brings the match");
    }

    [Test]
    public void ReadUntil_EofWithNothingQueued_ThrowsEofAtCloseTime()
    {
        using var h = WithScript(OnCompleted<byte[]>(140));
        var read = h.Telnet.ReadUntilAsync(B("x"));

        AssertCompletesAt(read, h.Scheduler, 140);
        Assert.That(read.Exception?.InnerException, Is.TypeOf<TelnetEofException>());
        Assert.That(read.Exception!.InnerException!.Message, Is.EqualTo("telnet connection closed"));
    }

    [Test]
    public void ReadUntil_EofWithDataButNoMatch_ReturnsData()
    {
        using var h = WithReads(B("partial"));
        var read = h.Telnet.ReadUntilAsync(B("never"));

        AssertCompletesAt(read, h.Scheduler, h.EndAt);
        Assert.That(S(read.Result), Is.EqualTo("partial"));
    }

    [Test]
    public void ReadUntil_Cancelled_ConsumesNothing()
    {
        using var h = WithReads(B("abc"));
        using var cts = new CancellationTokenSource();
        var read = h.Telnet.ReadUntilAsync(B("zzz"), cancellationToken: cts.Token);
        h.Scheduler.AdvanceTo(100);

        cts.Cancel();

        Assert.That(read.IsCanceled, Is.True);
        Assert.That(S(h.Telnet.ReadVeryLazy()), Is.EqualTo("abc"), "the abandoned read left the queue alone");
    }

    [Test]
    public void ReadAll_ReadsEverythingUntilEof()
    {
        byte[][] reads = [B(new string('x', 500)), B(new string('y', 500)), B(new string('z', 500))];
        using var h = WithReads(reads);
        var read = h.Telnet.ReadAllAsync();

        AssertCompletesAt(read, h.Scheduler, h.EndAt);
        Assert.That(read.Result, Is.EqualTo(Cat(reads)));
    }

    [Test]
    public void ReadAll_AtEofWithNothingLeft_ReturnsEmptyWithoutError()
    {
        using var h = WithReads();
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.Empty);
        Assert.That(h.Telnet.ReadAll(), Is.Empty, "read_all never raises EOFError");
    }

    [Test]
    public void ReadSome_ReturnsAtLeastOneByte()
    {
        using var h = WithReads(B(new string('x', 500)));
        var read = h.Telnet.ReadSomeAsync();

        AssertCompletesAt(read, h.Scheduler, 100);
        Assert.That(read.Result, Has.Length.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void ReadSome_AtEof_ReturnsEmpty()
    {
        using var h = WithReads();
        var read = h.Telnet.ReadSomeAsync();

        AssertCompletesAt(read, h.Scheduler, h.EndAt);
        Assert.That(read.Result, Is.Empty);
    }

    [TestCase("ReadEager")]
    [TestCase("ReadVeryEager")]
    public void EagerReads_BeforeArrival_ReturnEmpty_ThenData_ThenEof(string name)
    {
        // CPython's _read_eager: b'' while the data is still "on the socket", then the data, then EOFError.
        var want = B(new string('x', 100));
        using var h = WithReads(want);
        Func<byte[]> read = name == "ReadEager" ? h.Telnet.ReadEager : h.Telnet.ReadVeryEager;

        Assert.That(read(), Is.Empty, "nothing has arrived yet");
        h.DeliverAll();
        var data = new List<byte>();
        for (var calls = 0; ; calls++)
        {
            Assert.That(calls, Is.LessThan(100), "the reads reach the end");
            try
            {
                data.AddRange(read());
            }
            catch (TelnetEofException)
            {
                break;
            }
        }

        Assert.That(data.ToArray(), Is.EqualTo(want));
    }

    [Test]
    public void ReadEager_StopsAtTheFirstRecvThatYieldsData_ReadVeryEagerDoesNot()
    {
        using var h = WithReads(B(new string('x', 60)), B("two"));
        h.Scheduler.AdvanceTo(FirstChunkAt + ChunkSpacing);

        Assert.That(S(h.Telnet.ReadEager()), Is.EqualTo(new string('x', 50)), "one recv(50), and it cooked data");
        Assert.That(S(h.Telnet.ReadVeryEager()), Is.EqualTo(new string('x', 10) + "two"), "recvs while anything waits");
    }

    [Test]
    public void ReadEager_RecvsAgainWhileNothingIsCooked()
    {
        // 50 NULs: telnetlib drops them, so the first recv cooks nothing and read_eager recvs again.
        using var h = WithReads(new byte[50], B("data"));
        h.Scheduler.AdvanceTo(FirstChunkAt + ChunkSpacing);

        Assert.That(S(h.Telnet.ReadEager()), Is.EqualTo("data"));
    }

    [Test]
    public void ReadEager_WithCookedDataQueued_DoesNotRecv()
    {
        using var h = WithReads(B("one\n"), B("two"));
        h.Scheduler.AdvanceTo(FirstChunkAt);
        Assert.That(S(h.Telnet.ReadUntil(B("one"))), Is.EqualTo("one"));
        h.Scheduler.AdvanceTo(FirstChunkAt + ChunkSpacing);

        Assert.That(S(h.Telnet.ReadEager()), Is.EqualTo("\n"), "the cooked queue was not empty: no recv");
        Assert.That(S(h.Telnet.ReadEager()), Is.EqualTo("two"));
    }

    [Test]
    public void ReadSome_WithCookedDataQueued_ReturnsItWithoutWaiting()
    {
        using var h = WithScript(OnNext(100, B("ab")), OnNext(200, B("c")));
        h.Scheduler.AdvanceTo(100);
        Assert.That(S(h.Telnet.ReadUntil(B("a"))), Is.EqualTo("a"));

        var read = h.Telnet.ReadSomeAsync();

        Assert.That(read.IsCompletedSuccessfully, Is.True);
        Assert.That(S(read.Result), Is.EqualTo("b"));
    }

    [Test]
    public void ReadVeryLazy_AtEofWithRawBytesLeft_ReturnsEmpty_ThenEofOnceProcessed()
    {
        // CPython: fill_rawq twice (data, then b''), read_very_lazy is b'' while rawq holds data; EOFError after read_lazy.
        using var h = WithReads(B("abc"));
        h.DeliverAll();
        h.Telnet.FillRawq();
        h.Telnet.FillRawq();
        Assert.That(h.Telnet.Eof, Is.True);

        Assert.That(h.Telnet.ReadVeryLazy(), Is.Empty, "telnetlib raises EOFError only once the raw queue is empty too");
        Assert.That(S(h.Telnet.ReadLazy()), Is.EqualTo("abc"));
        Assert.Throws<TelnetEofException>(() => h.Telnet.ReadVeryLazy());
    }

    [Test]
    public void ReadLazy_DoesNoIo_FillRawqFeedsIt()
    {
        // CPython's test_read_lazy: read_lazy only processes the raw queue; fill_rawq brings the next recv.
        var want = B(new string('x', 100));
        using var h = WithReads(want);
        Assert.That(h.Telnet.ReadLazy(), Is.Empty);
        h.DeliverAll();
        Assert.That(h.Telnet.ReadLazy(), Is.Empty, "arrived, but not received: read_lazy does no I/O");

        var data = new List<byte>();
        var recvs = 0;
        for (var calls = 0; ; calls++)
        {
            Assert.That(calls, Is.LessThan(100), "the reads reach the end");
            try
            {
                var chunk = h.Telnet.ReadLazy();
                data.AddRange(chunk);
                if (chunk.Length == 0)
                {
                    h.Telnet.FillRawq();
                    recvs++;
                }
            }
            catch (TelnetEofException)
            {
                break;
            }

            Assert.That(want.AsSpan().StartsWith(data.ToArray()), Is.True, "in order");
        }

        Assert.That(data.ToArray(), Is.EqualTo(want));
        Assert.That(recvs, Is.EqualTo(3), "two recv(50) for the data, one for the end");
    }

    [Test]
    public void ReadVeryLazy_ReturnsOnlyTheCookedQueue()
    {
        // CPython's read_very_lazy case: nothing until fill_rawq has run and something processed the raw queue.
        var want = B(new string('x', 100));
        using var h = WithReads(want);
        h.DeliverAll();
        Assert.That(h.Telnet.ReadVeryLazy(), Is.Empty);
        h.Telnet.FillRawq();
        h.Telnet.FillRawq();
        Assert.That(h.Telnet.ReadVeryLazy(), Is.Empty, "received into the raw queue, not cooked yet");
        h.Telnet.ProcessRawq();
        Assert.That(h.Telnet.ReadVeryLazy(), Is.EqualTo(want));
        h.Telnet.FillRawq();
        Assert.That(h.Telnet.Eof, Is.True);
        Assert.Throws<TelnetEofException>(() => h.Telnet.ReadVeryLazy());
    }

    [Test]
    public void ReadBuffered_WhileBlockingReadPending_Throws()
    {
        using var h = WithReads(B("abc"));
        _ = h.Telnet.ReadUntilAsync(B("zzz"));

        Assert.Throws<InvalidOperationException>(() => h.Telnet.ReadVeryEager());
    }

    [Test]
    public void Reads_DropNulAndDc1LikeTelnetlib()
    {
        using var h = WithReads([(byte)'a', 0, (byte)'b', 0x11, (byte)'c', 13, 0, (byte)'d']);
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.EqualTo(new byte[] { (byte)'a', (byte)'b', (byte)'c', 13, (byte)'d' }));
    }

    [Test]
    public void Reads_IacIacIsOneDataByte()
    {
        using var h = WithReads([(byte)'a', 255, 255, (byte)'b']);
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.EqualTo(new byte[] { (byte)'a', 255, (byte)'b' }));
    }
}
