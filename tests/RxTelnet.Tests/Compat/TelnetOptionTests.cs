namespace RxTelnet.Tests.Compat;

using System.Net.Sockets;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using static RxTelnet.Compat.TelnetConstants;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>CPython's <c>OptionTests</c> (negotiation callback, subnegotiation data, debug output), ported.</summary>
[TestFixture]
public sealed class TelnetOptionTests : ReactiveTest
{
    /// <summary>The RFC 854 two-byte commands telnetlib's test sends.</summary>
    private static readonly byte[] Commands = [AO, AYT, BRK, EC, EL, GA, IP, NOP];

    private static IEnumerable<TestCaseData> CommandLayouts()
    {
        foreach (var cmd in Commands)
        {
            yield return new TestCaseData(cmd, new[] { new[] { IAC }, new[] { cmd } }).SetArgDisplayNames($"{cmd} alone");
            yield return new TestCaseData(cmd, new[] { B(new string('x', 100)), [IAC], [cmd], B(new string('y', 100)) }).SetArgDisplayNames($"{cmd} inside 100 bytes");
            yield return new TestCaseData(cmd, new[] { B(new string('x', 10)), [IAC], [cmd], B(new string('y', 10)) }).SetArgDisplayNames($"{cmd} inside 10 bytes");
        }
    }

    [TestCaseSource(nameof(CommandLayouts))]
    public void Callback_TwoByteCommand_SeenWithNoOption(byte command, byte[][] reads)
    {
        using var h = WithReads(reads);
        var nego = new NegotiationCollector();
        h.Telnet.SetOptionNegotiationCallback(nego.OnCommand);
        h.DeliverAll();

        var text = h.Telnet.ReadAll();

        Assert.That(nego.Seen, Is.EqualTo(new[] { command, NOOPT }), "the callback sees the command with NOOPT");
        Assert.That(text.Length + nego.Seen.Count, Is.EqualTo(Cat(reads).Length), "every byte is either data or the command");
        Assert.That(h.Sent, Is.Empty, "nothing is answered");
    }

