namespace RxTelnet.Tests.Protocol;

using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;

/// <summary>
/// The <see cref="TelnetObservable.ParseTelnet"/> operator on virtual time: events come out synchronously at the tick
/// their chunk arrived, terminal notifications pass through after any truncation warning, and data is not copied.
/// </summary>
/// <remarks>Events are projected to <see cref="Transcript"/> lines so that payloads compare by content (STYLE item 19).</remarks>
[TestFixture]
public sealed class ParseTelnetTests : ReactiveTest
{
    private const byte Iac = 255;

    [Test]
    public void ParseTelnet_ChunksAtVirtualTimes_EmitsEachEventAtTheTickItCompletes()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(150, [.. "early"u8]),
            OnNext<byte[]>(210, [.. "he"u8]),
            OnNext<byte[]>(220, [Iac]),
            OnNext<byte[]>(230, [253, 24, .. "ll"u8]),
            OnNext<byte[]>(240, [.. "o\r"u8]),
            OnNext<byte[]>(250, [0, .. "!"u8, Iac, 241]),
            OnCompleted<byte[]>(300));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of));

        res.Messages.AssertEqual(
            OnNext(210, "DATA \"he\""),
            OnNext(230, "DO 24 (TTYPE)"), // the IAC of tick 220 is held until its verb and option arrive
            OnNext(230, "DATA \"ll\""),
            OnNext(240, "DATA \"o%0D\""),
            OnNext(250, "DATA \"!\""), // the NUL after the CR of tick 240 completes CR NUL and is dropped
            OnNext(250, "IAC 241 (NOP)"),
            OnCompleted<string>(300));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 300));
    }

    [Test]
    public void ParseTelnet_SourceErrors_PassesTheSameErrorOnAtTheSameTick()
    {
        var scheduler = new TestScheduler();
        var error = new IOException("connection reset");
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [.. "a"u8]),
            OnError<byte[]>(220, error));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of));

        res.Messages.AssertEqual(
            OnNext(210, "DATA \"a\""),
            OnError<string>(220, error));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 220));
    }

    [Test]
    public void ParseTelnet_CompletedAfterLoneIac_WarnsThenCompletesAtTheSameTick()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [.. "x"u8, Iac]),
            OnCompleted<byte[]>(250));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of));

        res.Messages.AssertEqual(
            OnNext(210, "DATA \"x\""),
            OnNext(250, "WARNING TruncatedSequence"),
            OnCompleted<string>(250));
    }

    [Test]
    public void ParseTelnet_ErrorInsideSubnegotiation_WarnsThenErrorsAtTheSameTick()
    {
        var scheduler = new TestScheduler();
        var error = new IOException("connection reset");
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [Iac, 250, 24, 0, .. "xte"u8]),
            OnError<byte[]>(250, error));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of));

        res.Messages.AssertEqual(
            OnNext(250, "WARNING TruncatedSequence SB 24 (TTYPE)"),
            OnError<string>(250, error));
    }

    [Test]
    public void ParseTelnet_CompletedBetweenSequences_CompletesWithoutWarning()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [Iac, 251, 1]),
            OnCompleted<byte[]>(250));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of));

        res.Messages.AssertEqual(
            OnNext(210, "WILL 1 (ECHO)"),
            OnCompleted<string>(250));
    }

    [Test]
    public void ParseTelnet_DisposedMidStream_UnsubscribesAndEmitsNothingAfter()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [.. "a"u8]),
            OnNext<byte[]>(260, [.. "b"u8]),
            OnCompleted<byte[]>(300));

        var res = scheduler.Start(() => chunks.ParseTelnet().Select(Transcript.Of), created: 100, subscribed: 200, disposed: 250);

        res.Messages.AssertEqual(OnNext(210, "DATA \"a\""));
        chunks.Subscriptions.AssertEqual(Subscribe(200, 250));
    }

    [Test]
    public void ParseTelnet_TwoSubscriptions_EachKeepsItsOwnParserState()
    {
        var scheduler = new TestScheduler();
        var chunks = scheduler.CreateHotObservable(
            OnNext<byte[]>(210, [Iac]),
            OnNext<byte[]>(220, [253, 24]),
            OnCompleted<byte[]>(300));
        var parsed = chunks.ParseTelnet().Select(Transcript.Of);
        var early = scheduler.CreateObserver<string>();
        var late = scheduler.CreateObserver<string>();
        scheduler.ScheduleAbsolute(early, 200, (_, o) => parsed.Subscribe(o));
        scheduler.ScheduleAbsolute(late, 215, (_, o) => parsed.Subscribe(o));

        scheduler.Start();

        early.Messages.AssertEqual(
            OnNext(220, "DO 24 (TTYPE)"),
            OnCompleted<string>(300));
        late.Messages.AssertEqual(
            OnNext(220, "DATA \"%FD%18\""), // this subscription never saw the IAC, so for it these bytes are data
            OnCompleted<string>(300));
    }

    [Test]
    public void ParseTelnet_DataEvents_AreSlicesOfTheReceivedArray()
    {
        byte[] chunk = [.. "ab"u8, Iac, Iac, .. "c\r"u8, 0, .. "d"u8, Iac, 241, .. "e"u8];
        var events = ParseOne(chunk);
        var data = events.Where(e => e.IsData).ToList();

        Assert.That(data, Has.Count.EqualTo(5), "runs: \"ab\", the unescaped IAC, \"c\\r\", \"d\", \"e\"");
        (int Offset, int Count)[] expected = [(0, 2), (2, 1), (4, 2), (7, 1), (10, 1)];
        for (var i = 0; i < data.Count; i++)
        {
            Assert.That(MemoryMarshal.TryGetArray(data[i].Data, out var segment), Is.True, $"data event {i} is backed by an array");
            Assert.That(segment.Array, Is.SameAs(chunk), $"data event {i} is the received array itself, not a copy");
            Assert.That((segment.Offset, segment.Count), Is.EqualTo(expected[i]), $"data event {i} covers its run of the chunk");
        }
    }

    [Test]
    public void ParseTelnet_SubnegotiationWholeInOneChunk_PayloadIsASliceOfIt()
    {
        byte[] chunk = [.. "x"u8, Iac, 250, 24, 0, .. "vt100"u8, Iac, 240];
        var command = ParseOne(chunk).Single(e => e.IsCommand).Command;

        Assert.That(MemoryMarshal.TryGetArray(command.Payload, out var segment), Is.True, "the payload is backed by an array");
        Assert.That(segment.Array, Is.SameAs(chunk), "an unescaped payload inside one chunk is not copied");
        Assert.That((segment.Offset, segment.Count), Is.EqualTo((4, 6)), "the payload is the bytes between the option and IAC SE");
    }

    [Test]
    public void ParseTelnet_SubnegotiationAcrossChunks_PayloadIsAStableCopy()
    {
        byte[] first = [Iac, 250, 24, 0, .. "vt"u8];
        byte[] second = [.. "100"u8, Iac, 240];
        var events = new List<TelnetEvent>();
        using var source = new Subject<byte[]>();
        using var subscription = source.ParseTelnet().Subscribe(events.Add);

        source.OnNext(first);
        source.OnNext(second);
        var payload = events.Single().Command.Payload;
        Array.Clear(first);
        Array.Clear(second);

        Assert.That(payload.ToArray(), Is.EqualTo("\0vt100"u8.ToArray()), "the payload was assembled in the parser and copied out, so it survives the chunks");
    }

    [Test]
    public void ParseTelnet_NullSource_ThrowsArgumentNullException()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => TelnetObservable.ParseTelnet(null!));

        Assert.That(ex.ParamName, Is.EqualTo("source"), "the exception names the null argument");
    }

    [Test]
    public void ParseTelnet_NullOptions_ParsesWithTheDefaults()
    {
        var lines = new List<string>();
        using var source = new Subject<byte[]>();
        using var subscription = source.ParseTelnet(null).Subscribe(e => lines.Add(Transcript.Of(e)));

        source.OnNext([.. "a\r"u8, 0, 0x11]);

        Assert.That(Transcript.Merge(lines), Is.EqualTo(new[] { "DATA \"a%0D%11\"" }), "default options: CR NUL collapsed, DC1 kept");
    }

    [Test]
    public void Subscribe_NullObserver_ThrowsArgumentNullException()
    {
        var parsed = Observable.Never<byte[]>().ParseTelnet();

        Assert.That(() => parsed.Subscribe((IObserver<TelnetEvent>)null!), Throws.ArgumentNullException, "a null observer is a programmer error");
    }

    [Test]
    public void ParseTelnet_Same64KiBChunkRepeatedly_AllocatesNothingPerChunk()
    {
        // Escaped subnegotiation payloads are left out: those are documented to be copied out of the parser.
        var chunk = TelnetParserTests.MixedChunk(64 * 1024, escapedPayloads: false);
        var source = new ManualSource();
        var observer = new CountingObserver();
        using var subscription = source.ParseTelnet().Subscribe(observer);

        AllocatedWhilePushing(source, chunk, times: 4); // warm up
        var eventsBefore = observer.Events;
        var allocated = AllocatedWhilePushing(source, chunk, times: 16);

        Assert.That(observer.Events - eventsBefore, Is.GreaterThan(16 * 1000), "the chunk is busy: data runs, commands, negotiations and subnegotiations");
        Assert.That(allocated, Is.Zero, "events are structs over slices of the chunk: nothing is allocated per event or per chunk");
    }

    /// <summary>Kept out of line so that the assertions' own allocations cannot be moved into the measured window.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocatedWhilePushing(ManualSource source, byte[] chunk, int times)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
        {
            source.Push(chunk);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static List<TelnetEvent> ParseOne(byte[] chunk)
    {
        var events = new List<TelnetEvent>();
        using var source = new Subject<byte[]>();
        using var subscription = source.ParseTelnet().Subscribe(events.Add);
        source.OnNext(chunk);
        return events;
    }

    /// <summary>A source that calls the operator directly, so that nothing but the operator runs per chunk.</summary>
    private sealed class ManualSource : IObservable<byte[]>
    {
        private IObserver<byte[]>? _observer;

        public IDisposable Subscribe(IObserver<byte[]> observer)
        {
            _observer = observer;
            return Disposable.Empty;
        }

        public void Push(byte[] chunk) => _observer!.OnNext(chunk);
    }

    private sealed class CountingObserver : IObserver<TelnetEvent>
    {
        public long Events { get; private set; }

        public void OnNext(TelnetEvent value) => Events++;

        public void OnError(Exception error) => throw new InvalidOperationException("no error was sent", error);

        public void OnCompleted()
        {
        }
    }
}
