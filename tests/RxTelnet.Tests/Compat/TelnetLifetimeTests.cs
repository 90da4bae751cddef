namespace RxTelnet.Tests.Compat;

using System.Diagnostics;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>Connection lifetime over a transport: close, the context manager, getters, reopening, audit events.</summary>
[TestFixture]
public sealed class TelnetLifetimeTests : ReactiveTest
{
    [Test]
    public void NeverOpened_ReportsNoConnection()
    {
        using var telnet = new Telnet();

        Assert.That(telnet.Host, Is.Null);
        Assert.That(telnet.Port, Is.Zero);
        Assert.That(telnet.Eof, Is.False);
        Assert.That(telnet.GetSocket(), Is.Null);
        Assert.That(telnet.FileNo(), Is.EqualTo((nint)(-1)));
        Assert.That(telnet.ReadSbData(), Is.Empty);
        Assert.Throws<TelnetClosedException>(() => telnet.ReadVeryEager());
        Assert.Throws<TelnetClosedException>(() => telnet.ReadAll());
        Assert.Throws<TelnetClosedException>(() => telnet.ReadUntil(B("x")));
        Assert.Throws<TelnetClosedException>(() => telnet.Interact(TextReader.Null, TextWriter.Null));
        Assert.DoesNotThrow(telnet.Close, "closing an unopened instance does nothing, as in telnetlib");
    }

    [Test]
    public void OverTransport_HasNoSocket()
    {
        using var h = WithReads();

        Assert.That(h.Telnet.GetSocket(), Is.Null);
        Assert.That(h.Telnet.FileNo(), Is.EqualTo((nint)(-1)));
        Assert.That(h.Telnet.Host, Is.Null);
        Assert.That(h.Telnet.SockAvail(), Is.False, "connected: nothing has arrived yet");
    }

    [Test]
    public void Open_WhileConnected_ThrowsWithoutTouchingTheConnection()
    {
        using var h = WithReads(B("still here"));

        var error = Assert.Throws<InvalidOperationException>(() => h.Telnet.Open("localhost", 2323));

        Assert.That(error!.Message, Does.Contain("already connected"));
        h.DeliverAll();
        Assert.That(S(h.Telnet.ReadAll()), Is.EqualTo("still here"));
    }