    [Test]
    public void Callback_AllTwoByteCommandsAtOnce_SeenInOrder()
    {
        using var h = WithReads([.. Commands.Select(static c => new[] { IAC, c })]);
        var nego = new NegotiationCollector();
        h.Telnet.SetOptionNegotiationCallback(nego.OnCommand);
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.Empty);
        Assert.That(nego.Seen, Is.EqualTo(Commands.SelectMany(static c => new[] { c, NOOPT })));
    }

    [Test]
    public void Callback_TelnetlibSubnegotiationVectors_SeeExactSbData()
    {
        // CPython's test_SB_commands, byte for byte. These subnegotiations have no option byte, which telnetlib does
        // not care about: every byte after IAC SB goes to sbdataq. The callback and read_sb_data see exactly that.
        byte[][] send =
        [
            [IAC, SB, IAC, SE],
            [IAC, SB, IAC, IAC, IAC, SE],
            [IAC, SB, IAC, IAC, .. B("aa"), IAC, SE],
            [IAC, SB, .. B("bb"), IAC, IAC, IAC, SE],
            [IAC, SB, .. B("cc"), IAC, IAC, .. B("dd"), IAC, SE],
        ];
        using var h = WithReads(send);
        var nego = new NegotiationCollector(h.Telnet.ReadSbData);
        h.Telnet.SetOptionNegotiationCallback(nego.OnCommand);
        h.DeliverAll();

        var text = h.Telnet.ReadAll();

        Assert.That(text, Is.Empty, "telnetlib's read_all returns b'' for these malformed subnegotiations");
        Assert.That(nego.SbSeen, Is.EqualTo(Cat([IAC, IAC], B("aabb"), [IAC], B("cc"), [IAC], B("dd"))));
        Assert.That(nego.Seen, Is.EqualTo(Enumerable.Repeat(new[] { SB, NOOPT, SE, NOOPT }, 5).SelectMany(static x => x)));
        Assert.That(h.Telnet.ReadSbData(), Is.Empty, "the callback read it all");
    }

    [Test]
    public void Callback_WellFormedSubnegotiations_SbDataIsOptionAndPayload()
    {
        byte[][] send =
        [
            [IAC, SB, TTYPE, .. B("bb"), IAC, IAC, IAC, SE],
            [IAC, SB, NAWS, .. B("cc"), IAC, IAC, .. B("dd"), IAC, SE],
        ];
        using var h = WithReads(send);
        var nego = new NegotiationCollector(h.Telnet.ReadSbData);
        h.Telnet.SetOptionNegotiationCallback(nego.OnCommand);
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.Empty);
        Assert.That(nego.SbSeen, Is.EqualTo(Cat([TTYPE], B("bb"), [IAC], [NAWS], B("cc"), [IAC], B("dd"))));
    }

    [Test]
    public void SbData_NulAndDc1AreDroppedInsideSubnegotiations()
    {
        // telnetlib drops NUL and 0x11 before looking at the SB flag: TTYPE IS (0) loses its IS byte.
        using var h = WithReads([IAC, SB, TTYPE, 0, .. B("xterm"), 0x11, IAC, SE]);
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(h.Telnet.ReadSbData(), Is.EqualTo(Cat([TTYPE], B("xterm"))));
    }

    [Test]
    public void SbData_WithoutCallback_IsStillCollected()
    {
        using var h = WithReads([IAC, SB, TTYPE, 1, IAC, SE], B("data"));
        h.DeliverAll();

        Assert.That(h.Telnet.ReadSbData(), Is.Empty, "like telnetlib's, read_sb_data does not handle received commands itself");
        Assert.That(S(h.Telnet.ReadAll()), Is.EqualTo("data"));
        Assert.That(h.Telnet.ReadSbData(), Is.EqualTo(new byte[] { TTYPE, 1 }));
        Assert.That(h.Telnet.ReadSbData(), Is.Empty, "read_sb_data clears the queue");
    }

    [Test]
    public void SbData_NewSubnegotiationDiscardsUnreadData()
    {
        using var h = WithReads([IAC, SB, TTYPE, 1, IAC, SE], [IAC, SB, NAWS, 2, IAC, SE]);
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(h.Telnet.ReadSbData(), Is.EqualTo(new byte[] { NAWS, 2 }), "IAC SB clears sbdataq");
    }

    [Test]
    public void SbData_FinishedSubnegotiationsAccumulateWithinOneChunk()
    {
        // IAC SE appends; IAC SB clears sbdataq but not the bytes of the chunk being processed (telnetlib's buf[1]).
        using var h = WithReads([IAC, SB, TTYPE, 1, IAC, SE, IAC, SB, NAWS, 2, IAC, SE]);
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(h.Telnet.ReadSbData(), Is.EqualTo(new byte[] { NAWS, 2 }));
    }

    [Test]
    public void SbData_OpenSubnegotiation_IsReadableOnceItsChunkIsProcessed()
    {
        using var h = WithReads([IAC, SB, TTYPE, .. B("xt")], [.. B("erm"), IAC, SE]);
        h.Scheduler.AdvanceTo(FirstChunkAt);
        _ = h.Telnet.ReadEager();

        Assert.That(h.Telnet.ReadSbData(), Is.EqualTo(Cat([TTYPE], B("xt"))), "telnetlib appends an open SB's bytes at the end of process_rawq");
        h.DeliverAll();
        Assert.That(h.Telnet.ReadSbData(), Is.Empty, "arrived, but no read processed it yet");
        Assert.Throws<TelnetEofException>(() => h.Telnet.ReadEager(), "the read goes on to the end: no cooked data");
        Assert.That(S(h.Telnet.ReadSbData()), Is.EqualTo("erm"));
    }

    [Test]
    public void Callback_ForSb_SeesClearedQueue_AndForSe_SeesPayload()
    {
        using var h = WithReads([IAC, SB, TTYPE, .. B("old"), IAC, SE], [IAC, SB, NAWS, 1, 2, IAC, SE]);
        var atCallback = new List<string>();
        h.Telnet.SetOptionNegotiationCallback((_, cmd, _) =>
        {
            if (cmd == SE)
            {
                atCallback.Add("SE " + Convert.ToHexString(h.Telnet.ReadSbData()));
            }
            else if (cmd == SB)
            {
                atCallback.Add("SB " + Convert.ToHexString(h.Telnet.ReadSbData()));
            }
        });
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(atCallback, Is.EqualTo(new[] { "SB ", "SE 186F6C64", "SB ", "SE 1F0102" }));
    }

    [Test]
    public void Callback_Negotiations_SeenWithOption_AndNothingSent()
    {
        using var h = WithReads([IAC, DO, TTYPE, IAC, DONT, ECHO, IAC, WILL, SGA, IAC, WONT, NAWS]);
        var transcript = new List<(Socket? Socket, byte Cmd, byte Opt)>();
        h.Telnet.SetOptionNegotiationCallback((sock, cmd, opt) => transcript.Add((sock, cmd, opt)));
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(transcript, Is.EqualTo(new (Socket?, byte, byte)[] { (null, DO, TTYPE), (null, DONT, ECHO), (null, WILL, SGA), (null, WONT, NAWS) }));
        Assert.That(h.Sent, Is.Empty, "with a callback, telnetlib sends nothing itself");
    }

    [Test]
    public void NoCallback_Negotiations_RefusedLikeTelnetlib()
    {
        using var h = WithReads([IAC, DO, TTYPE, IAC, DONT, ECHO, IAC, WILL, SGA, IAC, WONT, NAWS]);
        h.Scheduler.AdvanceTo(FirstChunkAt);
        _ = h.Telnet.ReadVeryEager();

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE, IAC, WONT, ECHO, IAC, DONT, SGA, IAC, DONT, NAWS }));
    }

    [Test]
    public void NoCallback_NegotiationSplitAcrossChunks_IsRefused()
    {
        using var h = WithReads([IAC], [DO], [TTYPE]);
        var read = h.Telnet.ReadAllAsync();
        h.DeliverAll();

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE }));
    }

    [Test]
    public void Callback_Removed_RestoresRefusal()
    {
        using var h = WithReads([IAC, DO, TTYPE], [IAC, DO, NAWS]);
        h.Telnet.SetOptionNegotiationCallback((_, _, _) => { });
        var read = h.Telnet.ReadAllAsync();
        h.Scheduler.AdvanceTo(FirstChunkAt);
        h.Telnet.SetOptionNegotiationCallback(null);
        h.DeliverAll();

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, NAWS }));
    }

    [Test]
    public void Callback_CanAnswerThroughWriteRaw()
    {
        using var h = WithReads([IAC, DO, TTYPE]);
        h.Telnet.SetOptionNegotiationCallback((_, cmd, opt) =>
        {
            if (cmd == DO && opt == TTYPE)
            {
                h.Telnet.WriteRaw([IAC, WILL, TTYPE]);
            }
        });
        h.Scheduler.AdvanceTo(FirstChunkAt);
        _ = h.Telnet.ReadVeryEager();

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WILL, TTYPE }));
    }

    [Test]
    public void Callback_RunsBeforeTheChunksDataIsQueued()
    {
        // telnetlib's process_rawq appends a chunk's cooked data after its loop, so the callback does not see it.
        using var h = WithReads([.. B("before"), IAC, NOP, .. B("after")]);
        var queuedAtCallback = -1;
        h.Telnet.SetOptionNegotiationCallback((_, _, _) => queuedAtCallback = h.Telnet.ReadVeryLazy().Length);
        var read = h.Telnet.ReadAllAsync();
        h.DeliverAll();

        Assert.That(queuedAtCallback, Is.Zero);
        Assert.That(S(read.Result), Is.EqualTo("beforeafter"));
    }

    [Test]
    public void Callback_Throws_PendingReadRethrows_AndTheCallsCookedDataIsLost()
    {
        // telnetlib's process_rawq cooks into a local buffer and appends it at the end: an exception loses it.
        using var h = WithReads([.. B("data"), IAC, NOP, .. B("more")]);
        h.Telnet.SetOptionNegotiationCallback((_, _, _) => throw new InvalidDataException("boom"));
        var read = h.Telnet.ReadUntilAsync(B("never"));

        h.Scheduler.AdvanceTo(FirstChunkAt);

        Assert.That(read.IsFaulted, Is.True, "the read in progress reports the callback's failure at once");
        Assert.That(read.Exception!.InnerException, Is.TypeOf<InvalidDataException>());
        Assert.That(S(h.Telnet.ReadVeryLazy()), Is.Empty, "what that process_rawq call cooked is gone, as in telnetlib");
        Assert.That(S(h.Telnet.ReadLazy()), Is.EqualTo("more"), "what followed the command is still in the raw queue");
    }

    [Test]
    public void Callback_Throws_WithNoReadPending_NextReadRethrowsOnce()
    {
        using var h = WithReads([IAC, NOP, .. B("x")]);
        h.Telnet.SetOptionNegotiationCallback((_, _, _) => throw new InvalidDataException("boom"));
        h.Scheduler.AdvanceTo(FirstChunkAt);

        Assert.Throws<InvalidDataException>(() => h.Telnet.ReadVeryEager());
        Assert.That(S(h.Telnet.ReadVeryEager()), Is.EqualTo("x"), "the failure is reported once");
    }

    [Test]
    public void Callback_SetAfterConnectingButBeforeFirstRead_SeesEarlyNegotiations()
    {
        // tn = Telnet(host); <server sends DO TTYPE at once>; tn.set_option_negotiation_callback(cb); tn.read_until(...)
        using var h = WithReads([IAC, DO, TTYPE], B("login: "));
        h.DeliverAll();
        var seen = new List<(byte, byte)>();

        h.Telnet.SetOptionNegotiationCallback((_, cmd, opt) => seen.Add((cmd, opt)));
        var text = h.Telnet.ReadUntil(B("login: "));

        Assert.That(seen, Is.EqualTo(new[] { (DO, TTYPE) }), "commands are handled by the first read, as in telnetlib");
        Assert.That(h.Sent, Is.Empty);
        Assert.That(S(text), Is.EqualTo("login: "));
    }

    [Test]
    public void NoRead_NothingIsAnsweredYet()
    {
        using var h = WithReads([IAC, DO, TTYPE]);
        h.Scheduler.AdvanceTo(FirstChunkAt);
        Assert.That(h.Sent, Is.Empty, "telnetlib answers inside its reads");

        _ = h.Telnet.ReadVeryEager();

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE }));
    }

    [Test]
    public void Commands_AreHandledOnlyWhenAReadProcessesThem()
    {
        using var h = WithReads(B("x"), [IAC, DO, TTYPE]);
        h.Scheduler.AdvanceTo(FirstChunkAt);
        Assert.That(S(h.Telnet.ReadVeryEager()), Is.EqualTo("x"));

        h.Scheduler.AdvanceTo(FirstChunkAt + ChunkSpacing);
        Assert.That(h.Sent, Is.Empty, "arrived, not yet read");

        Assert.That(h.Telnet.ReadVeryEager(), Is.Empty);
        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE }));
    }

    [Test]
    public void Refusal_AfterThePeersEndOfStream_StillGoesOut()
    {
        // The peer's close ends our reading side only: telnetlib answers on its half-closed socket, and so do we.
        using var h = WithReads([IAC, DO, TTYPE]);
        h.DeliverAll();

        Assert.That(h.Telnet.ReadAll(), Is.Empty);
        Assert.That(h.Telnet.Eof, Is.True);
        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE }));
    }

    [Test]
    public void Received_PastMaxBufferedBytes_OverATransportThatCannotPause_NextRecvThrowsTyped()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(100, new byte[] { IAC, DO, 1, IAC, DO, 3, IAC, DO, 24 }));
        var transport = new RxTelnet.Transport.ObservableTransport(incoming);
        using var telnet = new Telnet(transport, new RxTelnet.Session.TelnetSessionOptions { Scheduler = scheduler, MaxBufferedBytes = 8 });

        scheduler.AdvanceTo(100);

        Assert.That(() => telnet.ReadVeryEager(), Throws.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo("MaxBufferedBytes"));
        Assert.That(transport.SentBytes, Is.Empty, "what did not fit was never processed");
    }

    [Test]
    public void SbData_LongerThanLimit_IsDiscardedWhole_NextOneKept()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(
            OnNext(100, new byte[] { IAC, SB, TTYPE, 1, 2, 3, 4, 5, 6, 7, 8, IAC, SE }),
            OnNext(110, new byte[] { IAC, SB, NAWS, 1, IAC, SE }));
        var options = new RxTelnet.Session.TelnetSessionOptions
        {
            Scheduler = scheduler,
            Parser = RxTelnet.Protocol.TelnetParserOptions.Default with { MaxSubnegotiationLength = 4 },
        };
        using var telnet = new Telnet(new RxTelnet.Transport.ObservableTransport(incoming), options);
        var atSe = new List<string>();
        telnet.SetOptionNegotiationCallback((_, cmd, _) =>
        {
            if (cmd == SE)
            {
                atSe.Add(Convert.ToHexString(telnet.ReadSbData()));
            }
        });
        scheduler.AdvanceTo(110);
        _ = telnet.ReadVeryEager();

        Assert.That(atSe, Is.EqualTo(new[] { string.Empty, "1F01" }), "never a truncated subnegotiation; bounded like the session's parser");
    }

    [Test]
    public void SbData_ExactlyAtTheLimit_IsKept()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(100, new byte[] { IAC, SB, TTYPE, 1, 2, 3, IAC, SE }));
        var options = new RxTelnet.Session.TelnetSessionOptions
        {
            Scheduler = scheduler,
            Parser = RxTelnet.Protocol.TelnetParserOptions.Default with { MaxSubnegotiationLength = 4 },
        };
        using var telnet = new Telnet(new RxTelnet.Transport.ObservableTransport(incoming), options);
        scheduler.AdvanceTo(100);

        _ = telnet.ReadVeryEager();

        Assert.That(telnet.ReadSbData(), Is.EqualTo(new byte[] { TTYPE, 1, 2, 3 }));
    }

    [Test]
    public void SbData_PastTheLimit_SaysSoInTheDebugOutput()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(100, new byte[] { IAC, SB, TTYPE, 1, 2, 3, 4, IAC, SE }));
        var options = new RxTelnet.Session.TelnetSessionOptions
        {
            Scheduler = scheduler,
            Parser = RxTelnet.Protocol.TelnetParserOptions.Default with { MaxSubnegotiationLength = 4 },
        };
        var output = new StringWriter { NewLine = "\n" };
        using var telnet = new Telnet(new RxTelnet.Transport.ObservableTransport(incoming), options) { DebugOutput = output };
        telnet.SetDebugLevel(1);
        scheduler.AdvanceTo(100);

        _ = telnet.ReadVeryEager();

        Assert.That(telnet.ReadSbData(), Is.Empty);
        Assert.That(output.ToString(), Does.Contain("Telnet(None,0): subnegotiation data longer than 4 bytes discarded\n"));
    }

    private static IEnumerable<TestCaseData> DebugReads()
    {
        yield return new TestCaseData(B("a"), ": recv b''\n").SetArgDisplayNames("fill_rawq at eof");
        yield return new TestCaseData(new byte[] { IAC, 88 }, ": IAC 88 not recognized\n").SetArgDisplayNames("unknown command");
        yield return new TestCaseData(new byte[] { IAC, DO, 1 }, ": IAC DO 1\n").SetArgDisplayNames("DO");
        yield return new TestCaseData(new byte[] { IAC, DONT, 1 }, ": IAC DONT 1\n").SetArgDisplayNames("DONT");
        yield return new TestCaseData(new byte[] { IAC, WILL, 1 }, ": IAC WILL 1\n").SetArgDisplayNames("WILL");
        yield return new TestCaseData(new byte[] { IAC, WONT, 1 }, ": IAC WONT 1\n").SetArgDisplayNames("WONT");
    }

    [TestCaseSource(nameof(DebugReads))]
    public void DebugLevel_Reads_WriteTelnetlibMessages(byte[] given, string expected)
    {
        using var h = WithReads(given);
        h.Telnet.SetDebugLevel(1);
        h.DeliverAll();

        _ = h.Telnet.ReadAll();

        Assert.That(h.DebugText.ToString(), Does.Contain(expected));
    }

    [Test]
    public void DebugLevel_Reads_FullTranscript()
    {
        using var h = WithReads([.. B("hi\r\n"), IAC, DO, 24, IAC, SB, 24, 1, IAC, SE, IAC, NOP, 0xE9, (byte)'\'']);
        h.Telnet.SetDebugLevel(1);
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(h.DebugText.ToString(), Is.EqualTo(
            """
            Telnet(None,0): recv b"hi\r\n\xff\xfd\x18\xff\xfa\x18\x01\xff\xf0\xff\xf1\xe9'"
            Telnet(None,0): IAC DO 24
            Telnet(None,0): IAC 250 not recognized
            Telnet(None,0): IAC 240 not recognized
            Telnet(None,0): IAC 241 not recognized
            Telnet(None,0): recv b''

            """));
    }

    [Test]
    public void DebugLevel_WithCallback_NoNotRecognizedMessage()
    {
        using var h = WithReads([IAC, NOP, IAC, DO, 1]);
        h.Telnet.SetDebugLevel(1);
        h.Telnet.SetOptionNegotiationCallback((_, _, _) => { });
        h.DeliverAll();
        _ = h.Telnet.ReadAll();

        Assert.That(h.DebugText.ToString(), Does.Not.Contain("not recognized"));
        Assert.That(h.DebugText.ToString(), Does.Contain(": IAC DO 1\n"), "negotiations are reported with or without a callback");
    }

    [Test]
    public void DebugLevel_Write_WritesSendMessage()
    {
        using var h = WithReads();
        h.Telnet.SetDebugLevel(1);

        h.Telnet.Write(B("xxx"));

        Assert.That(h.DebugText.ToString(), Does.Contain("send b'xxx'\n"));
    }

    [Test]
    public void DebugLevel_Zero_WritesNothing()
    {
        using var h = WithReads([IAC, DO, 1], B("x"));
        h.Telnet.Write(B("y"));
        h.DeliverAll();
        h.Telnet.Msg("hello");

        Assert.That(h.DebugText.ToString(), Is.Empty);
    }

    [Test]
    public void Msg_PrefixesHostAndPort_AndFormatsArguments()
    {
        using var h = WithReads();
        h.Telnet.SetDebugLevel(1);

        h.Telnet.Msg("test");
        h.Telnet.Msg("{0} + {1}", 1, "two");
        h.Telnet.Msg("no args {0}");

        Assert.That(h.DebugText.ToString(), Is.EqualTo("Telnet(None,0): test\nTelnet(None,0): 1 + two\nTelnet(None,0): no args {0}\n"));
        Assert.That(h.DebugText.ToString(), Does.Match("0.*test"), "CPython's test_debug_accepts_str_port");
    }

    [Test]
    public void Msg_AtLevelZero_DoesNotFormat()
    {
        // telnetlib's msg formats only when debuglevel > 0: a format that does not fit its arguments is not an error then.
        using var h = WithReads();

        Assert.DoesNotThrow(() => h.Telnet.Msg("{0} {1}", 1));
        h.Telnet.SetDebugLevel(1);
        Assert.Throws<FormatException>(() => h.Telnet.Msg("{0} {1}", 1), "above 0 it formats (Python: TypeError)");
    }

    [Test]
    public void DebugOutput_Null_WritesToTheConsoleAsItIsWhenTheMessageIsWritten()
    {
        using var h = WithReads();
        h.Telnet.DebugOutput = null;
        h.Telnet.SetDebugLevel(1);
        var console = new StringWriter { NewLine = "\n" };
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            h.Telnet.Msg("to stdout");
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.That(console.ToString(), Is.EqualTo("Telnet(None,0): to stdout\n"), "telnetlib prints to sys.stdout");
        Assert.That(h.DebugText.ToString(), Is.Empty);
    }

    [Test]
    public void Msg_AlsoGoesToLogger()
    {
        using var h = WithReads();
        var logger = new ListLogger();
        h.Telnet.Logger = logger;
        h.Telnet.DebugOutput = TextWriter.Null;
        h.Telnet.SetDebugLevel(1);

        h.Telnet.Msg("test");

        Assert.That(logger.Messages, Is.EqualTo(new[] { "Telnet(None,0): test" }));
        Assert.That(h.Telnet.DebugLevel, Is.EqualTo(1));
    }

    /// <summary>telnetlib's test helper <c>nego_collector</c>.</summary>
    private sealed class NegotiationCollector(Func<byte[]>? sbGetter = null)
    {
        public List<byte> Seen { get; } = [];

        public List<byte> SbSeen { get; } = [];

        public void OnCommand(Socket? socket, byte cmd, byte opt)
        {
            Seen.Add(cmd);
            Seen.Add(opt);
            if (cmd == SE && sbGetter is not null)
            {
                SbSeen.AddRange(sbGetter());
            }
        }
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
