namespace RxTelnet.Fuzz;

using System.Text;
using System.Text.RegularExpressions;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The session fuzz target: the input is a program that drives a <see cref="TelnetSession"/> over an in-memory
/// transport in virtual time: peer chunks (biased to Telnet tokens) interleaved with the application's reads,
/// writes, closes, time passing, a peer that stops reading, end of stream and transport errors. After every step
/// and every delivered chunk, and once more at the end, the session's invariants are checked (see
/// <see cref="SessionRun"/> and docs/reliability.md, section Fuzzing).
/// </summary>
internal static class SessionTarget
{
    /// <summary>Gets how the programs ended and what they reached, summed over the process (printed by the random driver).</summary>
    public static SortedDictionary<string, long> Stats { get; } = new(StringComparer.Ordinal);

    public static void Count(string what) => Stats[what] = Stats.TryGetValue(what, out var n) ? n + 1 : 1;

    /// <summary>Runs one program; a broken invariant or an undocumented exception throws.</summary>
    /// <param name="data">The program.</param>
    public static void Check(ReadOnlySpan<byte> data)
    {
        if (ParserTarget.Canary && data.Length > 0 && data[0] == (byte)'Z')
        {
            throw new FuzzInvariantException("canary: an input starting with 'Z' (RXTELNET_FUZZ_CANARY=1)");
        }

        new SessionRun(data.ToArray()).Execute();
    }
}

/// <summary>
/// One execution of the session target. The input format (every byte string is a valid program; a missing byte reads as 0):
/// </summary>
/// <remarks>
/// <para>
/// Header, 7 bytes: flags (bit 0 telnetlib refusals, bit 1 no pausing when the buffer is full, bits 2-3 parser
/// cooking: NVT, telnetlib, binary, NVT; bit 4 start late, bit 5 the queue, send and ReadAll limits ×64), then <c>MaxBufferedBytes</c> (1-64),
/// <c>MaxSubnegotiationLength</c> (1-32), <c>MaxPendingSendBytes</c> (1-64), <c>MaxReadAllBytes</c> (1-128), the
/// peer's socket buffer while it does not read (0-63 bytes) and <c>MaxMatchLength</c> (1-64).
/// </para>
/// <para>
/// Then operations, one byte each (bit 7: run what is due on the scheduler afterwards; bits 0-6 the operation,
/// see <see cref="Step"/>) followed by their arguments.
/// </para>
/// </remarks>
internal sealed class SessionRun
{
    private const int MaxOps = 400;

    /// <summary>RXTELNET_FUZZ_TRACE=1 prints each operation and the outcome (for replaying one input by hand).</summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("RXTELNET_FUZZ_TRACE") == "1";

