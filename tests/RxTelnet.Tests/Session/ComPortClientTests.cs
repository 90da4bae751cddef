namespace RxTelnet.Tests.Session;

using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>The RFC 2217 client against a scripted access server: exact bytes, virtual-time timeouts, hostile replies.</summary>
[TestFixture]
public sealed class ComPortClientTests
{
    private static readonly TimeSpan Reply = TimeSpan.FromTicks(1_000);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Peer : IDisposable
    {
        public Peer(TimeSpan? replyTimeout = null, bool agree = true, int maxPendingSendBytes = TelnetSessionOptions.DefaultMaxPendingSendBytes)
        {
            Transport = new ObservableTransport(Incoming);
            Session = new TelnetSession(Transport, new TelnetSessionOptions
            {
                Scheduler = Scheduler,
                NegotiationTimeout = TimeSpan.FromTicks(500),
                Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.ComPortOption),
                MaxPendingSendBytes = maxPendingSendBytes,
            }).Start();
            Client = new ComPortClient(Session, replyTimeout ?? Reply);
            if (agree)
            {
                Send(255, 253, 44); // IAC DO COM-PORT-OPTION
                Assert.That(Transport.SentBytes, Is.EqualTo(new byte[] { 255, 251, 44 }), "we agree: IAC WILL COM-PORT-OPTION");
                Mark = Transport.SentBytes.Length;
            }
        }

        public TestScheduler Scheduler { get; } = new();

        public Subject<byte[]> Incoming { get; } = new();

        public ObservableTransport Transport { get; }

        public TelnetSession Session { get; }

        public ComPortClient Client { get; }

        public int Mark { get; set; }

        public void Send(params byte[] bytes) => Incoming.OnNext(bytes);

        /// <summary>Sends <c>IAC SB 44 payload IAC SE</c> from the access server.</summary>
        public void Sb(params byte[] payload) => Send([255, 250, 44, .. payload, 255, 240]);

        /// <summary>Gets what the client sent since the last call.</summary>
        public byte[] Sent()
        {
            var all = Transport.SentBytes;
            var fresh = all[Mark..];
            Mark = all.Length;
            return fresh;
        }