    [Test]
    public void Open_InvalidArguments_Throw()
    {
        using var telnet = new Telnet();

        Assert.That(() => telnet.Open(string.Empty), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => telnet.Open("localhost", 70000), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => telnet.Open("localhost", 23, TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_OverTransport_ChecksItsArguments()
    {
        var scheduler = new TestScheduler();

        Assert.Throws<ArgumentNullException>(() => _ = new Telnet(null!, scheduler));
        Assert.Throws<ArgumentNullException>(() => _ = new Telnet(new DisposalRecordingTransport(), (RxTelnet.Session.TelnetSessionOptions)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Telnet(new DisposalRecordingTransport(), "router", 23, TimeSpan.FromTicks(-1)));
        using var zero = new Telnet(new DisposalRecordingTransport(), "router", 23, TimeSpan.Zero);
        Assert.That(zero.Timeout, Is.EqualTo(TimeSpan.Zero), "a zero timeout is telnetlib's non-blocking socket, not an error");
    }

    [Test]
    public void Open_AfterThePeersEnd_ReleasesTheOldConnectionBeforeConnecting()
    {
        using var h = WithReads(B("bye"));
        h.DeliverAll();
        Assert.That(S(h.Telnet.ReadAll()), Is.EqualTo("bye"));
        Assert.That(h.Telnet.Eof, Is.True);

        // Nothing listens on port 1 of the loopback interface: the connect fails, but only after the old one was let go.
        Assert.That(() => h.Telnet.Open("127.0.0.1", 1), Throws.InstanceOf<System.Net.Sockets.SocketException>(), "reached the end: reopening is allowed");
        Assert.That(h.Transport.IsClosed, Is.True);
        Assert.That(h.Telnet.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(h.Telnet.Port, Is.EqualTo(1));
        Assert.That(h.Telnet.Eof, Is.False, "telnetlib's open sets eof = 0 before it connects");
    }

    [Test]
    public void Close_KeepsReceivedDataReadable_ThenEof()
    {
        using var h = WithReads(B("abc"));
        h.Scheduler.AdvanceTo(FirstChunkAt);
        h.Telnet.FillRawq();

        h.Telnet.Close();

        Assert.That(h.Telnet.Eof, Is.True);
        Assert.That(h.Transport.IsClosed, Is.True);
        Assert.That(S(h.Telnet.ReadLazy()), Is.EqualTo("abc"), "telnetlib's close keeps the raw and cooked queues");
        Assert.Throws<TelnetEofException>(() => h.Telnet.ReadVeryLazy());
        Assert.That(h.Telnet.ReadAll(), Is.Empty);
        Assert.That(h.Telnet.ReadSome(), Is.Empty);
        Assert.Throws<TelnetClosedException>(() => h.Telnet.ReadUntil(B("x")), "telnetlib: AttributeError from the selector's fileno()");
    }

    [Test]
    public void Close_IsIdempotent_AndEndsAPendingRead()
    {
        using var h = WithReads();
        var read = h.Telnet.ReadUntilAsync(B("x"));

        h.Telnet.Close();
        h.Telnet.Close();

        Assert.That(read.IsFaulted, Is.True);
        Assert.That(read.Exception!.InnerException, Is.TypeOf<TelnetEofException>());
    }

    [Test]
    public void Close_WhileReadAllWaits_ItReturnsWhatWasReceived()
    {
        using var h = WithScript(OnNext(100, B("abc")));
        var all = h.Telnet.ReadAllAsync();
        h.Scheduler.AdvanceTo(100);
        Assert.That(all.IsCompleted, Is.False);

        h.Telnet.Close();

        Assert.That(all.IsCompletedSuccessfully, Is.True, "a read waiting for data ends as at the end of the stream");
        Assert.That(S(all.Result), Is.EqualTo("abc"));
    }

    [Test]
    public void Close_IgnoresLaterChunks()
    {
        using var h = WithScript(OnNext(100, B("late")));
        h.Telnet.SetDebugLevel(1);
        h.Telnet.Close();

        h.Scheduler.AdvanceTo(200);

        Assert.That(h.DebugText.ToString(), Is.Empty, "nothing is received after close");
    }

    [Test]
    public void Dispose_ClosesLikeTheContextManager()
    {
        var h = WithReads();
        using (h.Telnet)
        {
            Assert.That(h.Telnet.Eof, Is.False);
        }

        Assert.That(h.Telnet.Eof, Is.True);
        Assert.That(h.Transport.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => h.Telnet.Open("localhost"), "a disposed instance is not reopened");
    }

    [Test]
    public void Dispose_AfterClose_DisposesTheTransport()
    {
        var transport = new DisposalRecordingTransport();
        var telnet = new Telnet(transport, new TestScheduler());
        telnet.Close();
        Assert.That(transport.CloseCalls, Is.EqualTo(1));

        telnet.Dispose();
        telnet.Dispose();

        Assert.That(transport.DisposeCalls, Is.EqualTo(1), "Dispose releases the transport Close left open, once");
    }

    [Test]
    public void Dispose_WithoutClose_DisposesTheTransportOnce()
    {
        var transport = new DisposalRecordingTransport();
        var telnet = new Telnet(transport, new TestScheduler());

        telnet.Dispose();
        telnet.Close();
        telnet.Dispose();

        Assert.That(transport.DisposeCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task DisposeAsync_Closes()
    {
        var h = WithReads();
        await using (h.Telnet)
        {
        }

        Assert.That(h.Telnet.Eof, Is.True);
        Assert.That(h.Transport.IsClosed, Is.True);
    }

    [Test]
    public void Eof_TurnsTrueWhenAReadReachesThePeersClose()
    {
        using var h = WithReads(B("x"));
        h.Scheduler.AdvanceTo(h.EndAt);
        Assert.That(h.Telnet.Eof, Is.False, "telnetlib sees the end only when a read reaches it");

        Assert.That(S(h.Telnet.ReadVeryEager()), Is.EqualTo("x"), "EOF does not drop data");
        Assert.That(h.Telnet.Eof, Is.True);
    }

    [Test]
    public void Write_RaisesAuditEventWithEscapedBuffer()
    {
        using var h = WithReads();
        using var audit = new AuditRecorder();

        h.Telnet.Write([1, 255, 2]);

        Assert.That(audit.Events, Has.Count.EqualTo(1));
        Assert.That(audit.Events[0].Key, Is.EqualTo("RxTelnet.Telnet.Write"));
        var payload = (TelnetWriteAuditEvent)audit.Events[0].Value!;
        Assert.That(payload.Telnet, Is.SameAs(h.Telnet));
        Assert.That(payload.Buffer.ToArray(), Is.EqualTo(new byte[] { 1, 255, 255, 2 }), "telnetlib audits the buffer after doubling IAC");
    }

    [Test]
    public void Write_IsTracedAsActivity()
    {
        using var h = WithReads();
        using var activities = new ActivityRecorder();

        h.Telnet.Write(B("hi"));

        var activity = activities.Stopped.Single(a => a.OperationName == TelnetAudit.WriteEventName);
        Assert.That(activity.GetTagItem(TelnetAudit.BufferTag), Is.EqualTo(B("hi")));
    }

    /// <summary>Records the audit events of the "RxTelnet" diagnostic listener.</summary>
    internal sealed class AuditRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable _all;
        private IDisposable? _one;

        public AuditRecorder()
        {
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public List<KeyValuePair<string, object?>> Events { get; } = [];

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == TelnetAudit.SourceName)
            {
                _one = value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            lock (Events)
            {
                Events.Add(value);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _one?.Dispose();
            _all.Dispose();
        }
    }

    /// <summary>Records the activities of the "RxTelnet" activity source.</summary>
    internal sealed class ActivityRecorder : IDisposable
    {
        private readonly ActivityListener _listener;

        public ActivityRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = static s => s.Name == TelnetAudit.SourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    lock (Stopped)
                    {
                        Stopped.Add(a);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Activity> Stopped { get; } = [];

        public void Dispose() => _listener.Dispose();
    }
}