    /// <summary>
    /// Findings already reported, tolerated so that a long run can look for others (RXTELNET_FUZZ_KNOWN, comma
    /// separated; empty unless set): <c>readall-limit-loss</c>, a ReadAll failed by another limit drops what it had
    /// taken; <c>data-misses-last-chunk</c>, ReadAll failing past its limit closes the session before the chunk that
    /// took it there is broadcast on Data.
    /// </summary>
    private static readonly HashSet<string> Known = [.. (Environment.GetEnvironmentVariable("RXTELNET_FUZZ_KNOWN") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    private const int MaxItemsPerRun = 100_000;

    private static readonly byte[] CommonOptions =
    [
        1, // ECHO
        3, // SGA
        24, // TTYPE
        31, // NAWS
        34, // LINEMODE
        39, // NEW-ENVIRON
        6, // TIMING-MARK
        0, // BINARY
        32, // TSPEED
        37, // AUTHENTICATION
        42, // CHARSET
        86, // COMPRESS2
        201, // GMCP
        46, // START-TLS
        5, // STATUS
    ];

    private static readonly byte[][] PeerTexts =
    [
        "login: "u8.ToArray(), "Password:"u8.ToArray(), "$ "u8.ToArray(), "# "u8.ToArray(), "\r\n"u8.ToArray(),
        "ok\r\n"u8.ToArray(), "fail\n"u8.ToArray(), "Welcome\r\n\r\n"u8.ToArray(), "xxx"u8.ToArray(), ":"u8.ToArray(),
    ];

    private static readonly byte[][] Needles =
    [
        "$ "u8.ToArray(), "\n"u8.ToArray(), ":"u8.ToArray(), "login: "u8.ToArray(), "\r\n"u8.ToArray(), "x"u8.ToArray(),
        "ok"u8.ToArray(), "xxxxxxxx"u8.ToArray(),
    ];

    private static readonly Regex[][] PatternSets =
    [
        [new Regex("login: ", RegexOptions.CultureInvariant)],
        [new Regex("[$#] ", RegexOptions.CultureInvariant), new Regex("Password:", RegexOptions.CultureInvariant)],
        [new Regex("ok|fail", RegexOptions.CultureInvariant)],
        [new Regex("x{3}", RegexOptions.CultureInvariant), new Regex("\n", RegexOptions.CultureInvariant)],
        [new Regex("x*", RegexOptions.CultureInvariant)],
        [new Regex("(?s).", RegexOptions.CultureInvariant)],
        [new Regex("\r\n\r\n", RegexOptions.CultureInvariant)],
        [new Regex("zz", RegexOptions.CultureInvariant), new Regex(":$", RegexOptions.CultureInvariant)],
    ];

    private static readonly TimeSpan[] Timeouts =
    [
        TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(5),
    ];

    private static readonly TimeSpan[] Advances =
    [
        TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(49), TimeSpan.FromMilliseconds(50),
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10),
    ];

    private static readonly TimeSpan[] Periods =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10),
    ];

    private static readonly string[] Texts = ["root\n", "ls -l\r\n", "", "a\rb", "\n\n", "ÿ", "exit\n", "x"];

    private static readonly TelnetVerb[] Commands =
    [
        TelnetVerb.Nop, TelnetVerb.AreYouThere, TelnetVerb.GoAhead, TelnetVerb.EndOfRecord, TelnetVerb.InterruptProcess,
        TelnetVerb.Break, TelnetVerb.DataMark, TelnetVerb.EraseLine,
    ];

    private readonly byte[] _input;
    private readonly VirtualScheduler _scheduler = new();
    private readonly List<ReadRecord> _reads = [];
    private readonly List<WriteRecord> _writes = [];
    private readonly List<byte> _consumed = [];
    private readonly List<byte[]> _hotData = [];
    private readonly List<byte[]> _eventData = [];
    private readonly List<byte[]> _sent = [];
    private readonly List<TelnetSessionState> _states = [];
    private readonly Transcript _events = new();
    private readonly IDisposable[] _hot = new IDisposable[3];
    private readonly IOException _injected = new("fuzz: connection reset by the peer");
    private int _pos;
    private bool _telnetlibRefusals;
    private bool _pauseWhenFull;
    private TelnetParserOptions _parser = TelnetParserOptions.Default;
    private int _maxBuffered;
    private int _maxPendingSend;
    private int _maxReadAll;
    private InMemoryTransport _server = null!;
    private PeerLink _link = null!;
    private TelnetSession _session = null!;
    private CancellationTokenSource _cts = new();
    private Exception? _failure;
    private bool _disposed;
    private bool _peerClosed;
    private bool _errorInjected;
    private bool _deadPeerArmed;
    private bool _requested;
    private bool _peerEverStopped;
    private bool _stateCompleted;
    private int _hotTerminated;
    private int _checkDepth;
    private int _stalls;
    private int _repliesQueuedAtResume;

    /// <summary>Bytes a read took from the queue and never returned (a ReadAll that failed or was abandoned), by position in the consumed data.</summary>
    private readonly List<(int At, int Lost)> _gaps = [];
    private int _lostSoFar;
    private int _eventBytes;

    public SessionRun(byte[] input) => _input = input;

    private bool AtEnd => _pos >= _input.Length;

    private bool IsClosed => _states.Count > 0 && _states[^1].IsClosed;

    private bool ClosedOnLimit => _states.Count > 0 && _states[^1] is { IsClosed: true, Error: TelnetBufferLimitExceededException };

    public void Execute()
    {
        Setup();
        for (var ops = 0; !AtEnd && ops < MaxOps; ops++)
        {
            Step();
        }

        Finish();
    }

    private void Setup()
    {
        var flags = Next();
        var scale = (flags & 0x20) != 0 ? 64 : 1;
        _telnetlibRefusals = (flags & 1) != 0;
        _pauseWhenFull = (flags & 2) == 0;
        _parser = ((flags >> 2) & 3) switch
        {
            1 => TelnetParserOptions.Telnetlib,
            2 => new TelnetParserOptions { CollapseCrNul = false },
            _ => TelnetParserOptions.Default,
        };
        var startLate = (flags & 0x10) != 0;
        _maxBuffered = (1 + (Next() % 64)) * scale;
        _parser = _parser with { MaxSubnegotiationLength = 1 + (Next() % 32) };
        _maxPendingSend = (1 + (Next() % 64)) * scale;
        _maxReadAll = (1 + (Next() % 128)) * scale;
        var window = Next() % 64;
        var maxMatch = 1 + (Next() % 64);

        var (client, server) = InMemoryTransport.CreatePair(_scheduler);
        _server = server;
        _link = new PeerLink(client, window)
        {
            AfterChunk = _ => Check("after a delivered chunk"),
            OnSent = _sent.Add,
        };
        _session = new TelnetSession(_link, new TelnetSessionOptions
        {
            Scheduler = _scheduler,
            MaxBufferedBytes = _maxBuffered,
            MaxMatchLength = maxMatch,
            Parser = _parser,
            PauseWhenBufferFull = _pauseWhenFull,
            TelnetlibRefusals = _telnetlibRefusals,
            MaxPendingSendBytes = _maxPendingSend,
            MaxReadAllBytes = _maxReadAll,
        });

        // The peer reads what we send (when it reads): keeps the in-memory pair flowing.
        server.Received.Subscribe(static _ => { }, static _ => { });
        _session.State.Subscribe(OnState, e => Fail("State failed: " + e), () => _stateCompleted = true);
        _hot[0] = _session.Events.Subscribe(
            e =>
            {
                _events.AddEvent(e);
                if (e.Kind == TelnetEventKind.Data)
                {
                    _eventData.Add(e.Data.ToArray());
                    _eventBytes += e.Data.Length;
                }
            },
            OnHotError,
            OnHotCompleted);
        _hot[1] = _session.Data.Subscribe(d => _hotData.Add(d.ToArray()), OnHotError, OnHotCompleted);
        _hot[2] = _session.SubscriberErrors.Subscribe(e => Fail("a subscriber error was reported: " + e), e => Fail("SubscriberErrors failed: " + e), OnHotCompleted);
        if (!startLate)
        {
            _session.Start();
        }

        Check("after start");
    }

    /// <summary>One operation; the table below gives each a share of the 128 values of bits 0-6.</summary>
    private void Step()
    {
        PollTasks();
        var op = Next();
        var kind = op & 0x7F;
        if (Trace)
        {
            Console.WriteLine($"op {kind}{((op & 0x80) != 0 ? " +run" : string.Empty)} at byte {_pos - 1}, t={_scheduler.Clock}, buffered={_session.BufferedCount}, state={(_states.Count > 0 ? _states[^1].Reason : null)}");
        }

        switch (kind)
        {
            case < 24: PeerSend(PeerTokens()); break;
            case < 28: PeerSend(RawBytes(1 + (Next() % 32))); break;
            case < 36: Advance(Advances[Next() % Advances.Length]); break;
            case < 42: ReadUntil(async: false); break;
            case < 46: ReadUntil(async: true); break;
            case < 50: Expect(async: false); break;
            case < 52: Expect(async: true); break;
            case < 56: ObservableRead("ReadSome", () => _session.ReadSome()); break;
            case < 58: TaskRead("ReadSomeAsync", t => _session.ReadSomeAsync(t)); break;
            case < 61: ObservableRead("ReadAll", () => _session.ReadAll()); break;
            case < 63: TaskRead("ReadAllAsync", t => _session.ReadAllAsync(t)); break;
            case < 67: ReadBuffered(); break;
            case < 69: AbandonRead(); break;
            case < 75: WriteData(); break;
            case < 79: WriteText(); break;
            case < 83: SendNegotiation(); break;
            case < 86: SendSubnegotiation(); break;
            case < 88: SendCommand(); break;
            case < 90: WriteRaw(); break;
            case < 96: StopReading(); break;
            case < 102: ResumeReading(); break;
            case 102: Close(); break;
            case 103: Dispose(); break;
            case 104: DisposeAsync(); break;
            case 105: PeerEof(); break;
            case 106: PeerError(); break;
            case < 109: Start(); break;
            case < 111: CancelTokens(); break;
            case < 113: KeepAlive(); break;
            case 113: DetectDeadPeer(); break;
            case < 117: Request(); break;
            default: break; // Only run what is due.
        }

        PollTasks();
        if ((op & 0x80) != 0 || kind >= 117)
        {
            _scheduler.RunDue(MaxItemsPerRun);
        }

        Check("after operation " + kind);
    }

    // ---- the peer ----

    private void PeerSend(byte[] bytes)
    {
        if (_peerClosed || bytes.Length == 0)
        {
            return;
        }

        // Several chunks or one: the session must not care where the transport splits the stream.
        var split = Next();
        if ((split & 3) != 0)
        {
            _ = _server.SendAsync(bytes);
            return;
        }

        var size = 1 + ((split >> 2) % 8);
        for (var at = 0; at < bytes.Length; at += size)
        {
            _ = _server.SendAsync(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }
    }

    private byte[] PeerTokens()
    {
        var wire = new List<byte>();
        var count = 1 + (Next() % 6);
        for (var i = 0; i < count; i++)
        {
            AppendToken(wire);
        }

        return [.. wire];
    }

    private void AppendToken(List<byte> b)
    {
        var t = Next();
        switch ((t & 0x0F) % 14)
        {
            case 0:
                b.Add(Next());
                break;
            case 1:
                b.AddRange(PeerTexts[Next() % PeerTexts.Length]);
                break;
            case 2:
                b.AddRange([255, 253, Option()]); // DO
                break;
            case 3:
                b.AddRange([255, 251, Option()]); // WILL
                break;
            case 4:
                b.AddRange([255, (byte)((t & 0x10) != 0 ? 254 : 252), Option()]); // DONT or WONT
                break;
            case 5:
                // A subnegotiation, its IAC doubled or not, terminated or not.
                b.AddRange([255, 250, Option()]);
                for (var n = Next() % 40; n > 0; n--)
                {
                    var x = Next();
                    b.Add(x);
                    if (x == 255 && (t & 0x20) != 0)
                    {
                        b.Add(255);
                    }
                }

                if ((t & 0x40) == 0)
                {
                    b.AddRange([255, 240]);
                }

                break;
            case 6:
                b.AddRange((Next() % 4) switch { 0 => [13, 0], 1 => [13, 10], 2 => [13], _ => [10] });
                break;
            case 7:
                b.AddRange((Next() % 8) switch
                {
                    0 => [255, 249], // GA
                    1 => [255, 239], // EOR
                    2 => [255, 241], // NOP
                    3 => [255, 246], // AYT
                    4 => [255, 255],
                    5 => [255],
                    6 => [255, 242], // DM
                    _ => [255, 244], // IP
                });
                break;
            case 8:
                // A negotiation storm: one option, one verb, many times.
                var option = Option();
                var verb = (byte)(251 + (Next() % 4));
                for (var n = 2 + (Next() % 40); n > 0; n--)
                {
                    b.AddRange([255, verb, option]);
                }

                break;
            case 9:
                // A long run of plain data, to reach the buffer limits.
                var fill = (t & 0x10) != 0 ? (byte)'x' : (byte)'a';
                for (var n = Next() * (1 + ((t >> 5) & 3)); n > 0; n--)
                {
                    b.Add(fill);
                }

                break;
            case 10:
                b.Add((Next() % 3) switch { 0 => 0, 1 => 17, _ => 127 });
                break;
            case 11:
                b.AddRange(RawBytes(Next() % 8));
                break;
            case 12:
                b.AddRange([255, (byte)((t & 0x10) != 0 ? 253 : 251), 6]); // DO or WILL TIMING-MARK
                break;
            default:
                b.AddRange((Next() % 4) switch
                {
                    0 => [255, 250, 46, 1, 255, 240], // START-TLS FOLLOWS
                    1 => [255, 250, 86, 255, 240], // COMPRESS2 start
                    2 => [255, 250, 24, 1, 255, 240], // TTYPE SEND
                    _ => [255, 250, 5, 1, 255, 240], // STATUS SEND
                });
                break;
        }
    }

    private void StopReading()
    {
        _peerEverStopped = true;
        _link.StopReading();
    }

    private void ResumeReading()
    {
        if (_link.HasStalledSend)
        {
            _stalls++;
        }

        var before = _sent.Count + (_link.HasStalledSend ? 1 : 0);
        _link.ResumeReading();

        // What the session had queued went out during the resume (the stalled send, already taken, excluded).
        CheckCoalesced(before);
    }

    private void PeerEof()
    {
        if (!_peerClosed)
        {
            _peerClosed = true;
            _server.Close();
        }
    }

    private void PeerError()
    {
        // Set first: the session reports the error from inside InjectError.
        _errorInjected = true;
        _errorInjected = _link.InjectError(_injected);
    }

    private void Advance(TimeSpan by) => _scheduler.Advance(by.Ticks, MaxItemsPerRun);

    // ---- reads ----

    private void ReadUntil(bool async)
    {
        var needle = Needles[Next() % Needles.Length];
        var timeout = Timeouts[Next() % Timeouts.Length];
        void CheckResult(byte[] data)
        {
            // A match ends the read: the needle, if present, is found first exactly at the end.
            var at = data.AsSpan().IndexOf(needle);
            if (at >= 0 && at != data.Length - needle.Length)
            {
                Fail($"ReadUntil({Convert.ToHexString(needle)}) returned data past the first match: {Convert.ToHexString(data)}");
            }
        }

        if (async)
        {
            TaskRead("ReadUntilAsync", t => _session.ReadUntilAsync(needle, timeout == Timeout.InfiniteTimeSpan ? null : timeout, t), CheckResult);
        }
        else
        {
            ObservableRead("ReadUntil", () => _session.ReadUntil(needle, timeout), check: CheckResult);
        }
    }

    private void Expect(bool async)
    {
        var patterns = PatternSets[Next() % PatternSets.Length];
        var timeout = Timeouts[Next() % Timeouts.Length];
        byte[] Data(ExpectResult r)
        {
            if (r.Index >= patterns.Length || (r.Index >= 0) != r.IsMatch)
            {
                Fail($"Expect returned pattern index {r.Index} for {patterns.Length} patterns (match: {r.IsMatch})");
            }

            return r.Data;
        }

        if (async)
        {
            TaskRead("ExpectAsync", t => _session.ExpectAsync(patterns, timeout == Timeout.InfiniteTimeSpan ? null : timeout, t), null, Data);
        }
        else
        {
            ObservableRead("Expect", () => _session.Expect(patterns, timeout), Data);
        }
    }

    private void ObservableRead(string kind, Func<IObservable<byte[]>> start, Action<byte[]>? check = null) =>
        ObservableRead(kind, start, static d => d, check);

    private void ObservableRead<T>(string kind, Func<IObservable<T>> start, Func<T, byte[]> data, Action<byte[]>? check = null)
    {
        var read = NewRead(kind, null);
        IObservable<T> observable;
        try
        {
            observable = start();
        }
        catch (Exception ex)
        {
            Allow(ex, kind, read.OtherPending, null);
            read.Done = true;
            return;
        }

        read.Subscription = observable.Subscribe(
            v =>
            {
                if (read.Done || read.Values++ > 0)
                {
                    Fail($"{kind} emitted a second element or after its end");
                }

                var bytes = data(v);
                check?.Invoke(bytes);
                OnReadData(read, bytes);
            },
            e =>
            {
                if (read.Done)
                {
                    Fail($"{kind} failed after its end: {e}");
                }

                read.Done = true;
                Allow(e, kind, read.OtherPending, null);
                OnReadFailed(read, e);
            },
            () =>
            {
                if (read.Done || read.Values != 1)
                {
                    Fail($"{kind} completed with {read.Values} elements (or twice)");
                }

                read.Done = true;
            });
    }

    private void TaskRead(string kind, Func<CancellationToken, Task<byte[]>> start, Action<byte[]>? check = null) =>
        TaskRead(kind, start, check, static d => d);

    private void TaskRead<T>(string kind, Func<CancellationToken, Task<T>> start, Action<byte[]>? check, Func<T, byte[]> data)
    {
        var cts = (Next() & 1) != 0 ? _cts : null;
        var read = NewRead(kind, cts);
        Task<T> task;
        try
        {
            task = start(cts?.Token ?? default);
        }
        catch (Exception ex)
        {
            Allow(ex, kind, read.OtherPending, cts);
            read.Done = true;
            return;
        }

        read.Poll = () =>
        {
            if (!task.IsCompleted)
            {
                return false;
            }

            if (task.IsCompletedSuccessfully)
            {
                var bytes = data(task.Result);
                check?.Invoke(bytes);
                OnReadData(read, bytes);
            }
            else
            {
                var error = task.IsCanceled ? new OperationCanceledException() : task.Exception!.InnerException!;
                Allow(error, kind, read.OtherPending, cts);
                OnReadFailed(read, error);
            }

            return true;
        };
        PollTasks();
    }

    private void ReadBuffered()
    {
        var otherPending = ReadPending();
        try
        {
            var data = _session.ReadBuffered();
            _consumed.AddRange(data);
        }
        catch (Exception ex)
        {
            Allow(ex, "ReadBuffered", otherPending, null);
            CheckNotEarlyEof("ReadBuffered", ex);
        }
    }

    private void AbandonRead()
    {
        for (var i = _reads.Count - 1; i >= 0; i--)
        {
            var read = _reads[i];
            if (read.Subscription is not null && !read.Done && !read.Abandoned)
            {
                read.Abandoned = true;
                read.Subscription.Dispose();
                if (read.Kind == "ReadAll")
                {
                    RecordLoss("ReadAll was abandoned (its subscription disposed)", "readall-cancel-loss");
                }

                return;
            }
        }
    }

    private int LargestDataEvent()
    {
        var largest = 0;
        foreach (var data in _eventData)
        {
            largest = Math.Max(largest, data.Length);
        }

        return largest;
    }

    private ReadRecord NewRead(string kind, CancellationTokenSource? cts)
    {
        var read = new ReadRecord(kind, ReadPending(), cts) { ClosedAtStart = IsClosed };
        _reads.Add(read);
        return read;
    }

    private bool ReadPending() => _reads.Exists(static r => !r.IsRequest && !r.Done && !r.Abandoned);

    private void OnReadData(ReadRecord read, byte[] data)
    {
        var readAll = read.Kind.StartsWith("ReadAll", StringComparison.Ordinal);
        if (readAll && data.Length > _maxReadAll)
        {
            Fail($"{read.Kind} returned {data.Length} bytes, past MaxReadAllBytes ({_maxReadAll})");
        }

        // After a limit, ReadAll cannot succeed and ReadSome cannot return empty: both would mean "end of stream".
        if (ClosedOnLimit && (readAll || (data.Length == 0 && read.Kind.StartsWith("ReadSome", StringComparison.Ordinal))))
        {
            Fail($"{read.Kind} returned {data.Length} bytes as at the end of stream although the session closed on a limit ({_states[^1].Reason}: {_states[^1].Error!.Message})");
        }

        _consumed.AddRange(data);
    }

    private void OnReadFailed(ReadRecord read, Exception error)
    {
        CheckNotEarlyEof(read.Kind, error);
        if (!read.Kind.StartsWith("ReadAll", StringComparison.Ordinal))
        {
            return;
        }

        if (error is OperationCanceledException)
        {
            RecordLoss($"{read.Kind} was canceled", "readall-cancel-loss");
        }
        else if (error is TelnetBufferLimitExceededException limit)
        {
            // Its own limit: a fresh exception, or the one that closed the session if the read was pending then.
            var own = limit.LimitName == "MaxReadAllBytes" && (!read.ClosedAtStart || !ReferenceEquals(limit, _states[^1].Error));
            var left = _session.BufferedCount;
            var lost = RecordLoss($"{read.Kind} failed with the session's {limit.LimitName} fault", own ? null : "readall-limit-loss");
            if (own && (lost > _maxReadAll || lost + left != limit.Attempted))
            {
                Fail($"{read.Kind} failed past MaxReadAllBytes ({_maxReadAll}) having taken {lost} bytes with {left} left queued, but reports {limit.Attempted} attempted");
            }

            if (Trace)
            {
                Console.WriteLine($"{read.Kind} failed: {limit.Message} (own limit: {own}; took {lost} bytes; consumed {_consumed.Count}, queued {left})");
            }
        }
    }

    /// <summary>
    /// Records what a read that ends without returning took from the queue: everything queued so far that was
    /// neither read nor is still queued. A loss is a finding unless by design (<paramref name="known"/> null) or
    /// tolerated (RXTELNET_FUZZ_KNOWN).
    /// </summary>
    private int RecordLoss(string what, string? known)
    {
        var queuedSoFar = _eventBytes;
        if (_states.Count > 0 && _states[^1] is { Reason: TelnetCloseReason.BufferLimitExceeded, Error: TelnetBufferLimitExceededException { LimitName: "MaxBufferedBytes" } } && _eventData.Count > 0)
        {
            queuedSoFar -= _eventData[^1].Length;
        }

        var lost = queuedSoFar - _consumed.Count - _lostSoFar - _session.BufferedCount;
        if (lost < 0)
        {
            Fail($"{what}: the queue holds {_session.BufferedCount} bytes, more than the {queuedSoFar - _consumed.Count - _lostSoFar} queued and not read");
        }

        if (lost > 0 && known is not null && !Known.Contains(known))
        {
            Fail($"{what} and dropped the {lost} bytes it had taken from the queue: received, they are neither returned nor readable any more");
        }

        if (lost > 0)
        {
            _gaps.Add((_consumed.Count, lost));
            _lostSoFar += lost;
            SessionTarget.Count(known is null ? "ReadAll past its limit lost what it took (by design)" : "lost: " + known);
        }

        return lost;
    }

    // ---- writes ----

    private void WriteData()
    {
        var data = RawBytes(Next() % 24);
        Write("WriteAsync", TelnetEncoder.EscapeData(data), t => _session.WriteAsync(data, t));
    }

    private void WriteText()
    {
        var text = Texts[Next() % Texts.Length];
        var newline = (TelnetNewline)(Next() % 3);
        Write("WriteTextAsync", TelnetEncoder.EncodeText(Encoding.ASCII.GetBytes(text), newline), t => _session.WriteTextAsync(text, null, newline, t));
    }

    private void WriteRaw()
    {
        // No IAC: raw bytes must not look like our own negotiation replies.
        var data = RawBytes(Next() % 16);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] &= 0x7F;
        }

        Write("WriteRawAsync", data, t => _session.WriteRawAsync(data, t));
    }

    private void SendNegotiation()
    {
        // DO and WILL only: WONT and DONT on the wire are then always the session's own replies, and can be counted.
        var verb = (Next() & 1) != 0 ? TelnetVerb.Do : TelnetVerb.Will;
        var option = (TelnetOption)Option();
        Write("SendNegotiationAsync", TelnetEncoder.Negotiation(verb, option), t => _session.SendNegotiationAsync(verb, option, t));
    }

    private void SendSubnegotiation()
    {
        var option = (TelnetOption)Option();
        var payload = RawBytes(Next() % 16);

        // Sent in order when the option is agreed; otherwise refused, or held until the negotiation settles, and then
        // sent after whatever was written meanwhile.
        var agreed = _session.IsLocalEnabled(option) || _session.IsRemoteEnabled(option);
        Write("SendSubnegotiationAsync", TelnetEncoder.Subnegotiation(option, payload), t => _session.SendSubnegotiationAsync(option, payload, t), ordered: agreed);
    }

    private void SendCommand()
    {
        var verb = Commands[Next() % Commands.Length];
        Write("SendCommandAsync", TelnetEncoder.Command(verb), t => _session.SendCommandAsync(verb, t));
    }

    private void Write(string kind, byte[] wire, Func<CancellationToken, Task> start, bool ordered = true)
    {
        var cts = (Next() & 3) == 0 ? _cts : null;
        try
        {
            _writes.Add(new WriteRecord(kind, wire, start(cts?.Token ?? default), cts, ordered));
        }
        catch (Exception ex)
        {
            Allow(ex, kind, false, cts);
        }
    }

    // ---- the session's life ----

    private void Close() => _session.Close();

    private void Dispose()
    {
        _disposed = true;
        _session.Dispose();
    }

    private void DisposeAsync()
    {
        _disposed = true;
        var pending = _session.DisposeAsync();
        if (!pending.IsCompletedSuccessfully)
        {
            Fail("DisposeAsync over a transport that closes synchronously did not complete synchronously");
        }
    }

    private void Start()
    {
        try
        {
            _session.Start();
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            // Documented: Start after Dispose.
        }
    }

    private void CancelTokens()
    {
        _cts.Cancel();
        _cts = new CancellationTokenSource();
    }

    private void KeepAlive()
    {
        var idle = Periods[Next() % Periods.Length];
        _session.KeepAlive(idle, (Next() & 1) != 0 ? KeepAliveProbe.TimingMark : KeepAliveProbe.Nop);
    }

    private void DetectDeadPeer()
    {
        _deadPeerArmed = true;
        _session.DetectDeadPeer(Periods[Next() % Periods.Length]);
    }

    private void Request()
    {
        // Enable requests only (DO/WILL); see SendNegotiation.
        // Not COMPRESS2 nor START-TLS: agreeing to them changes what the bytes mean (the reference parse would not
        // hold); the peer's requests for them are still fuzzed, and refused.
        _requested = true;
        var option = (TelnetOption)Option() is var o and not (TelnetOption.Compress2 or TelnetOption.StartTls) ? o : TelnetOption.Echo;
        var local = (Next() & 1) != 0;
        var read = new ReadRecord(local ? "RequestLocal" : "RequestRemote", false, null) { IsRequest = true };
        _reads.Add(read);
        read.Subscription = (local ? _session.RequestLocal(option, true) : _session.RequestRemote(option, true)).Subscribe(
            _ => read.Values++,
            e => Fail($"{read.Kind} failed: {e}"),
            () =>
            {
                if (read.Values != 1)
                {
                    Fail($"{read.Kind} completed with {read.Values} elements");
                }

                read.Done = true;
            });
    }

    private void OnState(TelnetSessionState state)
    {
        if (IsClosed)
        {
            Fail($"the state changed after Closed: {_states[^1]} then {state}");
        }

        _states.Add(state);
        if (!state.IsClosed)
        {
            return;
        }

        // Each reason goes with its cause.
        var ok = state.Reason switch
        {
            TelnetCloseReason.LocalClose => state.Error is null,
            TelnetCloseReason.RemoteClose => state.Error is null && _peerClosed,
            TelnetCloseReason.TransportError => _errorInjected && ReferenceEquals(state.Error, _injected),
            TelnetCloseReason.BufferLimitExceeded => state.Error is TelnetBufferLimitExceededException b
                && ((b.LimitName == "MaxBufferedBytes" && b.Limit == _maxBuffered) || (b.LimitName == "MaxReadAllBytes" && b.Limit == _maxReadAll)),
            TelnetCloseReason.DeadPeer => state.Error is TimeoutException && _deadPeerArmed,
            TelnetCloseReason.SendLimitExceeded => state.Error is TelnetBufferLimitExceededException { LimitName: "MaxPendingSendBytes" } s && s.Limit == _maxPendingSend,
            _ => false,
        };
        if (!ok)
        {
            Fail($"closed as {state.Reason} with {state.Error?.GetType().Name ?? "no error"}: {state.Error?.Message}");
        }
    }

    private void OnHotError(Exception error)
    {
        if (!ReferenceEquals(error, _injected))
        {
            Fail("a hot stream failed with something else than the transport's error: " + error);
        }

        _hotTerminated++;
    }

    private void OnHotCompleted() => _hotTerminated++;

    // ---- invariants ----

    /// <summary>The invariants that hold at every step.</summary>
    private void Check(string where)
    {
        // A check may run a task poll that records data; never recursively.
        if (_checkDepth++ > 0)
        {
            _checkDepth--;
            return;
        }

        try
        {
            PollTasks();
            var buffered = _session.BufferedCount;

            // While a ReadAll waits the queue may grow to its own limit, MaxReadAllBytes (the chunk that goes past it
            // fails the read and stays readable); otherwise MaxBufferedBytes bounds it.
            var readAllSeen = _reads.Exists(static r => r.Kind.StartsWith("ReadAll", StringComparison.Ordinal));
            var bound = readAllSeen ? Math.Max(_maxBuffered, _maxReadAll + LargestDataEvent()) : _maxBuffered;
            if (buffered < 0 || buffered > bound)
            {
                Fail($"{where}: BufferedCount {buffered} is outside 0..{bound} (MaxBufferedBytes {_maxBuffered}, MaxReadAllBytes {_maxReadAll})");
            }

            CheckPendingSend(where);
            if (IsClosed)
            {
                foreach (var read in _reads)
                {
                    if (!read.Done && !read.Abandoned)
                    {
                        Fail($"{where}: {read.Kind} is still pending although the session closed ({_states[^1].Reason})");
                    }
                }
            }

            ThrowIfFailed();
        }
        finally
        {
            _checkDepth--;
        }
    }

    private void CheckPendingSend(string where)
    {
        // PendingSendBytes counts the queued writes and the one the transport is taking; a write that would take it
        // past the limit is never queued (it closes the session instead), so the bound holds at every instant.
        var pending = _session.PendingSendBytes;
        if (pending < 0 || pending > _maxPendingSend)
        {
            Fail($"{where}: PendingSendBytes {pending} is outside 0..MaxPendingSendBytes ({_maxPendingSend})");
        }

        // Writes queue only behind a send the transport has not finished taking; once closed, none is left.
        if (pending != 0 && !_link.HasStalledSend)
        {
            Fail($"{where}: {pending} bytes pending to send while no send is in progress (peer reading: {_link.PeerReading}, closed: {IsClosed})");
        }
    }

    /// <summary>
    /// At a resume, what the session had queued went out: at most one reply per option and direction among it
    /// between subnegotiations of that option (a peer that repeats a request while not reading must not grow our
    /// queue; a reply never overtakes a subnegotiation queued before it, so one may follow each).
    /// </summary>
    private void CheckCoalesced(int from)
    {
        var wonts = new int[256];
        var donts = new int[256];
        for (var i = from; i < _sent.Count; i++)
        {
            foreach (var e in ParserTarget.Parse(_sent[i], Binary).Entries)
            {
                if (e.Kind == EntryKind.Subnegotiation || e is { Kind: EntryKind.Warning, Warning.Option: not null })
                {
                    // A subnegotiation (whole, or cut by the parser's length limit) of this option: replies after it
                    // queued behind it, apart from those before.
                    var option = e.Kind == EntryKind.Subnegotiation ? e.Option : (byte)e.Warning.Option!.Value;
                    wonts[option] = 0;
                    donts[option] = 0;
                    continue;
                }

                if (e.Kind != EntryKind.Negotiation)
                {
                    continue;
                }

                if ((e.Verb == (byte)TelnetVerb.Wont && ++wonts[e.Option] > 1) || (e.Verb == (byte)TelnetVerb.Dont && ++donts[e.Option] > 1))
                {
                    Fail($"more than one {(TelnetVerb)e.Verb} {e.Option} reply was queued at once");
                }

                if (e.Verb is (byte)TelnetVerb.Wont or (byte)TelnetVerb.Dont)
                {
                    _repliesQueuedAtResume++;
                }
            }
        }
    }

    /// <summary>A limit is never reported as a plain end of stream (with the send bound API: see docs/reliability.md).</summary>
    private void CheckNotEarlyEof(string kind, Exception error)
    {
        if (error is TelnetEofException && _states.Count > 0 && _states[^1] is { IsClosed: true, Error: TelnetBufferLimitExceededException })
        {
            Fail($"{kind} reported end of stream after the session closed on a limit ({_states[^1].Reason})");
        }
    }

    private void Finish()
    {
        PollTasks();
        _scheduler.RunDue(MaxItemsPerRun);
        Check("at the end");

        // Close if the program did not; every read must then end at once, with no time passing.
        _disposed = true;
        _session.Dispose();
        _scheduler.RunDue(MaxItemsPerRun);
        Check("after the final Dispose");
        if (!IsClosed || !_stateCompleted)
        {
            Fail($"after Dispose the session is not closed, or State did not complete ({(_states.Count > 0 ? _states[^1] : null)})");
        }

        foreach (var read in _reads)
        {
            if (!read.Done && !read.Abandoned)
            {
                Fail($"{read.Kind} did not end when the session closed");
            }
        }

        // Then every timer: nothing may be left, and nothing may reschedule itself for ever.
        _scheduler.RunAll(MaxItemsPerRun);
        if (_scheduler.HasWork)
        {
            Fail("scheduled work is left after the session closed and the scheduler ran dry");
        }

        PollTasks();
        foreach (var write in _writes)
        {
            if (!write.Task.IsCompleted)
            {
                Fail($"{write.Kind} never completed after the session closed");
            }
            else if (write.Task.IsCanceled)
            {
                if (write.Cts is not { IsCancellationRequested: true })
                {
                    Fail($"{write.Kind} was canceled without its token being canceled");
                }
            }
            else if (write.Task.IsFaulted)
            {
                Allow(write.Task.Exception!.InnerException!, write.Kind, false, write.Cts);
            }
        }

        if (_hotTerminated != 3)
        {
            Fail($"{_hotTerminated} of the 3 hot subscriptions ended when the session closed");
        }

        // What is left in the queue is still readable.
        try
        {
            _consumed.AddRange(_session.ReadBuffered());
        }
        catch (Exception ex)
        {
            Allow(ex, "ReadBuffered at the end", false, null);
            CheckNotEarlyEof("ReadBuffered at the end", ex);
        }

        if (Trace)
        {
            Console.WriteLine($"end: {_states[^1].Reason} ({_states[^1].Error?.GetType().Name}); delivered {_link.Delivered.Count} bytes, read {_consumed.Count}; {_sent.Count} sends, {_link.Pauses} pauses; reads {string.Join(',', _reads.Select(static r => r.Kind + (r.Abandoned ? "(abandoned)" : string.Empty)))}; writes ok {_writes.Count(static w => w.Task.IsCompletedSuccessfully)} of {_writes.Count}");
            Console.WriteLine("sent: " + string.Join(' ', _sent.Select(Convert.ToHexString)));
        }

        ThrowIfFailed();
        CheckData();
        CheckWrites();
        ThrowIfFailed();

        SessionTarget.Count("closed " + _states[^1].Reason);
        if (_link.Pauses > 0)
        {
            SessionTarget.Count("receiving paused");
        }

        if (_stalls > 0)
        {
            SessionTarget.Count("a send stalled");
        }

        if (_repliesQueuedAtResume > 0)
        {
            SessionTarget.Count("replies queued behind a stalled send");
        }

        if (_consumed.Count > 0)
        {
            SessionTarget.Count("reads returned data");
        }
    }

    /// <summary>Every byte delivered once and in order: reads against the hot stream against a reference parse.</summary>
    private void CheckData()
    {
        var final = _states[^1];
        // A limit can close the session in the middle of a chunk; the rest of that chunk is then not processed.
        var midChunk = final.Reason is TelnetCloseReason.BufferLimitExceeded or TelnetCloseReason.SendLimitExceeded;

        // The reference: the delivered bytes through a fresh parser; completed when the receive path saw the end.
        var reference = new Transcript();
        var recorder = new Recorder(reference);
        var delivered = _link.Delivered.ToArray();
        var parser = new TelnetParser(_parser);
        recorder.Chunk = delivered;
        parser.Parse(delivered, ref recorder);
        if (final.Reason is TelnetCloseReason.RemoteClose or TelnetCloseReason.TransportError)
        {
            parser.Complete(ref recorder);
        }

        if (midChunk ? !IsPrefix(_events.Entries, reference.Entries) : _events.ToString() != reference.ToString())
        {
            Fail($"Events is not {(midChunk ? "a prefix of " : string.Empty)}the parse of the delivered bytes ({final.Reason}).\n--- reference\n{reference}--- events\n{_events}");
        }

        // The data events: what the session handled, which the hot Data stream must carry too.
        var events = _eventData.SelectMany(static d => d).ToArray();
        var hot = _hotData.SelectMany(static d => d).ToArray();
        if (!events.AsSpan().SequenceEqual(hot))
        {
            if (!Known.Contains("data-misses-last-chunk"))
            {
                Fail($"the hot Data stream carried {Convert.ToHexString(hot)}, not the data events {Convert.ToHexString(events)} ({final.Reason}: {final.Error?.Message})");
            }

            SessionTarget.Count("lost: data-misses-last-chunk");
        }

        // Reads: exactly what was queued, once, in order. Past MaxBufferedBytes the chunk that did not fit is not queued.
        var queued = final is { Reason: TelnetCloseReason.BufferLimitExceeded, Error: TelnetBufferLimitExceededException { LimitName: "MaxBufferedBytes" } } && _eventData.Count > 0
            ? events.AsSpan(0, events.Length - _eventData[^1].Length)
            : events.AsSpan();
        var consumed = _consumed.ToArray().AsSpan();

        // A ReadAll that ends without returning loses what it had taken from the queue: a gap of a known size there.
        var q = 0;
        var c = 0;
        foreach (var (at, lost) in _gaps)
        {
            var piece = consumed[c..at];
            if (q > queued.Length || !queued[q..].StartsWith(piece))
            {
                Fail($"the reads before a lost ReadAll returned {Convert.ToHexString(piece)}, not the queued {Convert.ToHexString(queued[Math.Min(q, queued.Length)..])}");
            }

            q += piece.Length + lost;
            c = at;
        }

        if (q > queued.Length || !queued[q..].SequenceEqual(consumed[c..]))
        {
            Fail($"the reads returned {Convert.ToHexString(consumed)}, not the queued data {Convert.ToHexString(queued)} ({final.Reason})");
        }
    }

    /// <summary>Every completed write went to the transport whole and in order; the rest is the session's own negotiation, bounded by the requests.</summary>
    private void CheckWrites()
    {
        // An empty write completes without a send: there is nothing to put on the wire.
        var expected = _writes.Where(static w => w.Task.IsCompletedSuccessfully && w.Ordered && w.Wire.Length > 0).ToList();
        var held = _writes.Where(static w => w.Task.IsCompletedSuccessfully && !w.Ordered).ToList();
        var next = 0;
        var wonts = new int[256];
        var donts = new int[256];
        foreach (var chunk in _sent)
        {
            if (next < expected.Count && chunk.AsSpan().SequenceEqual(expected[next].Wire))
            {
                next++;
                continue;
            }

            if (held.FindIndex(w => chunk.AsSpan().SequenceEqual(w.Wire)) is var h and >= 0)
            {
                held.RemoveAt(h);
                continue;
            }

            // Not the application's: only negotiation (replies, requests, TIMING-MARK), NOP (keep-alive) and, for
            // options we asked for ourselves, their subnegotiation answers.
            var own = ParserTarget.Parse(chunk, Binary);
            if (own.Entries.Count == 0)
            {
                Fail("the session sent an empty chunk of its own");
            }

            foreach (var e in own.Entries)
            {
                if (e.Kind == EntryKind.Negotiation)
                {
                    if (e.Verb == (byte)TelnetVerb.Wont)
                    {
                        wonts[e.Option]++;
                    }
                    else if (e.Verb == (byte)TelnetVerb.Dont)
                    {
                        donts[e.Option]++;
                    }
                }
                else if (e is not { Kind: EntryKind.Command, Verb: (byte)TelnetVerb.Nop } && !(e.Kind == EntryKind.Subnegotiation && _requested))
                {
                    // Subnegotiation answers (TTYPE IS, ...) only for options we enabled ourselves: the policy refuses all.
                    Fail($"the session sent something of its own that is neither a negotiation, nor a NOP, nor an answer for an option we asked for: {e} in {Convert.ToHexString(chunk)}");
                }
            }
        }

        if (held.Count > 0)
        {
            Fail($"{held[0].Kind} was held until its option was agreed and completed, but its bytes {Convert.ToHexString(held[0].Wire)} never reached the transport");
        }

        if (next != expected.Count)
        {
            Fail($"{expected[next].Kind} completed, but its bytes {Convert.ToHexString(expected[next].Wire)} did not reach the transport in order");
        }

        // Requests the session processed, per option and verb.
        var received = new int[4, 256];
        foreach (var e in _events.Entries)
        {
            if (e.Kind == EntryKind.Negotiation)
            {
                received[e.Verb - 251, e.Option]++;
            }
        }

        // WILL=0, WONT=1, DO=2, DONT=3. Default refusals answer DO and WILL only; telnetlib's, and RFC 1143 after
        // our own requests, may also answer DONT and WONT.
        var answersDisable = _telnetlibRefusals || _requested;
        // Exact when nothing could hold a reply back: a peer that always read, no requests of ours, and room for a
        // reply (a write larger than MaxPendingSendBytes fails alone, and the session does not retry its replies).
        var exact = !_peerEverStopped && !_requested && _maxPendingSend >= 3;
        for (var o = 0; o < 256; o++)
        {
            var wontBound = received[2, o] + (answersDisable ? received[3, o] : 0);
            var dontBound = received[0, o] + (answersDisable ? received[1, o] : 0);
            if (wonts[o] > wontBound || donts[o] > dontBound)
            {
                Fail($"option {o}: {wonts[o]} WONT and {donts[o]} DONT sent for {received[2, o]} DO, {received[3, o]} DONT, {received[0, o]} WILL, {received[1, o]} WONT received");
            }

            if (exact && (wonts[o] != wontBound || donts[o] != dontBound))
            {
                Fail($"option {o}: with a peer that always read, {wonts[o]} WONT and {donts[o]} DONT sent for {received[2, o]} DO, {received[3, o]} DONT, {received[0, o]} WILL, {received[1, o]} WONT received");
            }
        }
    }

    private static readonly TelnetParserOptions Binary = new() { CollapseCrNul = false };

    private static bool IsPrefix(IReadOnlyList<Entry> actual, IReadOnlyList<Entry> expected)
    {
        if (actual.Count > expected.Count)
        {
            return false;
        }

        for (var i = 0; i < actual.Count; i++)
        {
            if (actual[i].ToString() == expected[i].ToString())
            {
                continue;
            }

            var lastPartialData = i == actual.Count - 1
                && actual[i].Kind == EntryKind.Data
                && expected[i].Kind == EntryKind.Data
                && expected[i].Bytes.AsSpan().StartsWith(actual[i].Bytes);
            if (!lastPartialData)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Only the library's typed exceptions, and the documented others where they are documented.</summary>
    private void Allow(Exception error, string operation, bool otherReadPending, CancellationTokenSource? cts)
    {
        if (error is FuzzInvariantException)
        {
            // A check that failed inside the session's call (an observer run on its stack): report that one.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        var closed = _states.Count > 0 ? _states[^1] : null;
        var ok = error switch
        {
            FuzzInvariantException => false,
            TelnetBufferLimitExceededException b => (b.Attempted == 0 || b.Attempted > b.Limit) && b.LimitName switch
            {
                "MaxBufferedBytes" => b.Limit == _maxBuffered,
                "MaxPendingSendBytes" => b.Limit == _maxPendingSend,
                "MaxReadAllBytes" => b.Limit == _maxReadAll,
                _ => false,
            },
            TelnetException => true,
            OperationCanceledException => cts is { IsCancellationRequested: true },
            TimeoutException => closed is { Reason: TelnetCloseReason.DeadPeer },
            IOException => ReferenceEquals(error, _injected),
            ObjectDisposedException => false,
            InvalidOperationException => otherReadPending && error.GetType() == typeof(InvalidOperationException),
            _ => false,
        };
        if (!ok)
        {
            Fail($"{operation}: undocumented {error.GetType().FullName} (another read pending: {otherReadPending}, state: {closed}): {error}");
        }
    }

    private void PollTasks()
    {
        foreach (var read in _reads)
        {
            if (!read.Done && read.Poll is { } poll && poll())
            {
                read.Done = true;
            }
        }
    }

    private void Fail(string message)
    {
        var failure = new FuzzInvariantException($"[session] {message}");
        _failure ??= failure;
        throw failure;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            // Thrown where the session might have swallowed it (inside a send, say): rethrow the first one.
            throw new FuzzInvariantException(_failure.Message);
        }
    }

    private byte Next() => _pos < _input.Length ? _input[_pos++] : (byte)0;

    private byte Option()
    {
        var x = Next() % 16;
        return x < CommonOptions.Length ? CommonOptions[x] : Next();
    }

    private byte[] RawBytes(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = Next();
        }

        return bytes;
    }

    private sealed class ReadRecord(string kind, bool otherPending, CancellationTokenSource? cts)
    {
        public string Kind { get; } = kind;

        public bool OtherPending { get; } = otherPending;

        public CancellationTokenSource? Cts { get; } = cts;

        public IDisposable? Subscription { get; set; }

        public Func<bool>? Poll { get; set; }

        public bool Done { get; set; }

        public bool Abandoned { get; set; }

        public bool IsRequest { get; init; }

        public bool ClosedAtStart { get; init; }

        public int Values { get; set; }
    }

    private sealed record WriteRecord(string Kind, byte[] Wire, Task Task, CancellationTokenSource? Cts, bool Ordered);
}
