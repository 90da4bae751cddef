namespace RxTelnet.Tests.Session;

using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Serial;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>The RFC 2217 access server over an in-memory serial line: a scripted client, and our own client in virtual time.</summary>
[TestFixture]
public sealed class ComPortServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Scripted : IDisposable
    {
        public Scripted()
        {
            Transport = new ObservableTransport(Incoming);
            Session = new TelnetSession(Transport, new TelnetSessionOptions
            {
                Scheduler = Scheduler,
                NegotiationTimeout = TimeSpan.FromTicks(500),
                Policy = ComPortServer.Policy,
            }).Start();
            Serving = ComPortServer.Serve(Session, Line, "test server 1.0");
        }

        public TestScheduler Scheduler { get; } = new();

        public Subject<byte[]> Incoming { get; } = new();

        public ObservableTransport Transport { get; }

        public TelnetSession Session { get; }

        public InMemorySerialLine Line { get; } = new([300, 9600, 19200, 115200]);

        public IDisposable Serving { get; }

        public int Mark { get; set; }

        public void Send(params byte[] bytes) => Incoming.OnNext(bytes);

        public void Sb(params byte[] payload) => Send([255, 250, 44, .. payload, 255, 240]);

        public byte[] Sent()
        {
            var all = Transport.SentBytes;
            var fresh = all[Mark..];
            Mark = all.Length;
            return fresh;
        }

        public void Agree()
        {
            Assert.That(Sent(), Is.EqualTo(new byte[] { 255, 253, 44, 255, 253, 0, 255, 251, 0 }), "DO COM-PORT, DO BINARY, WILL BINARY");
            Send(255, 251, 44, 255, 251, 0, 255, 253, 0);
            Assert.That(Session.IsRemoteEnabled(TelnetOption.ComPortOption), Is.True);
        }

        public void Dispose()
        {
            Serving.Dispose();
            Session.Dispose();
        }
    }

    /// <summary>What the server wrote to the line: the pump writes from a task continuation, so wait (bounded) for it.</summary>
    private sealed class Written
    {
        private readonly List<byte> _bytes = [];

        public Written(InMemorySerialLine line) => line.Written.Subscribe(chunk =>
        {
            lock (_bytes)
            {
                _bytes.AddRange(chunk);
            }
        });

        public byte[] WaitFor(int count)
        {
            SpinWait.SpinUntil(
                () =>
                {
                    lock (_bytes)
                    {
                        return _bytes.Count >= count;
                    }
                },
                Wait);
            lock (_bytes)
            {
                return [.. _bytes];
            }
        }
    }

    [Test]
    public void Settings_AreAppliedToTheLine_AndAcknowledgedWithTheAppliedValue()
    {
        using var s = new Scripted();
        s.Agree();

        s.Sb(1, 0, 0, 0x4B, 0x00);      // 19200: taken
        s.Sb(1, 0, 0, 0x4B, 0x01);      // 19201: not taken, the line stays at 19200
        s.Sb(2, 7);
        s.Sb(3, 3);
        s.Sb(4, 2);
        s.Sb(5, 9);                     // DTR off
        s.Sb(5, 7);                     // DTR?
        s.Sb(12, 1);
        s.Sb(1, 0, 0, 0, 0);            // baud?
        Assert.That(s.Sent(), Is.EqualTo(new byte[]
        {
            255, 250, 44, 101, 0, 0, 0x4B, 0x00, 255, 240,
            255, 250, 44, 101, 0, 0, 0x4B, 0x00, 255, 240,
            255, 250, 44, 102, 7, 255, 240,
            255, 250, 44, 103, 3, 255, 240,
            255, 250, 44, 104, 2, 255, 240,
            255, 250, 44, 105, 9, 255, 240,
            255, 250, 44, 105, 9, 255, 240,
            255, 250, 44, 112, 1, 255, 240,
            255, 250, 44, 101, 0, 0, 0x4B, 0x00, 255, 240,
        }));
        Assert.That(s.Line.Settings, Is.EqualTo("19200 7 Even Two"));
        Assert.That(s.Line.Dtr, Is.False);
        Assert.That(s.Line.Purges, Is.EqualTo(new[] { ComPortPurge.ReceiveBuffer }));
    }

    [Test]
    public void SignatureRequest_IsAnsweredWithTheServersSignature()
    {
        using var s = new Scripted();
        s.Agree();
        s.Sb(0);
        Assert.That(s.Sent(), Is.EqualTo((byte[])[255, 250, 44, 100, .. "test server 1.0"u8, 255, 240]));
    }

    [Test]
    public void HostileCommands_GetNoAnswer_AndChangeNothing()
    {
        using var s = new Scripted();
        s.Agree();
        s.Sb(1, 0, 0, 0x4B);            // truncated
        s.Sb(2, 9);                     // no such data size
        s.Sb(101, 0, 0, 0x4B, 0x00);    // a server code from the client
        s.Sb(3, 6);                     // no such parity
        s.Sb(13);                       // no such command
        s.Sb();
        Assert.That(s.Sent(), Is.Empty);
        Assert.That(s.Line.Settings, Is.EqualTo("9600 8 None One"));
    }

    [Test]
    public void CommandsBeforeOrWithoutAgreement_ChangeNothing()
    {
        using var s = new Scripted();
        Assert.That(s.Sent(), Is.EqualTo(new byte[] { 255, 253, 44, 255, 253, 0, 255, 251, 0 }));
        s.Sb(1, 0, 0, 0x4B, 0x00);      // SET-BAUDRATE 19200 while DO is pending
        s.Send(255, 252, 44);           // WONT COM-PORT-OPTION
        s.Sb(1, 0, 0, 0x01, 0x2C);      // SET-BAUDRATE 300 after the refusal
        s.Sb(5, 9);                     // SET-CONTROL DTR off
        s.Sb(12, 3);                    // PURGE-DATA both
        Assert.That(s.Line.Settings, Is.EqualTo("9600 8 None One"), "the line keeps its settings");
        Assert.That(s.Line.Dtr, Is.True, "DTR stays on");
        Assert.That(s.Line.Purges, Is.Empty, "nothing purged");
        Assert.That(s.Sent(), Is.Empty);
    }

    [Test]
    public void LineState_IsReportedUnderTheMask_NothingBeforeAMaskIsSet()
    {
        using var s = new Scripted();
        s.Agree();
        s.Line.ChangeLineState(ComPortLineState.BreakDetect | ComPortLineState.DataReady);
        Assert.That(s.Sent(), Is.Empty, "the line state mask starts at 0");

        s.Sb(10, 16);
        Assert.That(s.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 110, 16, 255, 240 }));
        s.Line.ChangeLineState(ComPortLineState.BreakDetect | ComPortLineState.DataReady);
        s.Line.ChangeLineState(ComPortLineState.ParityError);
        Assert.That(s.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 106, 16, 255, 240 }));
    }

    [Test]
    public void ModemState_IsReportedUnderTheMask_OnlyWhenTheMaskedBitsChange()
    {
        using var s = new Scripted();
        s.Agree();
        s.Line.ChangeModemState(ComPortModemState.ClearToSend);
        Assert.That(s.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 107, 16, 255, 240 }), "the modem state mask starts at 255");

        s.Sb(11, 128);
        s.Line.ChangeModemState(ComPortModemState.DataSetReady);
        s.Line.ChangeModemState(ComPortModemState.ReceiveLineSignalDetect | ComPortModemState.DataSetReady);
        Assert.That(s.Sent(), Is.EqualTo(new byte[]
        {
            255, 250, 44, 111, 128, 255, 240,
            255, 250, 44, 107, 0, 255, 240,   // CTS went off under the new mask
            255, 250, 44, 107, 128, 255, 240,
        }));
    }

    [Test]
    public void Data_GoesBothWays_WithIacEscapedOnTheWire()
    {
        using var s = new Scripted();
        s.Agree();
        var written = new Written(s.Line);

        s.Send(1, 2, 255, 255, 3);
        Assert.That(written.WaitFor(4), Is.EqualTo(new byte[] { 1, 2, 255, 3 }));

        s.Line.Arrive(0x41, 255, 0x42);
        Assert.That(s.Sent(), Is.EqualTo(new byte[] { 0x41, 255, 255, 0x42 }));
    }

    [Test]
    public void Serve_SignatureNotValidUtf16_RefusedAtOnceNamingTheSignature()
    {
        // Answered on the receive thread when a client asks: an encoding error there would close the session.
        var scheduler = new TestScheduler();
        var (_, b) = InMemoryTransport.CreatePair(scheduler);
        using var server = new TelnetSession(b, new TelnetSessionOptions { Scheduler = scheduler, Policy = ComPortServer.Policy });
        var line = new InMemorySerialLine();
        var error = Assert.Throws<ArgumentException>(() => ComPortServer.Serve(server, line, "rx" + (char)0xD800));
        Assert.That(error!.ParamName, Is.EqualTo("signature"));
        Assert.That(error.Message, Does.Contain("UTF-16"));
    }

    [Test]
    public void OurClient_AgainstOurServer_InVirtualTime()
    {
        var scheduler = new TestScheduler();
        var (a, b) = InMemoryTransport.CreatePair(scheduler);
        using var server = new TelnetSession(b, new TelnetSessionOptions { Scheduler = scheduler, Policy = ComPortServer.Policy }).Start();
        using var session = new TelnetSession(a, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            NegotiationTimeout = TimeSpan.FromTicks(1_000),
            Policy = TelnetOptionPolicy.RefuseAll.Allow(TelnetOption.Binary).AllowLocal(TelnetOption.ComPortOption),
        }).Start();
        var line = new InMemorySerialLine();
        using var serving = ComPortServer.Serve(server, line);
        using var client = new ComPortClient(session);
        var states = new List<ComPortLineState>();
        using var l = client.LineStates.Subscribe(states.Add);

        var baud = client.SetBaudRateAsync(115_200);
        var parity = client.SetParityAsync(ComPortParity.Odd);
        var mask = client.SetLineStateMaskAsync(ComPortLineState.OverrunError);
        var signature = client.GetSignatureAsync();
        scheduler.AdvanceBy(10);

        Assert.That(baud.Wait(Wait) && baud.Result == 115_200u, Is.True);
        Assert.That(parity.Wait(Wait) && parity.Result == ComPortParity.Odd, Is.True);
        Assert.That(mask.Wait(Wait) && mask.Result == ComPortLineState.OverrunError, Is.True);
        Assert.That(signature.Wait(Wait) && signature.Result == ComPortServer.DefaultSignature, Is.True);
        Assert.That(line.Settings, Is.EqualTo("115200 8 Odd One"));

        line.ChangeLineState(ComPortLineState.OverrunError | ComPortLineState.DataReady);
        scheduler.AdvanceBy(10);
        Assert.That(states, Is.EqualTo(new[] { ComPortLineState.OverrunError }));

        var written = new Written(line);
        var write = session.WriteAsync(new byte[] { 0, 13, 255, 10 });
        scheduler.AdvanceBy(10);
        Assert.That(write.Wait(Wait), Is.True);
        scheduler.AdvanceBy(10);
        Assert.That(written.WaitFor(4), Is.EqualTo(new byte[] { 0, 13, 255, 10 }), "binary both ways: CR NUL rules do not apply");
    }
}