        public void Dispose()
        {
            Client.Dispose();
            Session.Dispose();
        }
    }

    private static T Done<T>(Task<T> task)
    {
        Assert.That(task.Wait(Wait), Is.True, "the call completes");
        return task.Result;
    }

    private static Exception? Failure(Task task)
    {
        try
        {
            task.Wait(Wait);
        }
        catch (AggregateException error)
        {
            return error.InnerException;
        }

        Assert.Fail("the call was expected to fail");
        return null;
    }

    [Test]
    public void SetBaudRate_SendsFourBytesBigEndian_ReturnsTheRateTheServerAcknowledged()
    {
        using var peer = new Peer();
        var call = peer.Client.SetBaudRateAsync(115_200);

        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 1, 0, 1, 0xC2, 0x00, 255, 240 }));
        Assert.That(call.IsCompleted, Is.False);

        peer.Sb(101, 0, 0, 0x96, 0x00); // the server applied 38400 instead
        Assert.That(Done(call), Is.EqualTo(38_400u));
    }

    [Test]
    public void BaudRateWithA255Byte_IsEscapedBothWays()
    {
        using var peer = new Peer();
        var call = peer.Client.SetBaudRateAsync(0x00FF_0000);

        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 1, 0, 255, 255, 0, 0, 255, 240 }));
        peer.Sb(101, 0, 255, 255, 0, 0);
        Assert.That(Done(call), Is.EqualTo(0x00FF_0000u));
    }

    [Test]
    public void EverySetting_ExactBytes_AndTheAcknowledgedValue()
    {
        using var peer = new Peer();

        var data = peer.Client.SetDataSizeAsync(7);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 2, 7, 255, 240 }));
        peer.Sb(102, 7);
        Assert.That(Done(data), Is.EqualTo(7));

        var parity = peer.Client.SetParityAsync(ComPortParity.Even);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 3, 3, 255, 240 }));
        peer.Sb(103, 3);
        Assert.That(Done(parity), Is.EqualTo(ComPortParity.Even));

        var stop = peer.Client.SetStopSizeAsync(ComPortStopSize.Two);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 4, 2, 255, 240 }));
        peer.Sb(104, 2);
        Assert.That(Done(stop), Is.EqualTo(ComPortStopSize.Two));

        var dtr = peer.Client.SetControlAsync(ComPortControl.DtrOff);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 5, 9, 255, 240 }));
        peer.Sb(105, 9);
        Assert.That(Done(dtr), Is.EqualTo(ComPortControl.DtrOff));

        var purge = peer.Client.PurgeAsync(ComPortPurge.Both);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 12, 3, 255, 240 }));
        peer.Sb(112, 3);
        Assert.That(Done(purge), Is.EqualTo(ComPortPurge.Both));

        var signature = peer.Client.GetSignatureAsync();
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 0, 255, 240 }));
        peer.Sb([100, .. "ser2net 4.3"u8]);
        Assert.That(Done(signature), Is.EqualTo("ser2net 4.3"));
    }

    [Test]
    public void Queries_SendValueZero_AndReturnTheCurrentSetting()
    {
        using var peer = new Peer();

        var baud = peer.Client.SetBaudRateAsync(0);
        var parity = peer.Client.SetParityAsync(ComPortParity.Request);
        var dtr = peer.Client.SetControlAsync(ComPortControl.RequestDtr);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[]
        {
            255, 250, 44, 1, 0, 0, 0, 0, 255, 240,
            255, 250, 44, 3, 0, 255, 240,
            255, 250, 44, 5, 7, 255, 240,
        }));

        peer.Sb(105, 8);
        peer.Sb(103, 1);
        peer.Sb(101, 0, 0, 0x25, 0x80);
        Assert.That(Done(baud), Is.EqualTo(9600u));
        Assert.That(Done(parity), Is.EqualTo(ComPortParity.None));
        Assert.That(Done(dtr), Is.EqualTo(ComPortControl.DtrOn));
    }

    [Test]
    public void ConcurrentCallsOfOneCommand_AreAnsweredInOrder()
    {
        using var peer = new Peer();
        var first = peer.Client.SetBaudRateAsync(9600);
        var second = peer.Client.SetBaudRateAsync(19200);
        var third = peer.Client.SetBaudRateAsync(57600);

        peer.Sb(101, 0, 0, 0x25, 0x80);
        Assert.That(Done(first), Is.EqualTo(9600u));
        Assert.That(second.IsCompleted || third.IsCompleted, Is.False);

        peer.Sb(101, 0, 0, 0x4B, 0x00);
        peer.Sb(101, 0, 0, 0xE1, 0x00);
        Assert.That(Done(second), Is.EqualTo(19200u));
        Assert.That(Done(third), Is.EqualTo(57600u));
    }

    [Test]
    public void SilentServer_FailsAtExactlyTheReplyTimeout_NamingCommandAndValue()
    {
        using var peer = new Peer();
        var call = peer.Client.SetBaudRateAsync(9600);

        peer.Scheduler.AdvanceBy(Reply.Ticks - 1);
        Assert.That(call.IsCompleted, Is.False, "one tick before the timeout");
        peer.Scheduler.AdvanceBy(1);

        var error = Failure(call) as ComPortTimeoutException;
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Command, Is.EqualTo(ComPortCommand.SetBaudRate));
        Assert.That(error.ReplyTimeout, Is.EqualTo(Reply));
        Assert.That(error.Message, Does.Contain("SET-BAUDRATE 9600"));
        Assert.That(error, Is.InstanceOf<TelnetTimeoutException>());
    }

    [Test]
    public void TimedOutCall_LeavesItsPlace_TheNextAnswerGoesToTheNextCall()
    {
        using var peer = new Peer();
        var first = peer.Client.SetDataSizeAsync(8);
        peer.Scheduler.AdvanceBy(500);
        var second = peer.Client.SetDataSizeAsync(7);
        peer.Scheduler.AdvanceBy(500);

        Assert.That(Failure(first), Is.InstanceOf<ComPortTimeoutException>().With.Message.Contains("SET-DATASIZE 8"));
        Assert.That(second.IsCompleted, Is.False, "its own timeout is at 1500");
        peer.Sb(102, 7);
        Assert.That(Done(second), Is.EqualTo(7));
    }

    [Test]
    public void HostileReplies_WrongCodeTruncatedOrClientCode_AreIgnored_TheCallStillTimesOut()
    {
        using var peer = new Peer();
        var call = peer.Client.SetBaudRateAsync(9600);

        peer.Sb(102, 8);                 // an answer to another command
        peer.Sb(101, 0, 0, 0x25);        // truncated baud rate
        peer.Sb(101, 0, 0, 0x25, 0x80, 0); // too long
        peer.Sb(1, 0, 0, 0x25, 0x80);    // a client code from the server
        peer.Sb(99);                     // no such command
        peer.Sb();                       // empty
        Assert.That(call.IsCompleted, Is.False);

        peer.Scheduler.AdvanceBy(Reply.Ticks);
        Assert.That(Failure(call), Is.InstanceOf<ComPortTimeoutException>());
        Assert.That(peer.Session.CurrentState.Status, Is.Not.EqualTo(TelnetSessionStatus.Closed), "hostile replies do not kill the session");
    }

    [Test]
    public void ReplyFlood_WithNobodyWaiting_KeepsNothing_AndALaterCallGetsItsOwnAnswer()
    {
        using var peer = new Peer();
        for (var i = 0; i < 10_000; i++)
        {
            peer.Sb(101, 0, 0, 0x25, 0x80);
        }

        var call = peer.Client.SetBaudRateAsync(300);
        peer.Sb(101, 0, 0, 0x01, 0x2C);
        Assert.That(Done(call), Is.EqualTo(300u), "no flooded answer was stored for later calls");
    }

    [Test]
    public void TooManyWaitingCalls_FailTyped_NamingTheLimit()
    {
        using var peer = new Peer();
        for (var i = 0; i < ComPortClient.MaxPendingPerCommand; i++)
        {
            _ = peer.Client.SetBaudRateAsync(9600);
        }

        var error = Failure(peer.Client.SetBaudRateAsync(9600));
        Assert.That(error, Is.InstanceOf<TelnetBufferLimitExceededException>().With.Message.Contains("64"));
    }

    [Test]
    public void Cancellation_EndsTheWait_AndTheNextAnswerGoesToTheNextCall()
    {
        using var peer = new Peer();
        using var cancel = new CancellationTokenSource();
        var first = peer.Client.SetStopSizeAsync(ComPortStopSize.One, cancel.Token);
        var second = peer.Client.SetStopSizeAsync(ComPortStopSize.Two);
        cancel.Cancel();

        Assert.That(Failure(first), Is.InstanceOf<OperationCanceledException>());
        peer.Sb(104, 2);
        Assert.That(Done(second), Is.EqualTo(ComPortStopSize.Two));
    }

    [Test]
    public void FlowControlSuspend_HoldsDataCommandsAndRequests_ResumeSendsThemInOrder()
    {
        using var peer = new Peer();
        var reported = new List<bool>();
        using var _ = peer.Client.FlowControlSuspended.Subscribe(reported.Add);

        peer.Sb(108); // FLOWCONTROL-SUSPEND
        var write = peer.Session.WriteAsync(new byte[] { (byte)'a', (byte)'b', 255 });
        var nop = peer.Session.SendCommandAsync(TelnetVerb.Nop);
        var baud = peer.Client.SetBaudRateAsync(9_600);

        Assert.That(peer.Sent(), Is.Empty, "nothing goes out while the server has suspended us");
        Assert.That((write.IsCompleted, nop.IsCompleted), Is.EqualTo((false, false)));
        Assert.That(peer.Session.PendingSendBytes, Is.EqualTo(4 + 2 + 10));

        peer.Sb(109); // FLOWCONTROL-RESUME
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { (byte)'a', (byte)'b', 255, 255, 255, 241, 255, 250, 44, 1, 0, 0, 0x25, 0x80, 255, 240 }));
        Assert.That(write.Wait(Wait) && nop.Wait(Wait), Is.True);
        peer.Sb(101, 0, 0, 0x25, 0x80);
        Assert.That(Done(baud), Is.EqualTo(9_600u));
        Assert.That(reported, Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public void FlowControlSuspend_NotHonoured_IsOnlyReported()
    {
        using var peer = new Peer();
        peer.Client.HonoursFlowControl = false;
        var reported = new List<bool>();
        using var _ = peer.Client.FlowControlSuspended.Subscribe(reported.Add);

        peer.Sb(108);
        peer.Session.WriteAsync("x"u8.ToArray());

        Assert.That(peer.Sent(), Is.EqualTo("x"u8.ToArray()));
        Assert.That(reported, Is.EqualTo(new[] { true }));
    }

    [Test]
    public void FlowControlSuspend_ReleasedByTurningItOffOrByDisposingTheClient()
    {
        using var peer = new Peer();
        peer.Sb(108);
        peer.Sb(108); // a repeated SUSPEND changes nothing
        peer.Session.WriteAsync("x"u8.ToArray());
        Assert.That(peer.Sent(), Is.Empty);

        peer.Client.HonoursFlowControl = false;
        Assert.That(peer.Sent(), Is.EqualTo("x"u8.ToArray()), "turning it off releases what is held");

        peer.Client.HonoursFlowControl = true;
        peer.Sb(108);
        peer.Session.WriteAsync("y"u8.ToArray());
        Assert.That(peer.Sent(), Is.Empty, "honoured again from the next SUSPEND");
        peer.Client.Dispose();
        Assert.That(peer.Sent(), Is.EqualTo("y"u8.ToArray()), "a disposed client holds nothing");
    }

    [Test]
    public void FlowControlSuspend_AResumeWithoutASuspendOrAClientCodeChangesNothing()
    {
        using var peer = new Peer();
        peer.Sb(109); // RESUME, never suspended
        peer.Sb(8); // the client's code for SUSPEND, coming from the server: not a request
        peer.Session.WriteAsync("x"u8.ToArray());

        Assert.That(peer.Sent(), Is.EqualTo("x"u8.ToArray()));
    }

    [Test]
    public void FlowControlSuspend_NeverResumed_RequestsTimeOut_AndTheQueueIsBounded()
    {
        using var peer = new Peer(maxPendingSendBytes: 64);
        peer.Sb(108);
        var call = peer.Client.SetParityAsync(ComPortParity.Odd);
        peer.Scheduler.AdvanceBy(Reply.Ticks + 1);
        Assert.That(Failure(call), Is.InstanceOf<ComPortTimeoutException>());

        var first = peer.Session.WriteAsync(new byte[40]);
        var second = peer.Session.WriteAsync(new byte[40]);

        Assert.That(Failure(second), Is.InstanceOf<TelnetBufferLimitExceededException>());
        Assert.That(Failure(first), Is.InstanceOf<TelnetBufferLimitExceededException>(), "the held write fails with the session");
        Assert.That(peer.Session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.SendLimitExceeded));
        Assert.That(peer.Sent(), Is.Empty);
    }

    [Test]
    public void SessionClosing_FailsWaitingCalls_WithTelnetClosed()
    {
        using var peer = new Peer();
        var call = peer.Client.SetParityAsync(ComPortParity.Odd);
        peer.Incoming.OnCompleted();

        Assert.That(Failure(call), Is.InstanceOf<TelnetClosedException>());
        Assert.That(Failure(peer.Client.SetParityAsync(ComPortParity.Odd)), Is.InstanceOf<TelnetClosedException>());
    }

    [Test]
    public void NotAgreed_ASettingIsHeld_FailsAtTheReplyTimeout_AndIsWithdrawn()
    {
        using var peer = new Peer(agree: false);
        Assert.That(peer.Transport.SentBytes, Is.EqualTo(new byte[] { 255, 251, 44 }), "the client offers WILL COM-PORT-OPTION itself");
        var call = peer.Client.SetBaudRateAsync(9600);
        peer.Scheduler.AdvanceBy(Reply.Ticks - 1);
        Assert.That(call.IsCompleted, Is.False);
        peer.Scheduler.AdvanceBy(1);

        Assert.That(Failure(call), Is.InstanceOf<ComPortTimeoutException>().With.Message.Contains("0.0001 s"));
        peer.Send(255, 253, 44); // a late DO: the abandoned command stays unsent
        Assert.That(peer.Transport.SentBytes, Has.None.EqualTo((byte)250), "no subnegotiation went out");
    }

    [Test]
    public void Masks_AreAcknowledged_AndNotificationsArriveAsTypedFlags()
    {
        using var peer = new Peer();
        var lines = new List<ComPortLineState>();
        var modems = new List<ComPortModemState>();
        using var l = peer.Client.LineStates.Subscribe(lines.Add);
        using var m = peer.Client.ModemStates.Subscribe(modems.Add);

        var lineMask = peer.Client.SetLineStateMaskAsync(ComPortLineState.BreakDetect | ComPortLineState.DataReady);
        var modemMask = peer.Client.SetModemStateMaskAsync(ComPortModemState.ReceiveLineSignalDetect | ComPortModemState.ClearToSend);
        Assert.That(peer.Sent(), Is.EqualTo(new byte[] { 255, 250, 44, 10, 17, 255, 240, 255, 250, 44, 11, 144, 255, 240 }));
        peer.Sb(110, 17);
        peer.Sb(111, 144);
        Assert.That(Done(lineMask), Is.EqualTo(ComPortLineState.BreakDetect | ComPortLineState.DataReady));
        Assert.That(Done(modemMask), Is.EqualTo(ComPortModemState.ReceiveLineSignalDetect | ComPortModemState.ClearToSend));

        peer.Sb(106, 16);
        peer.Sb(107, 0x90);
        peer.Sb(6, 16); // a client code: ignored
        Assert.That(lines, Is.EqualTo(new[] { ComPortLineState.BreakDetect }));
        Assert.That(modems, Is.EqualTo(new[] { ComPortModemState.ReceiveLineSignalDetect | ComPortModemState.ClearToSend }));
    }

    [Test]
    public void InvalidValues_FailBeforeAnythingIsSent()
    {
        using var peer = new Peer();
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => peer.Client.SetDataSizeAsync(9));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => peer.Client.SetParityAsync((ComPortParity)6));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => peer.Client.SetControlAsync((ComPortControl)20));
        Assert.That(peer.Sent(), Is.Empty);
    }

    [Test]
    public void ServerAsksForOurSignature_ItIsAnswered()
    {
        using var peer = new Peer();
        using var client = new ComPortClient(peer.Session, Reply, "RxTelnet test");
        peer.Sb(100);
        Assert.That(peer.Sent(), Is.EqualTo((byte[])[255, 250, 44, 0, .. "RxTelnet test"u8, 255, 240]));
    }
}
